"""The harness's pipe player plays EventBridge Pipes' documented rules; each test names its page.

Pages (Amazon EventBridge User Guide):
- SQS: "Amazon SQS as a source" (eb-pipes-sqs.html): batches, batch window, delete on success.
- FILTERING: "Event filtering in Amazon EventBridge Pipes" (eb-pipes-event-filtering.html):
  filtering works as for Lambda event source mappings; the JSON body is matched by field.
- TRANSFORM: "Amazon EventBridge Pipes input transformation" (eb-pipes-input-transformation.html):
  JSON paths, reserved variables, "Implicit body data parsing", "Common issues".
- TARGETS: "Amazon EventBridge Pipes targets" (eb-pipes-event-target.html), "Dynamic path
  parameters": a target parameter may be a JSON path read from the event.
- ERRORS: "Amazon EventBridge Pipes error handling and troubleshooting"
  (eb-pipes-error-troubleshooting.html): SQS sources retry customer errors up to the source
  queue's maximum receive count.
- STATES: "Starting or stopping an Amazon EventBridge pipe" (eb-pipes-start-stop.html).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from emulation import emulator_patches
from emulation.harness.clock import SimulatedClock
from emulation.harness.pipe_source import PipeSourcePlayer, render_template
from tests.conftest import REGION

VISIBILITY_S = 30
ENVELOPE_TEMPLATE = (
    '{"eventSource": "<$.body.eventSource>", "eventType": "<$.body.eventType>", '
    '"eventVersion": <$.body.eventVersion>, "eventId": "<$.body.eventId>", '
    '"occurredAt": "<$.body.occurredAt>", "eventDetails": <$.body.eventDetails>}'
)


@pytest.fixture
def clock(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedClock]:
    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    yield SimulatedClock.in_process()


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)  # type: ignore[call-overload]


def envelope(n: int, event_type: str = "UserRegistered", plan: str = "pro") -> dict[str, Any]:
    return {
        "eventSource": "registration-api",
        "eventType": event_type,
        "eventVersion": 1,
        "eventId": f"evt-{n:04d}",
        "occurredAt": "2026-12-01T18:00:00.000Z",
        "eventDetails": {"userId": f"usr-{n}", "plan": plan, "tags": ["a", "b"]},
    }


class World:
    """A queue with a DLQ, a bus whose catch-all rule copies every event to an observer queue,
    a role for the pipe, and the pipe itself (stored by the emulator, played by the player)."""

    def __init__(self, max_receive_count: int = 3) -> None:
        sqs = client("sqs")
        self.dlq = sqs.create_queue(QueueName="pipe-dlq")["QueueUrl"]
        dlq_arn = self.arn(self.dlq)
        redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
        self.queue = sqs.create_queue(
            QueueName="pipe-source", Attributes={"RedrivePolicy": redrive, "VisibilityTimeout": str(VISIBILITY_S)}
        )["QueueUrl"]
        self.observer = sqs.create_queue(QueueName="bus-observer")["QueueUrl"]
        events = client("events")
        self.bus_arn = events.create_event_bus(Name="webhooks")["EventBusArn"]
        events.put_rule(
            Name="everything", EventBusName="webhooks", EventPattern=json.dumps({"account": [{"exists": True}]})
        )
        events.put_targets(
            Rule="everything", EventBusName="webhooks", Targets=[{"Id": "o", "Arn": self.arn(self.observer)}]
        )
        trust = {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "pipes.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
        self.role_arn = client("iam").create_role(RoleName="pipe-role", AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]

    @staticmethod
    def arn(url: str) -> str:
        return client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def pipe(self, clock: SimulatedClock, *, desired_state: str = "RUNNING", **parameters: Any) -> PipeSourcePlayer:
        source = {"SqsQueueParameters": {"BatchSize": parameters.pop("batch_size", 10)}}
        if "filters" in parameters:
            source["FilterCriteria"] = {"Filters": [{"Pattern": json.dumps(p)} for p in parameters.pop("filters")]}
        target = {
            "EventBridgeEventBusParameters": {
                "DetailType": parameters.pop("detail_type", "$.body.eventType"),
                "Source": parameters.pop("source", "$.body.eventSource"),
            }
        }
        if (template := parameters.pop("template", ENVELOPE_TEMPLATE)) is not None:
            target["InputTemplate"] = template
        pipes = client("pipes")
        pipes.create_pipe(
            Name="registration-bus",
            RoleArn=self.role_arn,
            Source=self.arn(self.queue),
            Target=self.bus_arn,
            DesiredState=desired_state,
            SourceParameters=source,
            TargetParameters=target,
        )
        if desired_state == "STOPPED":
            pipes.describe_pipe(Name="registration-bus")  # CREATING -> RUNNING
            pipes.stop_pipe(Name="registration-bus")
        described = pipes.describe_pipe(Name="registration-bus")
        described = pipes.describe_pipe(Name="registration-bus")  # settle the managed state
        return PipeSourcePlayer(described, boto3.Session(region_name=REGION), clock=clock)

    def send(self, *bodies: str) -> None:
        for body in bodies:
            client("sqs").send_message(QueueUrl=self.queue, MessageBody=body)

    def on_bus(self) -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        while messages := client("sqs").receive_message(QueueUrl=self.observer, MaxNumberOfMessages=10).get("Messages"):
            for m in messages:
                seen.append(json.loads(m["Body"]))
                client("sqs").delete_message(QueueUrl=self.observer, ReceiptHandle=m["ReceiptHandle"])
        return seen

    def bodies(self, url: str) -> list[str]:
        return sorted(
            m["Body"] for m in client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        )


def test_each_message_reaches_the_bus_as_the_envelope_with_dynamic_source_and_detail_type(
    clock: SimulatedClock,
) -> None:
    """TRANSFORM "Implicit body data parsing": the SQS body is parsed so `<$.body.x>` reaches
    into it; quoted string placeholders, unquoted number and object ones. TARGETS "Dynamic path
    parameters": Source and DetailType read from the body. SQS: a batch put is deleted."""
    world = World()
    sent = [envelope(n) for n in range(12)]
    world.send(*(json.dumps(e) for e in sent))
    player = world.pipe(clock)

    stats = player.drain()

    on_bus = world.on_bus()
    assert sorted((e["detail"] for e in on_bus), key=lambda d: d["eventId"]) == sent  # the envelope, exactly
    assert {(e["source"], e["detail-type"]) for e in on_bus} == {("registration-api", "UserRegistered")}
    assert stats.put == 12 and stats.failed == 0 and stats.batch_sizes == [10, 2]
    assert world.bodies(world.queue) == [] and world.bodies(world.dlq) == []


