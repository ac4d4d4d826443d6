"""The harness's SQS poller plays Lambda's documented rules; each test names the page it follows.

Pages (AWS Lambda Developer Guide):
- ERRORS: "Handling errors for an SQS event source in Lambda",
  https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
- PARAMETERS: "Lambda parameters for Amazon SQS event source mappings",
  https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html
- FILTERING: "Using event filtering with an Amazon SQS event source",
  https://docs.aws.amazon.com/lambda/latest/dg/with-sqs-filtering.html and
  "Control which events Lambda sends to your function" (invocation-eventfiltering.html)
- SCALING: "Configuring maximum concurrency for Amazon SQS event sources",
  https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
- QUOTAS: "Lambda quotas", https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from emulation import emulator_patches
from emulation.harness.clock import SimulatedClock
from emulation.harness.sqs_source import MAX_PAYLOAD_BYTES, SqsEventSourcePlayer
from tests.conftest import REGION

VISIBILITY_S = 30


class ScriptedEnvironment:
    """Stands in for a function: fails the bodies it is told to, always or raising."""

    def __init__(self, fail_bodies: set[str] | None = None, raise_on: set[str] | None = None) -> None:
        self.fail_bodies = fail_bodies or set()
        self.raise_on = raise_on or set()
        self.seen: list[str] = []
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any]) -> Any:
        bodies = [r["body"] for r in event["Records"]]
        self.seen.extend(bodies)
        self.events.append(event)
        if self.raise_on & set(bodies):
            raise RuntimeError("function crashed")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] in self.fail_bodies
            ]
        }


class Answers(ScriptedEnvironment):
    """Answers every batch with what `respond(event)` returns."""

    def __init__(self, respond: Any) -> None:
        super().__init__()
        self.respond = respond

    def invoke(self, event: dict[str, Any]) -> Any:
        super().invoke(event)
        return self.respond(event)


@pytest.fixture
def clock(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedClock]:
    """The simulated clock over the in-process emulator, back at offset 0 after the test."""
    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    yield SimulatedClock.in_process()


def sqs() -> Any:
    return boto3.client("sqs", region_name=REGION)


def queue_with_dlq(max_receive_count: int, *, fifo: bool = False) -> tuple[str, str, str]:
    suffix = ".fifo" if fifo else ""
    extra = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    dlq = sqs().create_queue(QueueName=f"player-dlq{suffix}", Attributes=extra)["QueueUrl"]
    dlq_arn = sqs().get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    queue = sqs().create_queue(
        QueueName=f"player{suffix}",
        Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": str(VISIBILITY_S), **extra},
    )["QueueUrl"]
    arn = sqs().get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue, arn, dlq


def mapping(arn: str, batch_size: int = 10, **settings: Any) -> dict[str, Any]:
    return {
        "EventSourceArn": arn,
        "BatchSize": batch_size,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "ScalingConfig": {"MaximumConcurrency": 2},
        **settings,
    }


def send(queue: str, *bodies: str, group: str | None = None) -> None:
    for body in bodies:
        sqs().send_message(QueueUrl=queue, MessageBody=body, **({"MessageGroupId": group} if group else {}))


def bodies_in(queue: str) -> list[str]:
    return sorted(m["Body"] for m in sqs().receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []))


def test_reported_failures_come_back_after_the_visibility_timeout_until_redriven(clock: SimulatedClock) -> None:
    """ERRORS, "Implementing partial batch responses": only the reported messages become visible
    again; "Backoff strategy for failed invocations": after the queue's visibility timeout runs
    out the message reappears; the queue's redrive policy moves it after maxReceiveCount."""
    queue, arn, dlq = queue_with_dlq(max_receive_count=3)
    send(queue, *(f"m{i}" for i in range(25)))
    environment = ScriptedEnvironment(fail_bodies={"m3", "m17"})
    player = SqsEventSourcePlayer(environment, mapping(arn), sqs(), clock)

    while player.poll_once():
        pass
    assert player.stats.deleted == 23
    assert bodies_in(queue) == []  # the failures are still invisible: no retry before the timeout
    before = clock.time()
    stats = player.drain()

    assert environment.seen.count("m3") == 3  # delivered maxReceiveCount times, then moved
    assert stats.clock_advanced_s >= 2 * VISIBILITY_S  # each retry waited out the visibility timeout
    assert clock.time() - before >= 2 * VISIBILITY_S
    assert bodies_in(dlq) == ["m17", "m3"]
    assert bodies_in(queue) == []


