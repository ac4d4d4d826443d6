"""Typed event details: one frozen dataclass per event type and version.

The JSON Schema in `schemas/` stays the one source of truth for what is valid (the producer and
every consumer validate against it); these classes only give the validated details names and
types. `tests/unit/test_events.py` checks each class against its schema (every property, which
are required, each type), so the two cannot drift apart. Pure: no boto3, no Powertools.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from switchyard.envelope import Envelope, EventValidationError, parse


class Details(Protocol):
    EVENT_TYPE: ClassVar[str]
    EVENT_VERSION: ClassVar[int]


D = TypeVar("D", bound=Details)


def json_name(field_name: str) -> str:
    """`display_name` -> `displayName`: the schema's property for a dataclass field."""
    head, *rest = field_name.split("_")
    return head + "".join(part.capitalize() for part in rest)


@dataclass(frozen=True, slots=True)
class Event(Generic[D]):
    """A validated envelope with its details as `D`."""

    envelope: Envelope
    details: D

    @property
    def event_id(self) -> str:
        return self.envelope.event_id


def details_of(details_type: type[D], envelope: Envelope) -> D:
    if envelope.event_type != details_type.EVENT_TYPE:
        raise EventValidationError(
            f"unexpected eventType {envelope.event_type!r} (this consumer handles {details_type.EVENT_TYPE})"
        )
    if envelope.event_version != details_type.EVENT_VERSION:
        raise EventValidationError(
            f"{envelope.event_type} version {envelope.event_version} is not handled here "
            f"(this consumer handles {details_type.EVENT_VERSION})"
        )
    values: Mapping[str, Any] = envelope.event_details
    fields = dataclasses.fields(details_type)  # type: ignore[arg-type]
    return details_type(**{f.name: values[json_name(f.name)] for f in fields if json_name(f.name) in values})


def parse_as(details_type: type[D], raw: str | bytes | Mapping[str, Any]) -> Event[D]:
    """Parse and validate an envelope that must carry `details_type`; EventValidationError otherwise."""
    envelope = parse(raw)
    return Event(envelope, details_of(details_type, envelope))


@dataclass(frozen=True, slots=True)
class UserRegistered:
    """schemas/UserRegistered.v1.json"""

    EVENT_TYPE: ClassVar[str] = "UserRegistered"
    EVENT_VERSION: ClassVar[int] = 1

    user_id: str
    email: str
    display_name: str
    plan: str
    source: str
    registered_at: str


@dataclass(frozen=True, slots=True)
class AuditNoteRecorded:
    """schemas/AuditNoteRecorded.v1.json"""

    EVENT_TYPE: ClassVar[str] = "AuditNoteRecorded"
    EVENT_VERSION: ClassVar[int] = 1

    actor: str
    note: str


@dataclass(frozen=True, slots=True)
class LedgerTransactionSubmitted:
    """schemas/LedgerTransactionSubmitted.v1.json: `amount` in minor units (cents), always > 0;
    `type` says which way it moves the balance (credit adds; debit and refund take away)."""

    EVENT_TYPE: ClassVar[str] = "LedgerTransactionSubmitted"
    EVENT_VERSION: ClassVar[int] = 1

    order_id: str
    seq: int
    type: str
    amount: int
    currency: str


@dataclass(frozen=True, slots=True)
class AccountDeactivationRequested:
    """schemas/AccountDeactivationRequested.v1.json"""

    EVENT_TYPE: ClassVar[str] = "AccountDeactivationRequested"
    EVENT_VERSION: ClassVar[int] = 1

    account_id: str
    reason: str
    ban_duration_seconds: int


@dataclass(frozen=True, slots=True)
class PostReported:
    """schemas/PostReported.v1.json: a user's report of another user's post."""

    EVENT_TYPE: ClassVar[str] = "PostReported"
    EVENT_VERSION: ClassVar[int] = 1

    report_id: str
    post_id: str
    author_id: str
    reporter_id: str
    post_text: str


DETAILS_TYPES: tuple[type[Any], ...] = (
    UserRegistered,
    AuditNoteRecorded,
    LedgerTransactionSubmitted,
    AccountDeactivationRequested,
    PostReported,
)