def test_the_player_calls_aws_as_the_pipe_role(clock: SimulatedClock) -> None:
    """ "Amazon EventBridge Pipes permissions" (eb-pipes-permissions.html): the pipe reads the
    source and calls the target with its execution role."""
    player = World().pipe(clock)
    assert ":assumed-role/pipe-role/" in player.identity()


def test_static_target_parameters_are_used_as_they_are(clock: SimulatedClock) -> None:
    """TARGETS: a value that is not a JSON path is static."""
    world = World()
    world.send(json.dumps(envelope(1)))
    world.pipe(clock, detail_type="Signup", source="switchyard.registration").drain()
    (event,) = world.on_bus()
    assert (event["source"], event["detail-type"]) == ("switchyard.registration", "Signup")


def test_filter_criteria_match_the_parsed_body_and_unmatched_messages_are_deleted(clock: SimulatedClock) -> None:
    """FILTERING: patterns match the JSON body field by field, as for Lambda; what matches no
    filter is dropped (deleted from the queue, never put, never redriven)."""
    world = World()
    world.send(json.dumps(envelope(1)), json.dumps(envelope(2, "AuditNoteRecorded")), "{not json")
    stats = world.pipe(clock, filters=[{"body": {"eventType": ["UserRegistered"]}}]).drain()
    assert [e["detail"]["eventId"] for e in world.on_bus()] == ["evt-0001"]
    assert stats.filtered_out == 2 and stats.failed == 0
    assert world.bodies(world.queue) == [] and world.bodies(world.dlq) == []


def test_a_message_that_cannot_be_put_comes_back_after_the_visibility_timeout_and_is_redriven(
    clock: SimulatedClock,
) -> None:
    """ERRORS: customer errors are retried up to the source queue's maximum receive count; the
    message is not deleted, reappears after the visibility timeout, then the queue's redrive
    policy moves it to the DLQ. Here the detail type path is missing from one body, so its
    entry cannot be built; the good message in the same batch is put and deleted."""
    world = World(max_receive_count=3)
    broken = envelope(2)
    del broken["eventType"]
    world.send(json.dumps(envelope(1)), json.dumps(broken))
    before = clock.time()

    stats = world.pipe(clock).drain()

    assert [e["detail"]["eventId"] for e in world.on_bus()] == ["evt-0001"]  # once, not per retry
    assert stats.failed == 3  # three receives of the broken message
    assert clock.time() - before >= 2 * VISIBILITY_S  # each retry waited out the timeout
    assert [json.loads(b)["eventId"] for b in world.bodies(world.dlq)] == ["evt-0002"]
    assert world.bodies(world.queue) == []


