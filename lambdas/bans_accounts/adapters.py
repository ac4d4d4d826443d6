"""Accounts and BannedAccounts: a ban is one transaction over both, conditional on `banVersion`."""

from __future__ import annotations

from typing import Any

from bans_accounts.core import Account, Banned, CurrentBan


class UnknownAccount(LookupError):
    """A ban for an account the Accounts table does not hold: retried, then parked by redrive."""


class BanStore:
    def __init__(self, dynamodb_client: Any, accounts_table: str, banned_table: str) -> None:
        self._dynamodb = dynamodb_client
        self._accounts = accounts_table
        self._banned = banned_table

    def account(self, account_id: str) -> Account:
        item = self._dynamodb.get_item(
            TableName=self._accounts, Key={"accountId": {"S": account_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            raise UnknownAccount(f"account {account_id} is not in {self._accounts}")
        lifted = item.get("liftedAt")
        return Account(
            item["status"]["S"], int(item.get("banVersion", {"N": "0"})["N"]), float(lifted["N"]) if lifted else None
        )

    def current_ban(self, account_id: str) -> CurrentBan | None:
        item = self._dynamodb.get_item(
            TableName=self._banned, Key={"accountId": {"S": account_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        return CurrentBan(int(item["expiresAt"]["N"]), int(item["banVersion"]["N"]))

    def ban(self, account_id: str, before: Account, ban: Banned, reason: str, event_id: str, banned_at: float) -> bool:
        """Deactivate the account and (re)write its ban item; False when another write came first."""
        previous = {":prev": {"N": str(before.ban_version)}}
        try:
            self._dynamodb.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._banned,
                            "Item": {
                                "accountId": {"S": account_id},
                                "expiresAt": {"N": str(ban.expires_at)},
                                "banVersion": {"N": str(ban.ban_version)},
                                "reason": {"S": reason},
                                "bannedAt": {"N": str(int(banned_at))},
                                "eventId": {"S": event_id},
                            },
                            "ConditionExpression": "attribute_not_exists(accountId) OR banVersion = :prev",
                            "ExpressionAttributeValues": previous,
                        }
                    },
                    {
                        "Update": {
                            "TableName": self._accounts,
                            "Key": {"accountId": {"S": account_id}},
                            "UpdateExpression": "SET #status = :deactivated, banVersion = :v, bannedUntil = :until",
                            "ConditionExpression": "attribute_exists(accountId) AND "
                            + ("attribute_not_exists(banVersion)" if before.ban_version == 0 else "banVersion = :prev"),
                            "ExpressionAttributeNames": {"#status": "status"},
                            "ExpressionAttributeValues": {
                                ":deactivated": {"S": "deactivated"},
                                ":v": {"N": str(ban.ban_version)},
                                ":until": {"N": str(ban.expires_at)},
                                **(previous if before.ban_version else {}),
                            },
                        }
                    },
                ]
            )
        except self._dynamodb.exceptions.TransactionCanceledException:
            return False
        return True
