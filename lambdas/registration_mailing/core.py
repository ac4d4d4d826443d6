"""Pure domain logic: the welcome email a new user gets. No AWS, no Powertools."""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.envelope import Envelope

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


def welcome_email(event: Envelope) -> OutboxMessage:
    details = event.event_details
    plan = PLAN_NAMES[details["plan"]]
    return OutboxMessage(
        outbox_id=f"welcome#{details['userId']}",
        user_id=details["userId"],
        to=details["email"],
        subject=f"Welcome to Switchyard, {details['displayName']}",
        body=f"Hello {details['displayName']}, your {plan} account is ready.",
        template="welcome-v1",
        event_id=event.event_id,
    )
