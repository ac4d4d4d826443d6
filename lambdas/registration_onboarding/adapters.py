"""DynamoDB adapter for workspaces: one starter workspace per user."""

from __future__ import annotations

from registration_onboarding.core import Workspace
from switchyard.idempotency import KeyedTable, Outcome


class Workspaces(KeyedTable):
    key_attribute = "userId"

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
        return self.put_once(item)
