"""The consumer runtime's variants on real-shaped events: FIFO (a failed message group is skipped,
other groups go on) and DynamoDB streams (ordered: nothing after the first failure is applied;
poison is parked with the stream record's id and ARN). Standard SQS is covered by every handler."""

from __future__ import annotations

import json
import warnings
from contextlib import redirect_stdout
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from emulation.harness.lambda_runtime import FakeLambdaContext, LogSink
from switchyard.inputs import InvalidInput

if TYPE_CHECKING:
    from switchyard.runtime import Consumer

REGION = "eu-west-1"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:swy-test-ledger.fifo"
STREAM_ARN = f"arn:aws:dynamodb:{REGION}:123456789012:table/swy-test-schedule/stream/2026-11-23T09:00:00.000"
CONTEXT = FakeLambdaContext("swy-test", f"arn:aws:lambda:{REGION}:123456789012:function:swy-test", 256)


@dataclass
class Parked:
    messages: list[dict[str, str]] = field(default_factory=list)

    def park(self, body: str, reason: str, *, source_message_id: str, source_arn: str) -> None:
        self.messages.append({"body": body, "reason": reason, "id": source_message_id, "arn": source_arn})


def fifo_event(*messages: tuple[str, str]) -> dict[str, Any]:
    """(group, body) pairs as Lambda delivers a FIFO batch (cf. ../shared/fixtures/aws-events/sqs-fifo.json)."""
    return {
        "Records": [
            {
                "messageId": f"msg-{i}",
                "receiptHandle": f"rh-{i}",
                "body": body,
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": "1795000000000",
                    "SequenceNumber": f"1880000000000000000{i:02d}",
                    "MessageGroupId": group,
                    "SenderId": "AIDAEXAMPLE",
                    "MessageDeduplicationId": f"dedup-{i}",
                    "ApproximateFirstReceiveTimestamp": "1795000000001",
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": QUEUE_ARN,
                "awsRegion": REGION,
            }
            for i, (group, body) in enumerate(messages)
        ]
    }


def ttl_remove(i: int, old_image: dict[str, Any]) -> dict[str, Any]:
    """A TTL deletion as DynamoDB streams deliver it (cf. ../shared/fixtures/aws-events/dynamodb-ttl-remove.json)."""
    return {
        "eventID": f"ev-{i}",
        "eventName": "REMOVE",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": 1795000000,
            "Keys": {"scheduleId": {"S": f"s-{i}"}},
            "OldImage": old_image,
            "SequenceNumber": f"{1000 + i}",
            "SizeBytes": 64,
            "StreamViewType": "OLD_IMAGE",
        },
        "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"},
        "eventSourceARN": STREAM_ARN,
    }


@pytest.fixture
def runtime(aws_credentials: None) -> ModuleType:
    """Imported once the environment is set: Powertools reads the metrics namespace at import."""
    from switchyard import runtime

    return runtime


def run(consumer: Consumer[Any, Any], event: dict[str, Any]) -> tuple[Any, dict[str, float]]:
    logs = LogSink()
    with redirect_stdout(logs):
        response = consumer.lambda_handler(event, CONTEXT)
    return response, logs.metric_totals()


def test_fifo_skips_the_rest_of_a_failed_group_and_goes_on_with_the_others(runtime: ModuleType) -> None:
    applied: list[str] = []
    parked = Parked()

    def apply(entry: dict[str, Any]) -> str:
        if entry["n"] == 1:
            raise ConnectionError("throttled")  # transient
        applied.append(f"{entry['account']}:{entry['n']}")
        return "EventsApplied"

    def decode(record: SQSRecord) -> dict[str, Any]:
        entry = json.loads(record.body)
        if "n" not in entry:
            raise InvalidInput("ledger entry needs n")
        return dict(entry)

    consumer = runtime.Consumer(
        runtime.SQS_FIFO, decode=decode, effect=runtime.one_by_one(apply), dead_letters=lambda: parked
    )
    # GIVEN account a's second entry fails transiently; b's entries are fine; one b entry is poison
    event = fifo_event(
        ("a", json.dumps({"account": "a", "n": 0})),
        ("b", json.dumps({"account": "b", "n": 0})),
        ("a", json.dumps({"account": "a", "n": 1})),
        ("b", json.dumps({"account": "b"})),
        ("a", json.dumps({"account": "a", "n": 2})),
        ("b", json.dumps({"account": "b", "n": 2})),
    )
    response, metrics = run(consumer, event)
    # THEN a's failed entry and everything after it in group a come back, untouched and in order;
    # group b went on, and its poison was parked (a success for ordering: it is final)
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-2"}, {"itemIdentifier": "msg-4"}]}
    assert applied == ["a:0", "b:0", "b:2"]
    assert [(m["id"], m["reason"], m["arn"]) for m in parked.messages] == [("msg-3", "ledger entry needs n", QUEUE_ARN)]
    assert metrics == {"EventsApplied": 3, "EventsRejected": 1}


