"""Pure domain logic: the welcome email a new user gets. No AWS, no Powertools."""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.events import Event, UserRegistered

PLAN_NAMES = {"free": "Free", "pro": "Pro", "team": "Team"}


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    outbox_id: str  # one welcome email per user: the user id is the key
    user_id: str
    to: str
    subject: str
    body: str
    template: str
    event_id: str


def welcome_email(event: Event[UserRegistered]) -> OutboxMessage:
    details = event.details
    return OutboxMessage(
        outbox_id=f"welcome#{details.user_id}",
        user_id=details.user_id,
        to=details.email,
        subject=f"Welcome to Switchyard, {details.display_name}",
        body=f"Hello {details.display_name}, your {PLAN_NAMES[details.plan]} account is ready.",
        template="welcome-v1",
        event_id=event.event_id,
    )
