"""The ledger table and the grouped queue. boto3 clients are injected."""

from __future__ import annotations

from typing import Any

from ledger_processor.core import Forward, LedgerEntry
from switchyard import idempotency


class LedgerConflict(Exception):
    """Another transaction already holds this (orderId, seq) in the ledger."""


class Ledger:
    """Immutable: an entry is written once per (orderId, seq) and never changed."""

    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def append(self, entry: LedgerEntry) -> idempotency.Outcome:
        key = {"orderId": {"S": entry.order_id}, "seq": {"N": str(entry.seq)}}
        try:
            self._dynamodb.put_item(
                TableName=self._table,
                Item=key
                | {
                    "type": {"S": entry.type},
                    "amount": {"N": str(entry.amount)},
                    "currency": {"S": entry.currency},
                    "eventId": {"S": entry.event_id},
                    "occurredAt": {"S": entry.occurred_at},
                },
                ConditionExpression="attribute_not_exists(orderId)",
            )
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            existing = self._dynamodb.get_item(TableName=self._table, Key=key, ConsistentRead=True).get("Item", {})
            if existing.get("eventId", {}).get("S") != entry.event_id:
                raise LedgerConflict(f"{entry.order_id} seq {entry.seq} is already another transaction") from None
            return idempotency.DUPLICATE
        return idempotency.APPLIED


class GroupedQueue:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._url = queue_url

    def send(self, message: Forward) -> None:
        self._sqs.send_message(
            QueueUrl=self._url,
            MessageBody=message.body,
            MessageGroupId=message.group_id,
            MessageDeduplicationId=message.deduplication_id,
        )
