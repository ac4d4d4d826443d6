"""DynamoDB adapter for leads: one lead per user."""

from __future__ import annotations

from registration_sales_lead.core import Lead
from switchyard.idempotency import KeyedTable, Outcome


class Leads(KeyedTable):
    key_attribute = "userId"

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
        return self.put_once(item)
