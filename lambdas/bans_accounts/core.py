"""The ban rules, pure (no boto3, no Powertools).

An account is banned while its BannedAccounts item exists with `expiresAt` in the future; the
item's expiry is the reactivation time (DynamoDB's TTL deletes it, which wakes the reactivation
handler). A ban asked for at `occurredAt` for `banDurationSeconds` lasts until their sum:

- a ban while banned extends the ban when it ends later, and never shortens it (so a redelivered
  event, which ends at the same time, changes nothing);
- an item whose `expiresAt` has passed is not a ban (TTL deletes "within a few days"), so a ban
  then starts afresh;
- a ban that would already be over when it arrives, or that was issued before an admin lifted the
  account's ban, is ignored (a late redelivery must not ban again).

Every change bumps the account's `banVersion`, the condition every later write is decided against.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Account:
    status: str  # "active" | "deactivated"
    ban_version: int = 0
    lifted_at: float | None = None


@dataclass(frozen=True, slots=True)
class CurrentBan:
    expires_at: int
    ban_version: int


@dataclass(frozen=True, slots=True)
class Ignored:
    reason: str
    metric: str


@dataclass(frozen=True, slots=True)
class Banned:
    expires_at: int
    ban_version: int
    extended: bool  # the account was banned already: the ban now ends later


def is_banned(ban: CurrentBan | None, now: float) -> bool:
    """The read rule: an item whose expiry is past is not a ban, deleted yet or not."""
    return ban is not None and ban.expires_at > now


def decide(
    account: Account, current: CurrentBan | None, occurred_at: float, duration: int, now: float
) -> Ignored | Banned:
    until = int(occurred_at) + duration
    if account.lifted_at is not None and occurred_at <= account.lifted_at:
        return Ignored("issued before the account's ban was lifted", "BansIgnored")
    if until <= now:
        return Ignored("the ban was over before it arrived", "BansIgnored")
    banned = is_banned(current, now)
    if banned and current is not None and until <= current.expires_at:
        return Ignored("does not end later than the current ban", "BansNotExtended")
    return Banned(until, account.ban_version + 1, extended=banned)
