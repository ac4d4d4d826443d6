"""DynamoDB adapter for the audit log. The boto3 client is injected, so tests pass their own."""

from __future__ import annotations

from typing import Any

from audit.core import AuditEntry


class AuditLog:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table_name = table_name

    def record(self, entry: AuditEntry) -> bool:
        """Store the entry once; returns False when this eventId is already in the log."""
        try:
            self._dynamodb.put_item(
                TableName=self._table_name,
                Item={
                    "eventId": {"S": entry.event_id},
                    "eventType": {"S": entry.event_type},
                    "eventVersion": {"N": str(entry.event_version)},
                    "eventSource": {"S": entry.event_source},
                    "occurredAt": {"S": entry.occurred_at},
                    "receivedAtMs": {"N": str(entry.received_at_ms)},
                    "eventDetails": {"S": entry.details_json},
                },
                # Conditional put makes redelivery harmless: SQS is at-least-once.
                ConditionExpression="attribute_not_exists(eventId)",
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True
