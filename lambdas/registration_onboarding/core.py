"""Pure domain logic: what a starter workspace holds, by plan. No AWS, no Powertools."""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.events import Event, UserRegistered

PROJECT_QUOTA = {"free": 1, "pro": 10, "team": 50}


@dataclass(frozen=True, slots=True)
class Workspace:
    user_id: str
    workspace_id: str
    name: str
    plan: str
    project_quota: int
    created_at: str
    event_id: str


def starter_workspace(event: Event[UserRegistered]) -> Workspace:
    details = event.details
    return Workspace(
        user_id=details.user_id,
        workspace_id="ws-" + details.user_id.removeprefix("usr-"),  # derived: a replay names the same workspace
        name=f"{details.display_name}'s workspace",
        plan=details.plan,
        project_quota=PROJECT_QUOTA[details.plan],
        created_at=details.registered_at,
        event_id=event.event_id,
    )
