"""Our events and handlers against real AWS-shaped events from ../shared/fixtures/aws-events.

CI has ../shared beside the project; elsewhere these tests report themselves skipped with the
reason. The fixtures are read in place, never copied into the project.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulation.harness.lambda_runtime import FakeLambdaContext
from emulation.harness.sqs_source import lambda_sqs_record
from tests.conftest import REGION

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "aws-events"
pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"AWS event fixtures not found at {FIXTURES}")


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def keys(value: Any) -> Any:
    """The shape of a JSON value: nested key sets, no values."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    return type(value).__name__


@pytest.mark.parametrize("name", ["sqs-standard.json", "sqs-fifo.json"])
def test_harness_builds_sqs_records_shaped_like_aws(name: str) -> None:
    real = fixture(name)["Records"][0]
    message = {
        "MessageId": real["messageId"],
        "ReceiptHandle": real["receiptHandle"],
        "Body": real["body"],
        "MD5OfBody": real["md5OfBody"],
        "Attributes": real["attributes"],
        "MessageAttributes": {
            n: {"StringValue": v.get("stringValue"), "BinaryValue": v.get("binaryValue"), "DataType": v["dataType"]}
            for n, v in real["messageAttributes"].items()
        },
    }
    ours = lambda_sqs_record(message, real["eventSourceARN"])
    assert set(ours) == set(real)
    assert ours["attributes"] == real["attributes"]
    assert {k: ours[k] for k in ("messageId", "body", "eventSource", "eventSourceARN", "awsRegion")} == {
        k: real[k] for k in ("messageId", "body", "eventSource", "eventSourceARN", "awsRegion")
    }


def test_audit_handler_parks_foreign_messages_from_a_real_sqs_event(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a real SQS event whose bodies are not Switchyard envelopes
    event = fixture("sqs-standard.json")
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="audit",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "eventId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "eventId", "AttributeType": "S"}],
    )
    dlq = boto3.client("sqs", region_name=REGION).create_queue(QueueName="audit-dlq")["QueueUrl"]
    monkeypatch.setenv("AUDIT_TABLE_NAME", "audit")
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq)
    handler = importlib.import_module("audit.handler")
    handler.dependencies.cache_clear()
    context = FakeLambdaContext("audit", f"arn:aws:lambda:{REGION}:123456789012:function:audit", 256)
    # WHEN the audit handler receives it exactly as AWS delivers it
    response = handler.lambda_handler(event, context)
    # THEN nothing crashes, nothing is retried, and every record is parked with a reason
    assert response == {"batchItemFailures": []}
    parked = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert len(parked) == len(event["Records"])
    assert all(m["MessageAttributes"]["failureReason"]["StringValue"] for m in parked)


def test_the_stream_variant_takes_a_real_ttl_remove_and_a_fifo_batch(aws_credentials: None) -> None:
    from switchyard import runtime

    seen: list[str] = []
    stream = runtime.Consumer(
        runtime.DYNAMODB_STREAM,
        decode=lambda record: (record.user_identity["principalId"], record.dynamodb.old_image["expires_at"]),
        effect=runtime.one_by_one(lambda item: seen.append(f"{item[0]}:{item[1]}") or "EventsApplied"),
    )
    context = FakeLambdaContext("ttl", f"arn:aws:lambda:{REGION}:123456789012:function:ttl", 256)
    assert stream.lambda_handler(fixture("dynamodb-ttl-remove.json"), context) == {"batchItemFailures": []}
    assert seen == ["dynamodb.amazonaws.com:1428451200"]
    fifo = runtime.Consumer(
        runtime.SQS_FIFO,
        decode=lambda record: record.attributes.message_group_id,
        effect=runtime.one_by_one(lambda group: seen.append(group) or "EventsApplied"),
    )
    event = fixture("sqs-fifo.json")
    assert fifo.lambda_handler(event, context) == {"batchItemFailures": []}
    assert seen[1:] == [r["attributes"]["MessageGroupId"] for r in event["Records"]]