def test_dynamodb_stream_stops_at_the_first_failure_and_parks_poison_with_the_record_id(runtime: ModuleType) -> None:
    applied: list[str] = []
    parked = Parked()
    failing = {"s-3"}

    def decode(record: DynamoDBRecord) -> tuple[str, int]:
        assert record.dynamodb is not None
        image = record.dynamodb.old_image
        return str(image["scheduleId"]), int(image["dueAt"])  # KeyError for a record without dueAt: poison

    def fire(schedule: tuple[str, int]) -> str:
        if schedule[0] in failing:
            raise TimeoutError("target did not answer")
        applied.append(schedule[0])
        return "SchedulesFired"

    consumer = runtime.Consumer(
        runtime.DYNAMODB_STREAM, decode=decode, effect=runtime.one_by_one(fire), dead_letters=lambda: parked
    )
    images = [{"scheduleId": {"S": f"s-{i}"}, "dueAt": {"N": str(1795000000 + i)}} for i in range(5)]
    images[1] = {"scheduleId": {"S": "s-1"}}  # no dueAt: can never fire
    event = {"Records": [ttl_remove(i, image) for i, image in enumerate(images)]}
    response, metrics = run(consumer, event)
    # THEN s-0 fired, s-1 was parked, s-2 fired, s-3 failed; s-4 was not attempted (order holds):
    # Lambda checkpoints at s-3's sequence number and retries from there
    assert applied == ["s-0", "s-2"]
    assert response == {"batchItemFailures": [{"itemIdentifier": "1003"}, {"itemIdentifier": "1004"}]}
    assert [(m["id"], m["arn"]) for m in parked.messages] == [("ev-1", STREAM_ARN)]
    assert parked.messages[0]["reason"] == "input could not be decoded (KeyError)"
    assert json.loads(parked.messages[0]["body"])["eventName"] == "REMOVE"  # the whole record, to redrive
    assert metrics == {"SchedulesFired": 2, "EventsRejected": 1}
    # WHEN the retry comes and the target answers, the rest fires in order
    failing.clear()
    response, _ = run(consumer, {"Records": event["Records"][3:]})
    assert response == {"batchItemFailures": []} and applied == ["s-0", "s-2", "s-3", "s-4"]


def test_a_failing_dead_letter_queue_means_retry_not_loss(runtime: ModuleType) -> None:
    class Down:
        def park(self, *args: Any, **kwargs: Any) -> None:
            raise ConnectionError("sqs unreachable")

    consumer = runtime.Consumer(
        runtime.SQS_FIFO,
        decode=lambda record: json.loads(record.body),
        effect=runtime.one_by_one(lambda _: "EventsApplied"),
        dead_letters=Down,
    )
    response, _ = run(consumer, fifo_event(("a", "{not json"), ("b", "{}")))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}


def test_grouped_effects_need_an_unordered_source(runtime: ModuleType) -> None:
    with pytest.raises(ValueError, match="unordered"):
        runtime.Consumer(
            runtime.SQS_FIFO, decode=json.loads, effect=lambda items: ["x"] * len(items), groups=lambda _: [[0]]
        )


def test_fifo_not_yet_fails_its_group_like_a_transient_error_and_is_counted(runtime: ModuleType) -> None:
    applied: list[int] = []

    def apply(entry: dict[str, Any]) -> str:
        if entry["n"] == 3:
            raise runtime.NotYet("seq 3 waits for seq 2", ("SequenceGaps",))
        applied.append(entry["n"])
        return "EventsApplied"

    consumer = runtime.Consumer(
        runtime.SQS_FIFO, decode=lambda r: json.loads(r.body), effect=runtime.one_by_one(apply), dead_letters=Parked
    )
    # GIVEN group a's first entry cannot apply yet; group b is fine
    event = fifo_event(("a", '{"n": 3}'), ("b", '{"n": 1}'), ("a", '{"n": 4}'))
    response, metrics = run(consumer, event)
    # THEN a waits (both its entries come back, in order), b went on, and the gap was counted
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}, {"itemIdentifier": "msg-2"}]}
    assert applied == [1]
    assert metrics == {"EventsApplied": 1, "SequenceGaps": 1}


