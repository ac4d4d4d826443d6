"""DynamoDB adapter for workspaces: one starter workspace per user."""

from __future__ import annotations

from typing import Any

from registration_onboarding.core import Workspace
from switchyard.idempotency import Outcome, put_if_absent


class Workspaces:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def create_once(self, workspace: Workspace) -> Outcome:
        item = {
            "userId": {"S": workspace.user_id},
            "workspaceId": {"S": workspace.workspace_id},
            "name": {"S": workspace.name},
            "plan": {"S": workspace.plan},
            "projectQuota": {"N": str(workspace.project_quota)},
            "createdAt": {"S": workspace.created_at},
            "eventId": {"S": workspace.event_id},
        }
        return put_if_absent(self._dynamodb, self._table, item, "userId")
