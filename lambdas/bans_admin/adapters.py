"""BannedAccounts reads and the lift: delete the item and reactivate the account, one transaction."""

from __future__ import annotations

from typing import Any

from bans_admin.core import Ban


class Bans:
    def __init__(self, dynamodb_client: Any, accounts_table: str, banned_table: str) -> None:
        self._dynamodb = dynamodb_client
        self._accounts = accounts_table
        self._banned = banned_table

    def get(self, account_id: str) -> Ban | None:
        item = self._dynamodb.get_item(
            TableName=self._banned, Key={"accountId": {"S": account_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        return Ban(int(item["expiresAt"]["N"]), int(item["banVersion"]["N"]), item.get("reason", {"S": ""})["S"])

    def lift(self, account_id: str, ban: Ban, now: float) -> bool:
        """False when the ban changed (extended, expired and reactivated) since it was read."""
        version = {":v": {"N": str(ban.ban_version)}}
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self._banned,
                            "Key": {"accountId": {"S": account_id}},
                            "ConditionExpression": "banVersion = :v",
                            "ExpressionAttributeValues": version,
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._accounts,
                            "Key": {"accountId": {"S": account_id}},
                            "UpdateExpression": "SET #status = :active, reactivatedBy = :lift, liftedAt = :now "
                            "ADD lifts :one",
                            "ConditionExpression": "banVersion = :v",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":active": {"S": "active"},
                                ":lift": {"S": "lift"},
                                ":now": {"N": str(int(now))},
                                ":one": {"N": "1"},
                                **version,
                            },
                        }
                    },
                ]
            )
        except self._dynamodb.exceptions.TransactionCanceledException:
            return False
        return True
