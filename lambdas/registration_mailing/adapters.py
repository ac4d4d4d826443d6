"""DynamoDB adapter for the outbox: a mail sender (not part of this system) drains PENDING items."""

from __future__ import annotations

from typing import Any

from registration_mailing.core import OutboxMessage
from switchyard.idempotency import Outcome, put_if_absent


class Outbox:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

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
        return put_if_absent(self._dynamodb, self._table, item, "outboxId")
