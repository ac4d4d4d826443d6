"""Intake FIFO queue -> ledger (append once per orderId+seq) -> grouped FIFO queue (group = key).

Forwarded even when the ledger already had the entry: the earlier attempt may have failed
between the two writes. A second transaction under a taken (orderId, seq) is not forwarded and
is counted (LedgerConflicts): the ledger keeps the first. Malformed input, and a message without
its group key, is parked in the intake DLQ with its reason.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import boto3
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from ledger_processor import core
from ledger_processor.adapters import GroupedQueue, Ledger, LedgerConflict
from switchyard import idempotency, runtime
from switchyard.config import ConfigurationError, require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.events import LedgerTransactionSubmitted, parse_as
from switchyard.inputs import InvalidInput
from switchyard.observability import logger


@dataclass(frozen=True)
class Dependencies:
    ledger: Ledger
    grouped: GroupedQueue
    dead_letters: DeadLetterSink


@runtime.lazy
def dependencies() -> Dependencies:
    config = require_env("LEDGER_TABLE_NAME", "GROUPED_QUEUE_URL", "DEAD_LETTER_QUEUE_URL")
    sqs = boto3.client("sqs")
    return Dependencies(
        Ledger(boto3.client("dynamodb"), config["LEDGER_TABLE_NAME"]),
        GroupedQueue(sqs, config["GROUPED_QUEUE_URL"]),
        DeadLetterSink(sqs, config["DEAD_LETTER_QUEUE_URL"]),
    )


@runtime.lazy
def group_key() -> core.GroupKey:
    field, attribute = os.environ.get("GROUP_KEY_JSON_FIELD"), os.environ.get("GROUP_KEY_MESSAGE_ATTRIBUTE")
    if bool(field) == bool(attribute):
        raise ConfigurationError("set exactly one of GROUP_KEY_JSON_FIELD and GROUP_KEY_MESSAGE_ATTRIBUTE")
    return core.GroupKey(json_field=field or None, message_attribute=attribute or None)


def decode(record: SQSRecord) -> core.Submitted:
    return core.Submitted(
        parse_as(LedgerTransactionSubmitted, record.body), record.body, runtime.string_attributes(record)
    )


def without_group_key(item: core.Submitted) -> runtime.Refusal | None:
    try:
        core.group_id(group_key(), json.loads(item.body), item.attributes)
    except InvalidInput as missing:
        return runtime.Refusal(missing.reason)
    return None


def record_and_forward(item: core.Submitted) -> str:
    deps = dependencies()
    try:
        outcome = deps.ledger.append(core.ledger_entry(item.event))
    except LedgerConflict as conflict:
        logger.warning(
            "ledger conflict, not forwarded", extra={"reason": str(conflict), "eventId": item.event.event_id}
        )
        return "LedgerConflicts"
    deps.grouped.send(core.forward(item, group_key()))
    return "TransactionsRecorded" if outcome == idempotency.APPLIED else "DuplicatesIgnored"


consumer = runtime.Consumer(
    runtime.SQS_FIFO,
    decode=decode,
    effect=runtime.one_by_one(record_and_forward),
    screen=without_group_key,
    dead_letters=lambda: dependencies().dead_letters,
)
lambda_handler = consumer.lambda_handler
