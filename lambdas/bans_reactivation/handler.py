"""BannedAccounts stream (REMOVE by TTL only) -> reactivate the account, once, unless re-banned.

The mapping's filter admits only TTL deletes; `screen` checks `userIdentity` again, so a manual
delete (an admin's lift) that slipped through a filter typo is refused and counted, never applied.
Ordered (runtime.DYNAMODB_STREAM): a failing record and those after it are reported failed;
when the first record of a batch fails, every record fails and Powertools raises, which is a
function error: BisectBatchOnFunctionError then splits the batch until the poison record is alone.
"""

from __future__ import annotations

import boto3
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from bans_reactivation import core
from bans_reactivation.adapters import Reactivations
from switchyard import clock, runtime


@runtime.lazy
def reactivations() -> Reactivations:
    return Reactivations(
        boto3.client("dynamodb"), runtime.env("ACCOUNTS_TABLE_NAME"), runtime.env("BANNED_ACCOUNTS_TABLE_NAME")
    )


def decode(record: DynamoDBRecord) -> core.Expired:
    raw = record.raw_event
    image = raw["dynamodb"]["OldImage"]
    return core.Expired(
        account_id=image["accountId"]["S"],
        ban_version=int(image["banVersion"]["N"]),
        expires_at=int(image["expiresAt"]["N"]),
        ttl_delete=core.is_ttl_delete(raw.get("eventName", ""), raw.get("userIdentity")),
    )


def screen(expired: core.Expired) -> runtime.Refusal | None:
    if expired.ttl_delete:
        return None
    return runtime.Refusal("not a TTL delete (no TTL userIdentity)", ("ManualDeletesIgnored",), park=False)


class LostRace(RuntimeError):
    """The account changed between read and write: retried (the next read decides again)."""


def reactivate(expired: core.Expired) -> str:
    store = reactivations()
    decision = core.decide(expired, store.banned_again(expired.account_id), store.account(expired.account_id))
    if isinstance(decision, core.Skip):
        return decision.metric
    if store.reactivate(expired.account_id, decision.ban_version, clock.now()):
        return "AccountsReactivated"
    raise LostRace(f"account {expired.account_id} changed while its reactivation was decided")


consumer = runtime.Consumer(
    runtime.DYNAMODB_STREAM, decode=decode, screen=screen, effect=runtime.one_by_one(reactivate)
)
lambda_handler = consumer.lambda_handler
