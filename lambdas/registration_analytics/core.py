"""Pure domain logic: which counter a sign-up increments. No AWS, no Powertools."""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.events import UserRegistered


@dataclass(frozen=True, slots=True)
class SignUp:
    user_id: str
    day: str  # YYYY-MM-DD of registeredAt, as the user saw it (its own offset)
    source: str


def sign_up(details: UserRegistered) -> SignUp:
    return SignUp(user_id=details.user_id, day=details.registered_at[:10], source=details.source)


def counter_key(sign_up: SignUp) -> tuple[str, str]:
    """(partition, sort) key of the counter item: one item per day and source."""
    return f"DAY#{sign_up.day}", f"SOURCE#{sign_up.source}"


def marker_key(sign_up: SignUp) -> tuple[str, str]:
    """(partition, sort) key of the item that says this user was counted."""
    return f"USER#{sign_up.user_id}", "COUNTED"