def test_a_crash_fails_the_whole_batch(clock: SimulatedClock) -> None:
    """ERRORS, "Implementing partial batch responses": if the function throws an exception,
    the entire batch is considered a complete failure."""
    queue, arn, dlq = queue_with_dlq(max_receive_count=2)
    send(queue, "a", "b")
    player = SqsEventSourcePlayer(ScriptedEnvironment(raise_on={"a"}), mapping(arn), sqs(), clock)

    stats = player.drain()

    assert stats.handler_errors == 2 and stats.deleted == 0
    assert bodies_in(dlq) == ["a", "b"]


@pytest.mark.parametrize(
    "failures",
    [
        [{"itemIdentifier": "not-a-message-of-this-batch"}],
        [{"itemIdentifier": ""}],
        [{"itemIdentifier": None}],
        [{"itemIdentifer": "typo in the key"}],
        ["not an object"],
        "not a list",
    ],
    ids=["unknown-id", "empty-string", "null", "bad-key-name", "not-an-object", "not-a-list"],
)
def test_an_unusable_batch_item_failures_response_fails_the_whole_batch(clock: SimulatedClock, failures: Any) -> None:
    """ERRORS, "Success and failure conditions": Lambda treats a batch as a complete failure
    when the function returns an empty-string or null itemIdentifier, an itemIdentifier with a
    bad key name, or an itemIdentifier with a message ID that does not exist: nothing is deleted."""
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    send(queue, "a", "b", "c")
    player = SqsEventSourcePlayer(Answers(lambda event: {"batchItemFailures": failures}), mapping(arn), sqs(), clock)

    player.poll_once()

    assert player.stats.unusable_responses == 1 and player.stats.deleted == 0 and player.stats.retried == 3
    clock.advance(VISIBILITY_S + 1)
    assert bodies_in(queue) == ["a", "b", "c"]


@pytest.mark.parametrize("response", [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}])
def test_an_empty_or_null_response_is_a_complete_success(clock: SimulatedClock, response: Any) -> None:
    """ERRORS, "Success and failure conditions": an empty or null batchItemFailures list, or an
    empty or null EventResponse, is a complete success."""
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    send(queue, "a", "b")
    player = SqsEventSourcePlayer(Answers(lambda event: response), mapping(arn), sqs(), clock)

    assert player.drain().deleted == 2
    assert bodies_in(queue) == []


def test_without_report_batch_item_failures_a_returned_list_is_ignored(clock: SimulatedClock) -> None:
    """ERRORS, "Implementing partial batch responses": the partial response is honoured only when
    the mapping's FunctionResponseTypes include ReportBatchItemFailures."""
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    send(queue, "a", "b")
    player = SqsEventSourcePlayer(
        ScriptedEnvironment(fail_bodies={"a"}), {**mapping(arn), "FunctionResponseTypes": []}, sqs(), clock
    )
    assert player.drain().deleted == 2


def test_batches_fill_up_to_the_batch_size_within_the_batching_window(clock: SimulatedClock) -> None:
    """PARAMETERS: BatchSize up to 10,000 on a standard queue; MaximumBatchingWindowInSeconds
    lets Lambda gather more than one receive (10 messages) into a batch."""
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    for start in range(0, 120, 10):
        sqs().send_message_batch(
            QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(10)]
        )
    player = SqsEventSourcePlayer(
        ScriptedEnvironment(), mapping(arn, batch_size=50, MaximumBatchingWindowInSeconds=1), sqs(), clock
    )
    player.concurrency = 1  # one poller, so the batch sizes are deterministic

    assert player.drain().batch_sizes == [50, 50, 20]


