"""Ban topic -> subscriber queue -> deactivate the account and write its BannedAccounts item.

The item's `expiresAt` (the table's TTL attribute) is the reactivation time; a second ban while
banned extends it, never shortens it (core.decide). Writes are one transaction conditional on the
account's `banVersion`, so a redelivery or a concurrent ban cannot apply twice or lose an extension.
"""

from __future__ import annotations

from datetime import datetime

import boto3

from bans_accounts import core
from bans_accounts.adapters import BanStore
from switchyard import clock, runtime
from switchyard.events import AccountDeactivationRequested, Event, parse_as


@runtime.lazy
def store() -> BanStore:
    return BanStore(
        boto3.client("dynamodb"), runtime.env("ACCOUNTS_TABLE_NAME"), runtime.env("BANNED_ACCOUNTS_TABLE_NAME")
    )


class LostRace(RuntimeError):
    """The account's ban changed between read and write (a concurrent ban): retried."""


def occurred_epoch(occurred_at: str) -> float:
    return datetime.fromisoformat(occurred_at.replace("Z", "+00:00")).timestamp()


def apply_ban(event: Event[AccountDeactivationRequested]) -> str:
    request, bans = event.details, store()
    before = bans.account(request.account_id)
    current = bans.current_ban(request.account_id)
    occurred = occurred_epoch(event.envelope.occurred_at)
    decision = core.decide(before, current, occurred, request.ban_duration_seconds, clock.now())
    if isinstance(decision, core.Ignored):
        return decision.metric
    if bans.ban(request.account_id, before, decision, request.reason, event.event_id, occurred):
        return "BansExtended" if decision.extended else "BansApplied"
    raise LostRace(f"account {request.account_id} changed while its ban was decided")


consumer = runtime.Consumer(
    runtime.SQS,
    decode=lambda record: parse_as(AccountDeactivationRequested, record.body),
    effect=runtime.one_by_one(apply_ban),
)
lambda_handler = consumer.lambda_handler
