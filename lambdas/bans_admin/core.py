"""The admin rules, pure (no boto3, no Powertools).

- status: an account is banned while its BannedAccounts item's `expiresAt` is in the future. TTL
  deletes an expired item "typically within a few days", so an item that is past due but still
  there answers "not banned".
- lift: delete the ban item and reactivate the account directly, in one transaction. The delete
  has no TTL `userIdentity`, so the reactivation handler never acts on it (its mapping's filter
  drops the record and its own check would refuse it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ACCOUNT_ID = re.compile(r"^usr-[0-9a-f]{32}$")
ACTIONS = ("status", "lift")


class BadRequest(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Request:
    action: str
    account_id: str


@dataclass(frozen=True, slots=True)
class Ban:
    expires_at: int
    ban_version: int
    reason: str


def parse_request(event: Any) -> Request:
    if not isinstance(event, dict):
        raise BadRequest("the request must be a JSON object with action and accountId")
    action, account_id = event.get("action"), event.get("accountId")
    if action not in ACTIONS:
        raise BadRequest(f"action must be one of {', '.join(ACTIONS)}")
    if not isinstance(account_id, str) or not ACCOUNT_ID.match(account_id):
        raise BadRequest("accountId must look like usr-<32 hex digits>")
    return Request(action, account_id)


def is_banned(ban: Ban | None, now: float) -> bool:
    return ban is not None and ban.expires_at > now


def status(account_id: str, ban: Ban | None, now: float) -> dict[str, Any]:
    if not is_banned(ban, now) or ban is None:
        return {"accountId": account_id, "banned": False}
    return {"accountId": account_id, "banned": True, "bannedUntil": ban.expires_at, "reason": ban.reason}