def test_a_configuration_error_in_decode_is_retried_never_parked(runtime: ModuleType) -> None:
    """A wrong setting fails every record alike; parking them would empty the queue into the DLQ
    under a reason that blames the input."""
    from switchyard.config import ConfigurationError

    parked = Parked()

    def decode(record: SQSRecord) -> Any:
        if record.body == "{}":
            raise ConfigurationError("SETTING must be a or b")
        return json.loads(record.body)

    consumer = runtime.Consumer(
        runtime.SQS_FIFO,
        decode=decode,
        effect=runtime.one_by_one(lambda _: "EventsApplied"),
        dead_letters=lambda: parked,
    )
    response, _ = run(consumer, fifo_event(("a", "{}"), ("b", '{"x": 1}')))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert parked.messages == []


def _emitted(consumer: Consumer[Any, Any], event: dict[str, Any]) -> tuple[Any, list[str], list[str]]:
    """(response or the exception raised, EMF lines printed, warnings given) of one invocation."""
    logs = LogSink()
    with warnings.catch_warnings(record=True) as given, redirect_stdout(logs):
        warnings.simplefilter("always")
        try:
            response: Any = consumer.lambda_handler(event, CONTEXT)
        except Exception as error:  # a function error: Lambda retries the whole batch
            response = error
    return response, [line for line in logs.lines if '"_aws"' in line], [str(w.message) for w in given]


def test_an_invocation_where_no_record_reached_an_outcome_emits_no_metrics_and_no_warning(
    runtime: ModuleType,
) -> None:
    """Every record failed (it comes back): nothing to count, and Powertools' "No application
    metrics to publish" would be noise on every such invocation (Lambda's Errors metric and the
    queue's DLQ alarm tell the story)."""

    def apply(entry: dict[str, Any]) -> str:
        raise ConnectionError("throttled")

    consumer = runtime.Consumer(
        runtime.SQS_FIFO, decode=lambda r: json.loads(r.body), effect=runtime.one_by_one(apply), dead_letters=Parked
    )
    # GIVEN a FIFO batch whose first record of each group fails: all are reported, none applied
    response, emf, given = _emitted(consumer, fifo_event(("a", '{"n": 1}'), ("b", '{"n": 1}'), ("a", '{"n": 2}')))
    assert isinstance(response, Exception)  # Powertools raises when every record failed
    assert emf == [] and given == []
    # GIVEN a stream batch that stops at its first record: the same
    stream = runtime.Consumer(
        runtime.DYNAMODB_STREAM, decode=lambda r: r.event_id, effect=runtime.one_by_one(apply), dead_letters=Parked
    )
    response, emf, given = _emitted(stream, {"Records": [ttl_remove(i, {"scheduleId": {"S": "s"}}) for i in range(2)]})
    assert isinstance(response, Exception) and emf == [] and given == []


def test_an_invocation_with_an_outcome_emits_it_and_a_batch_that_succeeded_uncounted_still_warns(
    runtime: ModuleType,
) -> None:
    def apply(entry: dict[str, Any]) -> str:
        if entry["n"] == 2:
            raise ConnectionError("throttled")
        return "EventsApplied"

    consumer = runtime.Consumer(
        runtime.SQS_FIFO, decode=lambda r: json.loads(r.body), effect=runtime.one_by_one(apply), dead_letters=Parked
    )
    response, emf, given = _emitted(consumer, fifo_event(("a", '{"n": 1}'), ("b", '{"n": 2}')))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert len(emf) == 1 and json.loads(emf[0])["EventsApplied"] == [1.0] and given == []
    # A consumer that lets a record succeed without counting it is missing a metric: that gap
    # keeps Powertools' warning.
    silent = runtime.Consumer(
        runtime.SQS_FIFO,
        decode=lambda r: json.loads(r.body),
        screen=lambda _: runtime.Refusal("ignored", metrics=(), park=False),
        effect=runtime.one_by_one(apply),
        dead_letters=Parked,
    )
    response, emf, given = _emitted(silent, fifo_event(("a", '{"n": 1}')))
    assert response == {"batchItemFailures": []} and emf == []
    assert [m for m in given if m.startswith("No application metrics to publish")]
