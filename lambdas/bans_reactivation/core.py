"""The reactivation rules, pure (no boto3, no Powertools).

A stream REMOVE record wakes this handler. It reactivates the account only when all hold:

- the delete was DynamoDB's TTL service: `userIdentity` is {type: Service, principalId:
  dynamodb.amazonaws.com}. The mapping's filter says so too; this check is the second lock, so a
  typo in the filter cannot turn an admin's delete (a lift) or a replica's delete into a
  reactivation. (On a global table only the Region where TTL deleted the item sets
  `userIdentity`; replicated deletes are refused here, so run the handler in that Region.)
- the account was not banned again meanwhile: no BannedAccounts item exists now (a newer ban's
  own expiry reactivates it), and the account is still deactivated by the ban version that expired
  (a lift, or a redelivery of this record, already moved it on).
"""

from __future__ import annotations

from dataclasses import dataclass

TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


@dataclass(frozen=True, slots=True)
class Expired:
    account_id: str
    ban_version: int
    expires_at: int
    ttl_delete: bool


@dataclass(frozen=True, slots=True)
class AccountState:
    status: str
    ban_version: int


@dataclass(frozen=True, slots=True)
class Reactivate:
    ban_version: int


@dataclass(frozen=True, slots=True)
class Skip:
    metric: str
    reason: str


def is_ttl_delete(event_name: str, user_identity: object) -> bool:
    if event_name != "REMOVE" or not isinstance(user_identity, dict):
        return False
    return {k: user_identity.get(k) for k in TTL_IDENTITY} == TTL_IDENTITY


def decide(expired: Expired, banned_again: bool, account: AccountState) -> Reactivate | Skip:
    if banned_again:
        return Skip("StillBanned", "a newer ban item exists; its expiry reactivates the account")
    if account.status != "deactivated" or account.ban_version != expired.ban_version:
        return Skip("DuplicatesIgnored", "already reactivated, lifted or banned again")
    return Reactivate(expired.ban_version)