def test_without_a_window_a_batch_is_one_receive(clock: SimulatedClock) -> None:
    """PARAMETERS: MaximumBatchingWindowInSeconds defaults to 0: Lambda invokes with what one
    poll returned (an SQS receive returns at most 10 messages)."""
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    send(queue, *(f"m{i}" for i in range(25)))
    player = SqsEventSourcePlayer(ScriptedEnvironment(), mapping(arn, batch_size=100), sqs(), clock)
    stats = player.drain()
    assert max(stats.batch_sizes) <= 10 and sum(stats.batch_sizes) == 25


@pytest.mark.parametrize(("fifo", "batch_size"), [(False, 10_001), (True, 11), (False, 0)])
def test_batch_sizes_lambda_refuses_are_refused(clock: SimulatedClock, fifo: bool, batch_size: int) -> None:
    """PARAMETERS: BatchSize: for standard queues the maximum is 10,000, for FIFO queues 10."""
    _, arn, _ = queue_with_dlq(max_receive_count=5, fifo=fifo)
    with pytest.raises(ValueError, match="BatchSize"):
        SqsEventSourcePlayer(ScriptedEnvironment(), mapping(arn, batch_size=batch_size), sqs(), clock)


def test_a_batch_never_exceeds_the_6_mb_payload_quota(clock: SimulatedClock) -> None:
    """QUOTAS: invocation payload (request and response) 6 MB for synchronous invocations, which
    is how the event source mapping invokes; the PARAMETERS batch is cut there."""
    queue, arn, _ = queue_with_dlq(max_receive_count=50)
    big = "x" * 200_000
    send(queue, *(f"{i:03d}{big}" for i in range(40)))  # 8 MB in all
    environment = ScriptedEnvironment()
    player = SqsEventSourcePlayer(
        environment, mapping(arn, batch_size=1000, MaximumBatchingWindowInSeconds=5), sqs(), clock
    )
    player.concurrency = 1

    stats = player.drain()

    assert len(stats.batch_sizes) >= 2 and sum(stats.batch_sizes) == 40
    assert all(len(json.dumps(event)) <= MAX_PAYLOAD_BYTES for event in environment.events)
    assert sorted(set(environment.seen)) == sorted(f"{i:03d}{big}" for i in range(40))


def test_up_to_maximum_concurrency_pollers_invoke_at_once(clock: SimulatedClock) -> None:
    """SCALING: maximum concurrency caps the concurrent invocations the SQS event source can
    start; the harness runs that many pollers, so the function sees concurrent batches."""
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    send(queue, *(f"m{i}" for i in range(60)))
    all_three = threading.Barrier(3)
    running: list[int] = []
    lock = threading.Lock()
    peak, started = [0], [0]

    def respond(event: dict[str, Any]) -> None:
        with lock:
            running.append(1)
            peak[0] = max(peak[0], len(running))
            started[0] += 1
            first_three = started[0] <= 3
        if first_three:
            with contextlib.suppress(threading.BrokenBarrierError):
                all_three.wait(timeout=60)  # passes only when three batches run at the same time (slow CI: generous)
        with lock:
            running.pop()

    player = SqsEventSourcePlayer(
        Answers(respond), mapping(arn, batch_size=5, ScalingConfig={"MaximumConcurrency": 3}), sqs(), clock
    )
    stats = player.drain()

    assert peak[0] == 3 and not all_three.broken
    assert stats.deleted == 60


