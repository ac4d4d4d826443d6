"""Plays an SQS event source mapping as Lambda's pollers do, against the emulator's real queue.

The rules, each with a test in tests/unit/test_sqs_source_player.py that cites the Lambda
documentation it follows:

- batches of up to BatchSize records (10,000 on a standard queue, 10 on FIFO), gathered from
  several ReceiveMessage calls within MaximumBatchingWindowInSeconds (no window on FIFO, and
  one receive of at most 10 without a window), never more than 6 MB of payload;
- up to ScalingConfig.MaximumConcurrency pollers at once (threads), so races show;
- FilterCriteria applied with a real EventBridge pattern matcher (moto's EventPattern) to the
  record, its `body` parsed when it is JSON; Lambda deletes SQS messages that match no filter;
- a function error or timeout fails the whole batch; with ReportBatchItemFailures only the
  reported messages fail, and a response Lambda cannot use (an itemIdentifier that is empty,
  null, missing or not a message of the batch) fails the whole batch, nothing deleted;
- failed messages are left alone: they come back when the queue's visibility timeout runs
  out on the simulated clock (harness.clock), and the queue's own redrive policy moves them
  to the DLQ after maxReceiveCount receives;
- FIFO: one batch in flight per message group (the emulator's receive blocks a group while
  any of its messages is in flight), so after a failure the group waits for the timeout.

The batching window is not waited out: producers have finished when a drain starts, so an
empty receive closes the batch. When no poller finds anything and failed messages are in
flight, the drain advances the clock past their visibility timeout and polls again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from moto.events.models import EventPattern

MAX_PAYLOAD_BYTES = 6 * 1024 * 1024  # the synchronous invocation payload quota
MAX_BATCH_STANDARD, MAX_BATCH_FIFO = 10_000, 10
DEFAULT_CONCURRENCY = 2  # without ScalingConfig: the smallest MaximumConcurrency Lambda accepts


class Invocable(Protocol):
    def invoke(self, event: dict[str, Any]) -> Any: ...


class Clock(Protocol):
    def time(self) -> float: ...
    def advance(self, seconds: float) -> None: ...


@dataclass
class PollStats:
    batches: int = 0
    received: int = 0
    deleted: int = 0
    retried: int = 0
    handler_errors: int = 0
    unusable_responses: int = 0
    filtered_out: int = 0
    clock_advanced_s: float = 0.0
    batch_sizes: list[int] = field(default_factory=list)


def lambda_sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One SQS message as it appears in a Lambda event's Records list."""
    attributes = message.get("Attributes", {})
    record_attributes = {
        key: attributes[key]
        for key in (
            "ApproximateReceiveCount",
            "SentTimestamp",
            "SenderId",
            "ApproximateFirstReceiveTimestamp",
            "SequenceNumber",
            "MessageGroupId",
            "MessageDeduplicationId",
            "AWSTraceHeader",
        )
        if key in attributes
    }
    message_attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value["DataType"],
        }
        for name, value in message.get("MessageAttributes", {}).items()
    }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": record_attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody")
        or hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }


def filter_patterns(mapping: dict[str, Any]) -> list[EventPattern]:
    """The mapping's FilterCriteria as matchers (an empty list lets every record through)."""
    filters = (mapping.get("FilterCriteria") or {}).get("Filters") or []
    return [EventPattern.load(f["Pattern"]) for f in filters]


def passes_filters(patterns: list[EventPattern], record: dict[str, Any]) -> bool:
    """Lambda's SQS filtering: patterns are ORed; a JSON body is matched field by field."""
    if not patterns:
        return True
    document = dict(record)
    with contextlib.suppress(ValueError):  # a plain-string body is matched as a string
        document["body"] = json.loads(record["body"])
    return any(pattern.matches_event(document) for pattern in patterns)


def failed_message_ids(response: Any, batch_ids: list[str]) -> set[str] | None:
    """The messages a ReportBatchItemFailures response names; None when Lambda would treat the
    whole batch as failed (a response it cannot use)."""
    if response is None:
        return set()
    try:
        json.dumps(response)
    except (TypeError, ValueError):
        return None
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if failures is None:
        return set()
    if not isinstance(failures, list):
        return None
    failed: set[str] = set()
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not isinstance(identifier, str) or identifier not in batch_ids:
            return None  # empty, null, missing (bad key name) or not a message of this batch
        failed.add(identifier)
    return failed


class _WallClock:
    """For callers without a simulated clock: retries then need the visibility timeout to pass."""

    def time(self) -> float:
        return time.time()

    def advance(self, seconds: float) -> None:
        raise RuntimeError("failed messages are in flight and this player has no simulated clock")


E = TypeVar("E", bound=Invocable)


