"""The one consumer runtime: every record goes parse -> validate -> refuse/park -> effect -> metrics.

A consumer says what its records mean and what to do with them; the runtime does the rest the
same way for every function:

- `decode(record) -> item` parses and validates (pure). Whatever it raises is deterministic (the
  same input raises the same way on every delivery), so the record is parked in the consumer's
  DLQ with a bounded `failureReason` and the `malformed_metric`, never retried.
- `screen(item) -> Refusal | None` (optional) refuses an item that is valid but can never be
  processed here: parked with its reason, or only counted (`park=False`, e.g. a late vote).
- `effect(items) -> outcome per item` does the work with conditional writes (idempotency.py) and
  returns one metric name per item (`EventsApplied`, `DuplicatesIgnored`, ...). It raises on
  transient errors: the record is reported in batchItemFailures and comes back. It raises
  `NotYet(reason, metrics)` for an item that must wait (a gap in a FIFO sequence): retried the
  same way, and counted under `metrics` on every attempt.
- Counts are summed per invocation and emitted once as EMF metrics. An invocation in which no
  record reached an outcome (every record failed or was skipped after a failure, and comes back)
  has no application metric to emit and emits none: Lambda's own Errors metric and the queues'
  receive counts and DLQ alarms show it. Powertools' `log_metrics` would warn "No application
  metrics to publish" on each one, so the handler flushes itself; the warning stays for a batch
  that succeeded without counting anything, which would be a consumer missing its metric.

Variants, by event source:
- `SQS`: Powertools `BatchProcessor` (standard queues);
- `SQS_FIFO`: `SqsFifoPartialProcessor(skip_group_on_error=True)`: after a failure, the rest of that
  message group is reported failed untouched, so order holds;
- `DYNAMODB_STREAM`: `BatchProcessor(EventType.DynamoDBStreams)`, ordered: after the first
  failure the remaining records are reported failed untouched; Lambda checkpoints at the lowest
  reported sequence number and retries from there, in order;
- `groups=` (standard SQS only): the effect runs on groups of the batch's admitted items instead
  of one at a time (voting writes up to 25 voters in one transaction); a failing group fails
  only its records. Powertools' processors call a handler per record, so this variant walks the
  batch itself and answers in the same ReportBatchItemFailures shape.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Generic, TypeVar

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.base import BasePartialBatchProcessor
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSEvent, SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from switchyard import idempotency
from switchyard.config import ConfigurationError, require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.events import D, Event, parse_as
from switchyard.inputs import reason_for
from switchyard.observability import logger, metrics, tracer

R = TypeVar("R")  # the Powertools record class of an event source
T = TypeVar("T")  # what `decode` makes of a record

LambdaHandler = Callable[[dict[str, Any], LambdaContext], PartialItemFailureResponse]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A valid item this consumer can never process: parked with `reason`, or only counted."""

    reason: str
    metrics: tuple[str, ...] = ("EventsRejected",)
    park: bool = True


class NotYet(RuntimeError):
    """A valid item that cannot apply yet (on an ordered source: an earlier item of its group is
    missing). It fails like a transient error (the rest of its FIFO group waits and it comes back
    after the visibility timeout, reaching the DLQ after maxReceiveCount), but it is also counted
    under `metrics` every time, so an alarm can tell "waiting for a gap" from "AWS was throttled"."""

    def __init__(self, reason: str, metrics: tuple[str, ...]) -> None:
        super().__init__(reason)
        self.reason = reason
        self.metrics = metrics


class SkippedAfterFailure(RuntimeError):
    """Not attempted: an earlier record of this ordered batch failed, so it is retried after it."""


@dataclass(frozen=True)
class Source(Generic[R]):
    name: str
    processor: Callable[[], BasePartialBatchProcessor]
    identity: Callable[[R], tuple[str, str, str]]  # (record id, source ARN, what to park)
    ordered: bool = False


def _sqs_identity(record: SQSRecord) -> tuple[str, str, str]:
    return record.message_id, record.event_source_arn, record.body