def test_filter_criteria_match_the_json_body_and_unmatched_messages_are_deleted(clock: SimulatedClock) -> None:
    """FILTERING: SQS mappings filter on the `body` key, matched field by field when the body
    is JSON; several filters are ORed; Lambda deletes messages that match none (FILTERING,
    invocation-eventfiltering: "If none of your filters are satisfied, Lambda discards the record")."""
    queue, arn, dlq = queue_with_dlq(max_receive_count=5)
    send(queue, json.dumps({"plan": "pro"}), json.dumps({"plan": "free"}), "plain text", json.dumps({"plan": "team"}))
    filters = {
        "Filters": [
            {"Pattern": json.dumps({"body": {"plan": ["pro"]}})},
            {"Pattern": json.dumps({"body": ["plain text"]})},
        ]
    }
    environment = ScriptedEnvironment()
    player = SqsEventSourcePlayer(environment, mapping(arn, FilterCriteria=filters), sqs(), clock)

    stats = player.drain()

    assert sorted(environment.seen) == sorted([json.dumps({"plan": "pro"}), "plain text"])
    assert stats.filtered_out == 2
    assert bodies_in(queue) == [] and bodies_in(dlq) == []


def test_fifo_one_batch_in_flight_per_group_and_skip_group_on_error(clock: SimulatedClock) -> None:
    """ERRORS, "Implementing partial batch responses": with a FIFO queue the function should stop
    at the first failure and return all failed and unprocessed messages; PARAMETERS: FIFO batches
    have no batching window. Powertools' SqsFifoPartialProcessor(skip_group_on_error=True) reports
    the failed message and the rest of its group; the group stays blocked until those messages
    come back after the visibility timeout, while other groups go on."""
    emulator_patches.fifo_order_after_visibility_timeout()  # the emulator runs with it
    queue, arn, _ = queue_with_dlq(max_receive_count=5, fifo=True)
    send(queue, "a1", "a2", "a3", group="a")
    send(queue, "b1", "b2", group="b")
    failed_once: set[str] = set()
    applied: list[str] = []

    def record_handler(record: SQSRecord) -> None:
        if record.body == "a2" and "a2" not in failed_once:
            failed_once.add("a2")
            raise RuntimeError("transient")
        applied.append(record.body)

    def respond(event: dict[str, Any]) -> Any:
        processor = SqsFifoPartialProcessor(skip_group_on_error=True)
        return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=None)

    player = SqsEventSourcePlayer(Answers(respond), mapping(arn, MaximumBatchingWindowInSeconds=5), sqs(), clock)
    assert player.batching_window_s == 0
    player.concurrency = 1
    while player.poll_once():
        pass
    assert applied == ["a1", "b1", "b2"]
    send(queue, "a4", group="a")
    send(queue, "b3", group="b")
    while player.poll_once():  # before the timeout: group b goes on, group a waits
        pass
    assert applied == ["a1", "b1", "b2", "b3"]

    player.drain()

    assert applied == ["a1", "b1", "b2", "b3", "a2", "a3", "a4"]  # group a in order, after the timeout


class RecordingClient:
    """An SQS client that records which operations went through it."""

    def __init__(self, client: Any) -> None:
        self._client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self._client, name)


def test_the_pollers_receive_and_delete_with_the_execution_role(clock: SimulatedClock) -> None:
    """SQS, "Execution role permissions": Lambda needs sqs:ReceiveMessage, sqs:DeleteMessage and
    sqs:GetQueueAttributes in the function's execution role to read the queue: the poller's
    receives and deletes go through the client given as the execution role's."""
    queue, arn, _ = queue_with_dlq(max_receive_count=3)
    send(queue, "a", "b")
    harness, role = RecordingClient(sqs()), RecordingClient(sqs())
    player = SqsEventSourcePlayer(ScriptedEnvironment(), mapping(arn), harness, clock, poller_client=role)
    player.drain()
    assert player.stats.deleted == 2
    assert set(role.calls) == {"receive_message", "delete_message_batch"}
    assert "receive_message" not in harness.calls and "delete_message_batch" not in harness.calls
