"""Pure domain logic: a lead for the sales team. No AWS, no Powertools."""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.events import Event, UserRegistered


@dataclass(frozen=True, slots=True)
class Lead:
    user_id: str
    email: str
    display_name: str
    source: str
    registered_at: str
    event_id: str


def why_not_a_lead(details: UserRegistered) -> str | None:
    """Only pro sign-ups are leads. The filter policy delivers only those; anything else means a
    misconfigured subscription, and retrying cannot fix it: the consumer parks it with this reason."""
    plan = details.plan
    return None if plan == "pro" else f"plan {plan!r} is not a sales lead (only 'pro' is): check the filter policy"


def lead(event: Event[UserRegistered]) -> Lead:
    details = event.details
    return Lead(
        user_id=details.user_id,
        email=details.email,
        display_name=details.display_name,
        source=details.source,
        registered_at=details.registered_at,
        event_id=event.event_id,
    )