def _stream_identity(record: DynamoDBRecord) -> tuple[str, str, str]:
    return str(record.event_id), str(record.event_source_arn), json.dumps(record.raw_event, sort_keys=True)


SQS: Source[SQSRecord] = Source("sqs", lambda: BatchProcessor(event_type=EventType.SQS), _sqs_identity)
SQS_FIFO: Source[SQSRecord] = Source(
    "sqs-fifo", lambda: SqsFifoPartialProcessor(skip_group_on_error=True), _sqs_identity
)
DYNAMODB_STREAM: Source[DynamoDBRecord] = Source(
    "dynamodb-stream", lambda: BatchProcessor(event_type=EventType.DynamoDBStreams), _stream_identity, ordered=True
)

_LAZY: list[Any] = []


def lazy(factory: Callable[[], T]) -> Callable[[], T]:
    """`factory()` built on first use, inside an invocation (configuration is read when the
    function runs, not at import), then kept for the execution environment."""
    cached = cache(factory)
    _LAZY.append(cached)
    return cached


def reset() -> None:
    """Forget every lazily built client (tests that recreate their AWS mocks call this)."""
    for cached in _LAZY:
        cached.cache_clear()


def env(name: str) -> str:
    return require_env(name)[name]


@lazy
def default_dead_letters() -> DeadLetterSink:
    return DeadLetterSink(boto3.client("sqs"), env("DEAD_LETTER_QUEUE_URL"))


def one_by_one(effect: Callable[[T], str]) -> Callable[[Sequence[T]], list[str]]:
    """An effect on one item as an effect on a group."""
    return lambda items: [effect(item) for item in items]


def string_attributes(record: SQSRecord) -> dict[str, str]:
    """The record's message attributes as name -> string value."""
    raw = record.raw_event.get("messageAttributes") or {}
    return {name: value.get("stringValue") or "" for name, value in raw.items()}


