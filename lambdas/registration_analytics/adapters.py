"""DynamoDB adapter: count a user once, atomically with the marker that says so."""

from __future__ import annotations

from typing import Any

from registration_analytics.core import SignUp, counter_key, marker_key
from switchyard.idempotency import Outcome


class SignUpCounters:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def count_once(self, sign_up: SignUp) -> Outcome:
        marker_pk, marker_sk = marker_key(sign_up)
        counter_pk, counter_sk = counter_key(sign_up)
        try:
            # One transaction: the marker exists if and only if the user was counted.
            self._dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": {
                                "pk": {"S": marker_pk},
                                "sk": {"S": marker_sk},
                                "day": {"S": sign_up.day},
                                "source": {"S": sign_up.source},
                            },
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._table,
                            "Key": {"pk": {"S": counter_pk}, "sk": {"S": counter_sk}},
                            "UpdateExpression": "ADD signups :one",
                            "ExpressionAttributeValues": {":one": {"N": "1"}},
                        }
                    },
                ]
            )
        except self._dynamodb.exceptions.TransactionCanceledException as error:
            reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
            if reasons and reasons[0] == "ConditionalCheckFailed":
                return "already-applied"
            raise  # a conflict or throttle: transient, the record is retried
        return "applied"
