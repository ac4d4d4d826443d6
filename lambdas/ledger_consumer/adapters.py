"""The balances table: per order one `state` item, and one `rejection#<seq>` item per rejection.

Every write is conditional on the applied sequence it was decided against, so a redelivery, or a
second poller that raced this one, cannot apply a transaction twice or out of order.
"""

from __future__ import annotations

from typing import Any

from ledger_consumer.core import OrderState

STATE = "state"


def rejection_entry(seq: int) -> str:
    return f"rejection#{seq:010d}"


class Balances:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def get(self, order_id: str) -> OrderState:
        item = self._dynamodb.get_item(
            TableName=self._table, Key={"orderId": {"S": order_id}, "entry": {"S": STATE}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return OrderState()
        return OrderState(int(item["appliedSeq"]["N"]), int(item["balance"]["N"]), item["currency"]["S"])

    def _state_update(self, order_id: str, before: OrderState, after: OrderState) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self._table,
            "Key": {"orderId": {"S": order_id}, "entry": {"S": STATE}},
            "UpdateExpression": "SET appliedSeq = :seq, balance = :balance, currency = :currency",
            "ExpressionAttributeValues": {
                ":seq": {"N": str(after.applied_seq)},
                ":balance": {"N": str(after.balance)},
                ":currency": {"S": after.currency or ""},
            },
        }
        if before.applied_seq == 0:
            update["ConditionExpression"] = "attribute_not_exists(orderId)"
        else:
            update["ConditionExpression"] = "appliedSeq = :before"
            update["ExpressionAttributeValues"][":before"] = {"N": str(before.applied_seq)}
        return update

    def advance(self, order_id: str, before: OrderState, after: OrderState) -> bool:
        """Move the order from `before` to `after`; False when its state is no longer `before`."""
        try:
            self._dynamodb.update_item(**self._state_update(order_id, before, after))
        except self._dynamodb.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def reject(self, order_id: str, before: OrderState, after: OrderState, reason: str, event_id: str) -> bool:
        """Record the rejection and move the sequence on, in one transaction."""
        rejection = {
            "Put": {
                "TableName": self._table,
                "Item": {
                    "orderId": {"S": order_id},
                    "entry": {"S": rejection_entry(after.applied_seq)},
                    "seq": {"N": str(after.applied_seq)},
                    "reason": {"S": reason},
                    "eventId": {"S": event_id},
                },
                "ConditionExpression": "attribute_not_exists(orderId)",
            }
        }
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[{"Update": self._state_update(order_id, before, after)}, rejection]
            )
        except self._dynamodb.exceptions.TransactionCanceledException:
            return False
        return True