def test_a_refused_put_events_call_leaves_the_whole_chunk_in_the_queue(clock: SimulatedClock) -> None:
    """ERRORS: a target invocation that fails (here the bus is gone) is retried; nothing of the
    batch is deleted until the receive count sends it to the DLQ."""
    world = World(max_receive_count=2)
    world.send(json.dumps(envelope(1)), json.dumps(envelope(2)))
    player = world.pipe(clock)
    client("events").delete_event_bus(Name="webhooks")

    stats = player.drain()

    assert stats.put == 0 and stats.put_events_errors >= 2
    assert len(world.bodies(world.dlq)) == 2


def test_a_stopped_pipe_moves_nothing(clock: SimulatedClock) -> None:
    """STATES: a stopped pipe does not poll its source."""
    world = World()
    world.send(json.dumps(envelope(1)))
    player = world.pipe(clock, desired_state="STOPPED")
    assert player.drain().received == 0
    assert len(world.bodies(world.queue)) == 1


def test_without_a_window_a_batch_is_one_receive_and_with_one_it_fills_up(clock: SimulatedClock) -> None:
    """SQS: EventBridge polls up to 10 messages at a time; with a batch window it keeps polling
    until the batch size (or the window) is reached."""
    world = World()
    world.send(*(json.dumps(envelope(n)) for n in range(25)))
    player = world.pipe(clock, batch_size=20)
    assert player.drain().batch_sizes == [10, 10, 5]
    world.send(*(json.dumps(envelope(n)) for n in range(25)))
    player.batching_window_s = 5
    player.stats.batch_sizes.clear()
    assert player.drain().batch_sizes == [20, 5]


def test_batch_sizes_pipes_refuses_are_refused(clock: SimulatedClock) -> None:
    """SQS: BatchSize is 1-10,000."""
    world = World()
    pipe = {
        "Name": "p",
        "Arn": "arn:aws:pipes:eu-west-1:123456789012:pipe/p",
        "RoleArn": world.role_arn,
        "Source": world.arn(world.queue),
        "Target": world.bus_arn,
        "SourceParameters": {"SqsQueueParameters": {"BatchSize": 10_001}},
    }
    with pytest.raises(ValueError, match="outside 1-10000"):
        PipeSourcePlayer(pipe, boto3.Session(region_name=REGION), clock=clock)


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        # unquoted: the value as JSON (strings get quotes, objects and numbers stay as they are)
        (
            '{"id": <$.body.eventId>, "v": <$.body.eventVersion>, "d": <$.body.eventDetails>}',
            {"id": "evt-0001", "v": 1, "d": {"userId": "usr-1", "plan": "pro", "tags": ["a", "b"]}},
        ),
        # inside a string: the text; an object's quotes are removed ("Body is <$.body>")
        ('{"s": "user <$.body.eventDetails.userId> on <$.body.eventDetails.tags>"}', {"s": "user usr-1 on [a, b]"}),
        # array index, and a path the event lacks leaves nothing
        ('{"t": "<$.body.eventDetails.tags[1]>", "m": "<$.body.nothing>"}', {"t": "b", "m": ""}),
        # reserved variables
        ('{"p": <aws.pipes.pipe-name>, "e": <aws.pipes.event.json>}', None),
    ],
)
def test_input_template_rules(template: str, expected: dict[str, Any] | None) -> None:
    """TRANSFORM: JSON paths (dot notation, array indices), quoting ("Common issues": Pipes adds
    quotes to string values, none to objects; a JSON object referenced inside a string loses its
    internal quotes; a variable with no value in the event is not created)."""
    record = {"messageId": "m1", "body": json.dumps(envelope(1))}
    variables = {"aws.pipes.pipe-name": "registration-bus", "aws.pipes.event.json": {**record, "body": envelope(1)}}
    rendered = json.loads(render_template(template, record, variables))
    if expected is None:
        assert rendered == {"p": "registration-bus", "e": {"messageId": "m1", "body": envelope(1)}}
    else:
        assert rendered == expected


def test_a_bare_body_template_is_not_a_json_object_so_it_is_never_put(clock: SimulatedClock) -> None:
    """TRANSFORM "Implicit body data parsing": `<$.body>` alone loses the body's quotes, which a
    target that needs JSON refuses; wrap it in JSON instead. The message is retried, then
    redriven, never put."""
    world = World(max_receive_count=1)
    world.send(json.dumps(envelope(1)))
    stats = world.pipe(clock, template='"<$.body>"').drain()
    assert stats.put == 0 and world.on_bus() == []
    assert len(world.bodies(world.dlq)) == 1


def test_without_an_input_template_the_record_is_the_detail(clock: SimulatedClock) -> None:
    """TRANSFORM: with no transformer the target receives the source event with its metadata."""
    world = World()
    world.send(json.dumps(envelope(1)))
    world.pipe(clock, template=None).drain()
    (event,) = world.on_bus()
    assert event["detail"]["body"] == json.dumps(envelope(1)) and event["detail"]["eventSource"] == "aws:sqs"
