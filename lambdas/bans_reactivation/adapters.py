"""Accounts (reactivate, conditional on the ban version) checked against BannedAccounts."""

from __future__ import annotations

from typing import Any

from bans_reactivation.core import AccountState


class AccountMissing(LookupError):
    """The ban's account is not in Accounts (erased while banned, or an item written by hand).
    Nothing here can fix it: the record fails, Lambda bisects the batch down to it, retries it a
    bounded number of times and sends its position to the on-failure destination for an operator."""


class Reactivations:
    def __init__(self, dynamodb_client: Any, accounts_table: str, banned_table: str) -> None:
        self._dynamodb = dynamodb_client
        self._accounts = accounts_table
        self._banned = banned_table

    def banned_again(self, account_id: str) -> bool:
        item = self._dynamodb.get_item(
            TableName=self._banned, Key={"accountId": {"S": account_id}}, ConsistentRead=True
        ).get("Item")
        return item is not None

    def account(self, account_id: str) -> AccountState:
        item = self._dynamodb.get_item(
            TableName=self._accounts, Key={"accountId": {"S": account_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            raise AccountMissing(f"account {account_id} is not in {self._accounts}")
        return AccountState(item["status"]["S"], int(item.get("banVersion", {"N": "0"})["N"]))

    def reactivate(self, account_id: str, ban_version: int, now: float) -> bool:
        """Active again, unless a new ban item appeared or the account moved on (then False)."""
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": self._banned,
                            "Key": {"accountId": {"S": account_id}},
                            "ConditionExpression": "attribute_not_exists(accountId)",
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._accounts,
                            "Key": {"accountId": {"S": account_id}},
                            "UpdateExpression": "SET #status = :active, reactivatedBy = :ttl, reactivatedAt = :now "
                            "ADD ttlReactivations :one",
                            "ConditionExpression": "#status = :deactivated AND banVersion = :v",
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":active": {"S": "active"},
                                ":deactivated": {"S": "deactivated"},
                                ":ttl": {"S": "ttl"},
                                ":now": {"N": str(int(now))},
                                ":one": {"N": "1"},
                                ":v": {"N": str(ban_version)},
                            },
                        }
                    },
                ]
            )
        except self._dynamodb.exceptions.TransactionCanceledException:
            return False
        return True
