"""DynamoDB adapter for the outbox: a mail sender (not part of this system) drains PENDING items."""

from __future__ import annotations

from registration_mailing.core import OutboxMessage
from switchyard.idempotency import KeyedTable, Outcome


class Outbox(KeyedTable):
    key_attribute = "outboxId"

    def enqueue_once(self, message: OutboxMessage) -> Outcome:
        item = {
            "outboxId": {"S": message.outbox_id},
            "userId": {"S": message.user_id},
            "to": {"S": message.to},
            "subject": {"S": message.subject},
            "body": {"S": message.body},
            "template": {"S": message.template},
            "status": {"S": "PENDING"},
            "eventId": {"S": message.event_id},
        }
        return self.put_once(item)
