"""Grouped FIFO queue (group = orderId) -> balances: in seq order, once, overdrafts rejected.

A gap in seq fails the item (runtime.NotYet, counted as SequenceGaps): Powertools'
SqsFifoPartialProcessor(skip_group_on_error=True) returns the rest of the order's group untouched,
other orders go on, and after maxReceiveCount the order's messages reach the FIFO DLQ in order
(replay: tools/convoy_replay.py). Malformed input is parked in the DLQ with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from ledger_consumer import core
from ledger_consumer.adapters import Balances
from switchyard import runtime
from switchyard.config import require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.events import Event, LedgerTransactionSubmitted, parse_as


@dataclass(frozen=True)
class Dependencies:
    balances: Balances
    dead_letters: DeadLetterSink


@runtime.lazy
def dependencies() -> Dependencies:
    config = require_env("BALANCES_TABLE_NAME", "DEAD_LETTER_QUEUE_URL")
    return Dependencies(
        Balances(boto3.client("dynamodb"), config["BALANCES_TABLE_NAME"]),
        DeadLetterSink(boto3.client("sqs"), config["DEAD_LETTER_QUEUE_URL"]),
    )


class LostRace(RuntimeError):
    """The order's state changed between read and write (a concurrent redelivery): retried."""


def apply_transaction(event: Event[LedgerTransactionSubmitted]) -> str:
    balances, txn = dependencies().balances, event.details
    before = balances.get(txn.order_id)
    decision = core.decide(before, txn)
    match decision:
        case core.Duplicate():
            return "DuplicatesIgnored"
        case core.Gap(reason=reason):
            raise runtime.NotYet(reason, ("SequenceGaps",))
        case core.Applied(state=after):
            if balances.advance(txn.order_id, before, after):
                return "TransactionsApplied"
        case core.Rejected(state=after, reason=reason):
            if balances.reject(txn.order_id, before, after, reason, event.event_id):
                return "TransactionsRejected"
    raise LostRace(f"order {txn.order_id} changed while seq {txn.seq} was decided")


consumer = runtime.Consumer(
    runtime.SQS_FIFO,
    decode=lambda record: parse_as(LedgerTransactionSubmitted, record.body),
    effect=runtime.one_by_one(apply_transaction),
    dead_letters=lambda: dependencies().dead_letters,
)
lambda_handler = consumer.lambda_handler
