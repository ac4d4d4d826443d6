"""Once per event: the one Powertools idempotency setup every Switchyard consumer uses.

Two layers, because SQS and SNS deliver at least once and a consumer can fail between doing
its work and recording that it did:

1. Powertools idempotency keyed on the envelope's `eventId` (DynamoDB persistence table with
   TTL, `IDEMPOTENCY_TABLE_NAME`): a redelivered event returns the stored result and runs
   nothing. The key is prefixed with the function name, so consumers can share one table.
2. The effect itself is conditional on the business key (`put_if_absent`, or a transaction
   with a marker), so even a replay after a lost idempotency record changes nothing.

`EventConsumer.record_handler` is what a consumer hands to its BatchProcessor: poison (bad
JSON, schema, an unknown version, the wrong event type) is parked in the consumer's DLQ with
its reason and never retried; transient errors raise, so the record is reported in
batchItemFailures and comes back (or reaches the DLQ by redrive).

The persistence layer and its boto3 client are built on first use, inside the invocation, from
the default boto3 session: configuration is read when the function runs, not at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from switchyard import envelope
from switchyard.config import require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.observability import logger, metrics

Outcome = Literal["applied", "already-applied"]

# One config for every consumer. A redelivery more than a day later still changes nothing:
# the effects are conditional (layer 2); the window only bounds the table's size (TTL).
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
IDEMPOTENCY_CONFIG = IdempotencyConfig(
    event_key_jmespath="eventId",
    expires_after_seconds=IDEMPOTENCY_TTL_SECONDS,
    raise_on_no_idempotency_key=True,
)


@cache
def persistence_layer() -> DynamoDBPersistenceLayer:
    table = require_env("IDEMPOTENCY_TABLE_NAME")["IDEMPOTENCY_TABLE_NAME"]
    # Default session: the same credentials and endpoint as the function's other clients.
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=boto3.client("dynamodb"))


@cache
def dead_letter_sink() -> DeadLetterSink:
    return DeadLetterSink(boto3.client("sqs"), require_env("DEAD_LETTER_QUEUE_URL")["DEAD_LETTER_QUEUE_URL"])


def register_lambda_context(context: LambdaContext) -> None:
    """Call at the start of every invocation: in-progress records expire with the invocation."""
    IDEMPOTENCY_CONFIG.register_lambda_context(context)


def put_if_absent(dynamodb: Any, table_name: str, item: Mapping[str, Any], key_attribute: str) -> Outcome:
    """Write `item` unless an item with its key exists: the effect-level guard (layer 2)."""
    try:
        dynamodb.put_item(
            TableName=table_name,
            Item=dict(item),
            ConditionExpression="attribute_not_exists(#key)",
            ExpressionAttributeNames={"#key": key_attribute},
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return "already-applied"
    return "applied"


@dataclass(frozen=True)
class EventConsumer:
    """Applies `effect` to each valid `event_type` envelope once; parks everything else.

    `effect(envelope) -> "applied" | "already-applied"` does the consumer's work; it must be
    safe to run twice for one event (conditional writes), and raise on transient errors.
    `reject(envelope) -> reason | None` refuses a valid envelope this consumer can never use.
    """

    event_type: str
    effect: Callable[[envelope.Envelope], Outcome]
    # Optional domain check before any work: a reason means "never processable here", parked.
    reject: Callable[[envelope.Envelope], str | None] | None = None

    def _apply(self, *, event: dict[str, Any], message_id: str, parsed: envelope.Envelope) -> dict[str, str]:
        # `event` is the idempotency key's payload; `parsed` is the same envelope, already
        # validated by record_handler, so it is not parsed twice.
        outcome = self.effect(parsed)
        # Counted here, when the effect happens: if recording the result fails afterwards, the
        # retry finds the effect already applied, and the count stays exactly once.
        if outcome == "applied":
            metrics.add_metric(name="EventsApplied", unit=MetricUnit.Count, value=1)
        else:
            metrics.add_metric(name="DuplicatesIgnored", unit=MetricUnit.Count, value=1)
        # Stored by Powertools and replayed for a redelivery: messageId tells them apart.
        return {"outcome": outcome, "messageId": message_id}

    def _once(self) -> Callable[..., dict[str, str]]:
        # Decorated per record, not at import: the persistence store (and its table name and
        # client) only exists once the function runs. Decorating is cheap; the store is cached.
        once: Callable[..., dict[str, str]] = idempotent_function(
            data_keyword_argument="event", config=IDEMPOTENCY_CONFIG, persistence_store=persistence_layer()
        )(self._apply)
        return once

    def record_handler(self, record: SQSRecord) -> None:
        try:
            event = envelope.parse(record.body)
            if event.event_type != self.event_type:
                raise envelope.EventValidationError(
                    f"unexpected eventType {event.event_type!r} (this consumer handles {self.event_type})"
                )
            if self.reject is not None and (reason := self.reject(event)):
                raise envelope.EventValidationError(reason)
        except envelope.EventValidationError as error:
            logger.warning("rejected event", extra={"reason": error.reason, "messageId": record.message_id})
            dead_letter_sink().park(
                record.body, error.reason, source_message_id=record.message_id, source_arn=record.event_source_arn
            )
            metrics.add_metric(name="EventsRejected", unit=MetricUnit.Count, value=1)
            return
        result = self._once()(event=event.to_dict(), message_id=record.message_id, parsed=event)
        if result["messageId"] != record.message_id:  # Powertools replayed a stored result
            logger.info("duplicate ignored", extra={"eventId": event.event_id, "messageId": record.message_id})
            metrics.add_metric(name="DuplicatesIgnored", unit=MetricUnit.Count, value=1)


def reset() -> None:
    """Forget the cached clients (tests that recreate their AWS mocks call this)."""
    persistence_layer.cache_clear()
    dead_letter_sink.cache_clear()
