"""Pure domain logic of a sign-up: validation, the user id, the event. No AWS, no Powertools."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from switchyard import envelope
from switchyard.inputs import InvalidInput, bounded, require_encodable

EVENT_SOURCE = "registration-api"
EVENT_TYPE = "UserRegistered"
PLANS = ("free", "pro", "team")
SOURCES = ("web", "ios", "android", "partner")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = {"email", "displayName", "plan", "source"}
MAX_EMAIL_LENGTH = 254  # as UserRegistered.v1 says, after normalising
MAX_LISTED_UNKNOWN_FIELDS = 5


class InvalidRegistrationError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Registration:
    email: str
    display_name: str
    plan: str
    source: str

    @property
    def user_id(self) -> str:
        """Derived from the normalised email: a client that retries a sign-up gets the same user."""
        return "usr-" + hashlib.sha256(self.email.encode()).hexdigest()[:32]


def validate(payload: Any) -> Registration:
    """Check a sign-up request; raises InvalidRegistrationError listing every problem (bounded)."""
    if not isinstance(payload, Mapping):
        raise InvalidRegistrationError(["request must be a JSON object with email, displayName, plan and source"])
    unknown = sorted(str(name) for name in set(payload) - FIELDS)
    errors = [f"unknown field {bounded(name, 40)!r}" for name in unknown[:MAX_LISTED_UNKNOWN_FIELDS]]
    if len(unknown) > MAX_LISTED_UNKNOWN_FIELDS:
        errors.append(f"and {len(unknown) - MAX_LISTED_UNKNOWN_FIELDS} more unknown fields")
    email = payload.get("email")
    # Normalised first: what is checked is what is published (lower() can lengthen a string).
    email = email.strip().lower() if isinstance(email, str) and _encodable(email) else None
    if email is None or len(email) > MAX_EMAIL_LENGTH or not EMAIL.match(email):
        errors.append("email must look like name@example.com")
    name = payload.get("displayName")
    name = name.strip() if isinstance(name, str) and _encodable(name) else None
    if name is None or not 1 <= len(name) <= 100:
        errors.append("displayName must be 1-100 characters")
    plan = payload.get("plan", "free")
    if plan not in PLANS:
        errors.append(f"plan must be one of {', '.join(PLANS)}")
    source = payload.get("source")
    if source not in SOURCES:
        errors.append(f"source must be one of {', '.join(SOURCES)}")
    if errors:
        raise InvalidRegistrationError(errors)
    return Registration(email=str(email), display_name=str(name), plan=str(plan), source=str(source))


def _encodable(text: str) -> bool:
    try:
        require_encodable(text)
    except InvalidInput:
        return False
    return True


def user_registered(registration: Registration, *, now: datetime | None = None) -> envelope.Envelope:
    """The event, validated against UserRegistered.v1 before anyone can publish it."""
    when = (now or datetime.now(UTC)).astimezone(UTC)
    return envelope.new_event(
        EVENT_SOURCE,
        EVENT_TYPE,
        {
            "userId": registration.user_id,
            "email": registration.email,
            "displayName": registration.display_name,
            "plan": registration.plan,
            "source": registration.source,
            "registeredAt": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        },
        occurred_at=when,
    )


def message_attributes(event: envelope.Envelope) -> dict[str, str]:
    """What subscribers may filter on without reading the body."""
    return {"plan": str(event.event_details["plan"]), "eventType": event.event_type}
