"""Parking in a DLQ against moto: standard and FIFO DLQs (FIFO needs a group and a dedup id)."""

from __future__ import annotations

import boto3

from switchyard.dead_letters import PARKED_GROUP_ID, DeadLetterSink
from tests.conftest import REGION


def received(sqs: object, url: str) -> list[dict[str, object]]:
    return list(
        sqs.receive_message(  # type: ignore[attr-defined]
            QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
        ).get("Messages", [])
    )


def test_parks_in_a_fifo_dlq_once_per_source_message(mocked_aws: None) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="swy-test-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    sink = DeadLetterSink(sqs, url)
    # GIVEN the same poison message parked twice (a retried invocation), and another one
    for source_id in ("m-1", "m-1", "m-2"):
        sink.park("{bad", "body is not JSON", source_message_id=source_id, source_arn="arn:aws:sqs:x")
    messages = received(sqs, url)
    # THEN each is there once, in the parked group, with its reason
    assert [m["MessageAttributes"]["sourceMessageId"]["StringValue"] for m in messages] == ["m-1", "m-2"]
    assert {m["Attributes"]["MessageGroupId"] for m in messages} == {PARKED_GROUP_ID}
    assert messages[0]["MessageAttributes"]["failureReason"]["StringValue"] == "body is not JSON"


def test_parks_in_a_standard_dlq_without_fifo_parameters(mocked_aws: None) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="swy-test-dlq")["QueueUrl"]
    DeadLetterSink(sqs, url).park("", "empty", source_message_id="m-1", source_arn="arn:aws:sqs:x")
    (message,) = received(sqs, url)
    assert message["Body"] == "<empty>" and "MessageGroupId" not in message["Attributes"]
