"""The harness's SQS poller plays Lambda's contract: batches, partial failures, retries, redrive."""

from __future__ import annotations

import json
from typing import Any

import boto3

from emulation.harness.sqs_source import SqsEventSourcePlayer
from tests.conftest import REGION


class ScriptedEnvironment:
    """Stands in for a function: fails the bodies it is told to, always or raising."""

    def __init__(self, fail_bodies: set[str], raise_on: set[str] | None = None) -> None:
        self.fail_bodies = fail_bodies
        self.raise_on = raise_on or set()
        self.seen: list[str] = []

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        bodies = [r["body"] for r in event["Records"]]
        self.seen.extend(bodies)
        if self.raise_on & set(bodies):
            raise RuntimeError("function crashed")
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] in self.fail_bodies
            ]
        }


def queue_with_dlq(max_receive_count: int) -> tuple[str, str, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = sqs.create_queue(QueueName="player-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    queue = sqs.create_queue(QueueName="player", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue, arn, dlq


def mapping(arn: str, batch_size: int = 10) -> dict[str, Any]:
    return {"EventSourceArn": arn, "BatchSize": batch_size, "FunctionResponseTypes": ["ReportBatchItemFailures"]}


def test_reported_failures_are_retried_until_redriven_and_the_rest_deleted(mocked_aws: None) -> None:
    queue, arn, dlq = queue_with_dlq(max_receive_count=3)
    sqs = boto3.client("sqs", region_name=REGION)
    for i in range(25):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    environment = ScriptedEnvironment(fail_bodies={"m3", "m17"})
    player = SqsEventSourcePlayer(environment, mapping(arn), sqs)  # type: ignore[arg-type]

    stats = player.drain()

    assert stats.deleted == 23
    assert environment.seen.count("m3") == 3  # delivered maxReceiveCount times, then moved
    assert max(stats.batch_sizes) <= 10
    moved = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in moved) == ["m17", "m3"]
    assert sqs.receive_message(QueueUrl=queue).get("Messages") is None


def test_a_crash_fails_the_whole_batch(mocked_aws: None) -> None:
    queue, arn, dlq = queue_with_dlq(max_receive_count=2)
    sqs = boto3.client("sqs", region_name=REGION)
    for body in ("a", "b"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    player = SqsEventSourcePlayer(ScriptedEnvironment(set(), raise_on={"a"}), mapping(arn), sqs)  # type: ignore[arg-type]

    stats = player.drain()

    assert stats.handler_errors == 2 and stats.deleted == 0
    moved = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in moved) == ["a", "b"]


def test_batch_size_from_the_mapping_is_honoured(mocked_aws: None) -> None:
    queue, arn, _ = queue_with_dlq(max_receive_count=5)
    sqs = boto3.client("sqs", region_name=REGION)
    for i in range(7):
        sqs.send_message(QueueUrl=queue, MessageBody=f"m{i}")
    player = SqsEventSourcePlayer(ScriptedEnvironment(set()), mapping(arn, batch_size=3), sqs)  # type: ignore[arg-type]
    assert player.drain().batch_sizes == [3, 3, 1]