class Consumer(Generic[R, T]):
    def __init__(
        self,
        source: Source[R],
        *,
        decode: Callable[[R], T],
        effect: Callable[[Sequence[T]], Sequence[str]],
        screen: Callable[[T], Refusal | None] | None = None,
        groups: Callable[[Sequence[T]], Iterable[Sequence[int]]] | None = None,
        dead_letters: Callable[[], DeadLetterSink] = default_dead_letters,
        malformed_metric: str = "EventsRejected",
    ) -> None:
        if groups is not None and source is not SQS:
            raise ValueError("grouped effects need an unordered source (standard SQS)")
        self.source = source
        self.processor = source.processor()
        self._decode, self._effect, self._screen, self._groups = decode, effect, screen, groups
        self._dead_letters = dead_letters
        self._malformed_metric = malformed_metric
        self._counts: Counter[str] = Counter()
        self._failed = False

        @logger.inject_lambda_context
        @tracer.capture_lambda_handler
        def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
            response: PartialItemFailureResponse | None = None  # stays None when handle raises
            try:
                response = self.handle(event, context)
                return response
            finally:  # what @metrics.log_metrics does, but not when nothing reached an outcome
                if metrics.metric_set or not nothing_succeeded(event, response):
                    metrics.flush_metrics()

        self.lambda_handler: LambdaHandler = lambda_handler

    # --- the one path ------------------------------------------------------------------------
    def admit(self, record: R) -> T | None:
        """The record's item, or None when it was parked or refused (both final)."""
        try:
            item = self._decode(record)
        except ConfigurationError:
            raise  # the function's settings, not the record: retried (after a fix), never parked
        except Exception as error:  # decode is pure: what it raises, it raises on every delivery
            self._park(record, reason_for(error), (self._malformed_metric,))
            return None
        refusal = self._screen(item) if self._screen is not None else None
        if refusal is None:
            return item
        if refusal.park:
            self._park(record, refusal.reason, refusal.metrics)
        else:
            logger.info("refused", extra={"reason": refusal.reason, "recordId": self.source.identity(record)[0]})
            self._counts.update(refusal.metrics)
        return None

    def _park(self, record: R, reason: str, counted: tuple[str, ...]) -> None:
        record_id, source_arn, body = self.source.identity(record)
        logger.warning("parked in the DLQ", extra={"reason": reason, "recordId": record_id})
        self._dead_letters().park(body, reason, source_message_id=record_id, source_arn=source_arn)
        self._counts.update(counted)

    def _apply(self, items: Sequence[T]) -> None:
        outcomes = self._effect(items)
        self._counts.update(outcomes)  # counted when the effect happened: exactly once

    # --- drivers -----------------------------------------------------------------------------
    def record_handler(self, record: R) -> None:
        """One record, for a Powertools processor: raises when it must be retried."""
        if self.source.ordered and self._failed:
            raise SkippedAfterFailure("an earlier record of this batch failed")
        try:
            item = self.admit(record)
            if item is not None:
                self._apply([item])
        except NotYet as waiting:
            logger.warning(
                "not applied yet", extra={"reason": waiting.reason, "recordId": self.source.identity(record)[0]}
            )
            self._counts.update(waiting.metrics)
            self._failed = True
            raise
        except Exception:
            self._failed = True
            raise

    def handle(self, event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
        self._counts.clear()
        self._failed = False
        try:
            if self._groups is None:
                return process_partial_response(
                    event=event, record_handler=self.record_handler, processor=self.processor, context=context
                )
            return self._grouped(list(SQSEvent(event).records))  # type: ignore[arg-type]
        finally:
            for name, count in sorted(self._counts.items()):
                metrics.add_metric(name=name, unit=MetricUnit.Count, value=count)

    def _grouped(self, records: list[R]) -> PartialItemFailureResponse:
        assert self._groups is not None
        failed: list[str] = []
        admitted: list[tuple[str, T]] = []
        for record in records:
            record_id = self.source.identity(record)[0]
            try:
                item = self.admit(record)
            except Exception:
                logger.exception("record failed, it will be retried", extra={"recordId": record_id})
                failed.append(record_id)
                continue
            if item is not None:
                admitted.append((record_id, item))
        for group in self._groups([item for _, item in admitted]):
            try:
                self._apply([admitted[i][1] for i in group])
            except Exception:
                ids = [admitted[i][0] for i in group]
                logger.exception("effect failed, the records will be retried", extra={"recordIds": ids})
                failed += ids
        return {"batchItemFailures": [{"itemIdentifier": record_id} for record_id in failed]}


def nothing_succeeded(event: dict[str, Any], response: PartialItemFailureResponse | None) -> bool:
    """Whether Lambda retries every record of the batch: the handler raised (a function error), or
    reported each record in batchItemFailures."""
    if response is None:
        return True
    failed = {f.get("itemIdentifier") for f in response.get("batchItemFailures") or []}
    return len(failed) >= len(event.get("Records") or [])


def event_consumer(
    details_type: type[D],
    effect: Callable[[Event[D]], idempotency.Outcome],
    *,
    reject: Callable[[Event[D]], str | None] | None = None,
    source: Source[SQSRecord] = SQS,
    applied_metric: str = "EventsApplied",
) -> Consumer[SQSRecord, Event[D]]:
    """A consumer of one event type from SQS: typed details, `effect` once per event.

    `effect` returns APPLIED when its conditional write happened, DUPLICATE when it had already
    happened (a redelivery); `reject` gives a reason to park a valid event that can never apply.
    """

    def outcome(event: Event[D]) -> str:
        return applied_metric if effect(event) == idempotency.APPLIED else "DuplicatesIgnored"

    def screen(event: Event[D]) -> Refusal | None:
        reason = reject(event) if reject is not None else None
        return None if reason is None else Refusal(reason)

    return Consumer(
        source,
        decode=lambda record: parse_as(details_type, record.body),
        effect=one_by_one(outcome),
        screen=screen if reject is not None else None,
    )
