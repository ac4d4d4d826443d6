"""DynamoDB adapter for leads: one lead per user."""

from __future__ import annotations

from typing import Any

from registration_sales_lead.core import Lead
from switchyard.idempotency import Outcome, put_if_absent


class Leads:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def open_once(self, lead: Lead) -> Outcome:
        item = {
            "userId": {"S": lead.user_id},
            "email": {"S": lead.email},
            "displayName": {"S": lead.display_name},
            "source": {"S": lead.source},
            "registeredAt": {"S": lead.registered_at},
            "status": {"S": "NEW"},
            "eventId": {"S": lead.event_id},
        }
        return put_if_absent(self._dynamodb, self._table, item, "userId")
