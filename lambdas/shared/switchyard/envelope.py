"""The one event envelope every Switchyard event travels in, validated on emit and on receipt.

Pure: no boto3, no Powertools. Schemas live beside this file as `<eventType>.v<version>.json`
and are compiled once, on first use, with fastjsonschema (the engine Powertools' validation
utility uses). `new_event` (the producer) and `parse` (every consumer) run the same checks, so
a producer refuses exactly what a consumer would park (README "One contract for bad input").
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import fastjsonschema

from switchyard.inputs import InvalidInput, decode_json, require_encodable

SCHEMA_DIR = Path(__file__).parent / "schemas"


class EventValidationError(InvalidInput):
    """An event that can never be processed as sent. `reason` is short, bounded and safe to log."""


class UnknownEventVersionError(EventValidationError):
    """The event type is known, but not in this version."""


@dataclass(frozen=True, slots=True)
class Envelope:
    event_source: str
    event_type: str
    event_version: int
    event_id: str
    occurred_at: str
    event_details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "eventSource": self.event_source,
            "eventType": self.event_type,
            "eventVersion": self.event_version,
            "eventId": self.event_id,
            "occurredAt": self.occurred_at,
            "eventDetails": dict(self.event_details),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), sort_keys=True)


@cache
def _validator(name: str) -> Callable[[Any], Any]:
    return fastjsonschema.compile(json.loads((SCHEMA_DIR / f"{name}.json").read_text()))


@lru_cache(maxsize=128)  # keyed by input: bounded, so poison cannot grow it
def known_versions(event_type: str) -> tuple[int, ...]:
    return tuple(sorted(int(p.stem.rsplit(".v", 1)[1]) for p in SCHEMA_DIR.glob(f"{event_type}.v*.json")))


def _validate(name: str, value: Any, what: str) -> None:
    try:
        _validator(name)(value)
    except fastjsonschema.JsonSchemaValueException as error:
        raise EventValidationError(f"{what} invalid: {error.message}") from None
    except RecursionError:
        raise EventValidationError(f"{what} invalid: nested too deeply") from None


def validate_details(event_type: str, event_version: int, details: Any) -> None:
    # Exactly an int: 1.0 and true compare equal to 1 but name no schema file.
    if type(event_version) is not int:
        raise EventValidationError("eventVersion must be an integer")
    versions = known_versions(event_type)
    if not versions:
        raise EventValidationError(f"unknown eventType {event_type!r}")
    if event_version not in versions:
        raise UnknownEventVersionError(
            f"{event_type} version {event_version} is not supported (supported: {', '.join(map(str, versions))})"
        )
    _validate(f"{event_type}.v{event_version}", details, f"{event_type}.v{event_version} eventDetails")


def parse(raw: str | bytes | Mapping[str, Any]) -> Envelope:
    """Decode and validate an envelope as received; raises EventValidationError with a reason."""
    try:
        if isinstance(raw, (str, bytes)):
            data = decode_json(raw)
        else:
            data = dict(raw)
            require_encodable(data, "event")
    except InvalidInput as error:
        raise EventValidationError(error.reason) from None
    _validate("envelope", data, "envelope")
    validate_details(data["eventType"], data["eventVersion"], data["eventDetails"])
    return Envelope(
        event_source=data["eventSource"],
        event_type=data["eventType"],
        event_version=data["eventVersion"],
        event_id=data["eventId"],
        occurred_at=data["occurredAt"],
        event_details=data["eventDetails"],
    )


def new_event(
    source: str,
    event_type: str,
    details: Mapping[str, Any],
    *,
    version: int = 1,
    event_id: str | None = None,
    occurred_at: datetime | None = None,
) -> Envelope:
    """Build an envelope for emitting; validated here so a bad event never leaves the producer."""
    when = (occurred_at or datetime.now(UTC)).astimezone(UTC)
    return parse(
        {
            "eventSource": source,
            "eventType": event_type,
            "eventVersion": version,
            "eventId": event_id or str(uuid.uuid4()),
            "occurredAt": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "eventDetails": dict(details),
        }
    )
