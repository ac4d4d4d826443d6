"""Once per event: every Switchyard effect is a conditional write on its business key.

SQS, SNS and streams deliver at least once, and a consumer can fail between doing its work and
reporting it. Every effect is therefore written so that doing it twice changes nothing: a put
under `attribute_not_exists(<key>)` (`put_if_absent`), or one transaction whose condition says
"not done yet" (a marker item, or "the stored vote is still the one I decided against"). The
write that succeeds is the one that counts: effects return APPLIED or DUPLICATE, and the runtime
counts that outcome, so metrics are exactly once too. Why this and not an idempotency table:
lambdas/shared/README.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

Outcome = Literal["applied", "already-applied"]
APPLIED: Final = "applied"
DUPLICATE: Final = "already-applied"


def put_if_absent(dynamodb: Any, table_name: str, item: Mapping[str, Any], key_attribute: str) -> Outcome:
    """Write `item` unless an item with its key exists."""
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item=dict(item),
            ConditionExpression="attribute_not_exists(#key)",
            ExpressionAttributeNames={"#key": key_attribute},
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return DUPLICATE
    return APPLIED


class KeyedTable:
    """A DynamoDB table whose items are written once per key (`put_if_absent`)."""

    key_attribute: str

    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def put_once(self, item: Mapping[str, Any]) -> Outcome:
        return put_if_absent(self._dynamodb, self._table, item, self.key_attribute)