class SqsEventSourcePlayer(Generic[E]):
    def __init__(
        self,
        environment: E,
        mapping: dict[str, Any],
        sqs_client: Any,
        clock: Clock | None = None,
        poller_client: Any = None,
    ) -> None:
        """`sqs_client` finds the queue; `poller_client` (default: the same) receives and deletes,
        as Lambda's pollers do with the function's execution role."""
        self.environment = environment
        self.queue_arn: str = mapping["EventSourceArn"]
        self.fifo = self.queue_arn.endswith(".fifo")
        batch_size = mapping.get("BatchSize")
        self.batch_size = 10 if batch_size is None else int(batch_size)
        limit = MAX_BATCH_FIFO if self.fifo else MAX_BATCH_STANDARD
        if not 1 <= self.batch_size <= limit:
            raise ValueError(f"BatchSize {self.batch_size} is outside 1-{limit} for {self.queue_arn}")
        self.batching_window_s = 0 if self.fifo else int(mapping.get("MaximumBatchingWindowInSeconds") or 0)
        scaling = mapping.get("ScalingConfig") or {}
        self.concurrency = int(scaling.get("MaximumConcurrency") or DEFAULT_CONCURRENCY)
        if hasattr(environment, "size"):  # a FunctionPool: one environment per concurrent poller
            environment.size = max(environment.size, self.concurrency)
        self.reports_item_failures = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.patterns = filter_patterns(mapping)
        self.clock: Clock = clock or _WallClock()
        self._sqs = sqs_client
        self._poller = poller_client or sqs_client
        _, _, _, _, account, name = self.queue_arn.split(":")
        self.queue_url = sqs_client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        attributes = sqs_client.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"])
        self.visibility_timeout_s = int(attributes["Attributes"]["VisibilityTimeout"])
        self.stats = PollStats()
        self._lock = threading.Lock()
        self._back_at: list[float] = []  # clock times when messages left in flight reappear

    # -- one batch --------------------------------------------------------------------------
    def _receive(self, count: int) -> list[dict[str, Any]]:
        return list(
            self._poller.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=count,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
        )

    def _gather(self) -> list[dict[str, Any]]:
        """One batch: receives until BatchSize, 6 MB, an empty receive, or (no window) one receive."""
        batch: list[dict[str, Any]] = []
        payload = len('{"Records":[]}')
        while len(batch) < self.batch_size:
            messages = self._receive(min(10, self.batch_size - len(batch)))
            if not messages:
                break
            for index, message in enumerate(messages):
                size = len(json.dumps(lambda_sqs_record(message, self.queue_arn))) + 1
                if batch and payload + size > MAX_PAYLOAD_BYTES:
                    # Over the payload quota: hand the rest back for the next batch.
                    for extra in messages[index:]:
                        self._sqs.change_message_visibility(
                            QueueUrl=self.queue_url, ReceiptHandle=extra["ReceiptHandle"], VisibilityTimeout=0
                        )
                    return batch
                batch.append(message)
                payload += size
            if self.batching_window_s == 0:
                break
        return batch

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), 10):  # DeleteMessageBatch takes 10 entries
            chunk = messages[start : start + 10]
            response = self._poller.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            if response.get("Failed"):
                raise RuntimeError(f"DeleteMessageBatch failed: {response['Failed']}")

    def poll_once(self) -> int:
        """One receive-invoke-settle cycle; returns how many messages it received."""
        received_at = self.clock.time()
        messages = self._gather()
        if not messages:
            return 0
        records = [lambda_sqs_record(m, self.queue_arn) for m in messages]
        kept = [(m, r) for m, r in zip(messages, records, strict=True) if passes_filters(self.patterns, r)]
        dropped = [m for m, r in zip(messages, records, strict=True) if not passes_filters(self.patterns, r)]
        if dropped:  # Lambda deletes SQS messages that match no filter
            self._delete(dropped)
        with self._lock:
            self.stats.received += len(messages)
            self.stats.filtered_out += len(dropped)
        if not kept:
            return len(messages)
        ids = [m["MessageId"] for m, _ in kept]
        handler_error = unusable = False
        try:
            response = self.environment.invoke({"Records": [r for _, r in kept]})
        except Exception:  # an unhandled error or a timeout: the whole batch failed
            handler_error, failed = True, set(ids)
        else:
            reported = failed_message_ids(response, ids) if self.reports_item_failures else set()
            unusable, failed = reported is None, set(ids) if reported is None else reported
        succeeded = [m for m, _ in kept if m["MessageId"] not in failed]
        if succeeded:  # Lambda's poller deletes a batch's successes; failures are left in flight
            self._delete(succeeded)
        with self._lock:
            self.stats.batches += 1
            self.stats.batch_sizes.append(len(kept))
            self.stats.handler_errors += handler_error
            self.stats.unusable_responses += unusable
            self.stats.retried += len(failed)
            self.stats.deleted += len(succeeded) + len(dropped)
            if failed:
                self._back_at.append(received_at + self.visibility_timeout_s)
        return len(messages)

    # -- the poller fleet -------------------------------------------------------------------
    def _poll_until_empty(self, budget: Callable[[], bool]) -> None:
        while budget() and self.poll_once():
            pass

    def drain(self, max_batches: int = 10_000) -> PollStats:
        """Poll with `concurrency` pollers until the queue is empty and nothing is in flight.

        Failed messages come back after the visibility timeout: when every poller found the
        queue empty, the clock moves past the latest one and polling resumes, until they are
        deleted or the queue's redrive policy moves them to the DLQ.
        """
        first = self.stats.batches

        def budget() -> bool:
            return self.stats.batches - first < max_batches

        while True:
            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="sqs-poller") as pool:
                for future in [pool.submit(self._poll_until_empty, budget) for _ in range(self.concurrency)]:
                    future.result()
            if not budget():
                raise RuntimeError(f"{self.queue_arn} still had messages after {max_batches} batches")
            with self._lock:
                back_at, self._back_at = self._back_at, []
            if not back_at:
                return self.stats
            wait = max(back_at) + 1.0 - self.clock.time()  # SQS counts whole seconds; moto compares strictly
            if wait > 0:
                self.clock.advance(wait)
                self.stats.clock_advanced_s += wait
