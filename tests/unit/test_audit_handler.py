"""Audit handler against moto in-process: records once, parks bad events with a reason, retries transient errors."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from types import ModuleType

import boto3
import pytest

from emulation.harness.lambda_runtime import FakeLambdaContext
from emulation.harness.sqs_source import lambda_sqs_record
from tests.conftest import REGION

QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:swy-test-audit"


def envelope_body(event_id: str, note: str = "hello") -> str:
    return json.dumps(
        {
            "eventSource": "ops-console",
            "eventType": "AuditNoteRecorded",
            "eventVersion": 1,
            "eventId": event_id,
            "occurredAt": "2026-11-23T10:00:00Z",
            "eventDetails": {"actor": "alice", "note": note},
        }
    )


def sqs_event(*bodies: str) -> dict[str, object]:
    messages = [
        {
            "MessageId": f"msg-{i}",
            "ReceiptHandle": f"rh-{i}",
            "Body": body,
            "Attributes": {
                "ApproximateReceiveCount": "1",
                "SentTimestamp": "1795000000000",
                "SenderId": "AIDAEXAMPLE",
                "ApproximateFirstReceiveTimestamp": "1795000000001",
            },
        }
        for i, body in enumerate(bodies)
    ]
    return {"Records": [lambda_sqs_record(m, QUEUE_ARN) for m in messages]}


CONTEXT = FakeLambdaContext(
    function_name="swy-test-audit",
    invoked_function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:swy-test-audit",
    memory_limit_in_mb=256,
)


@pytest.fixture
def resources(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="swy-test-audit-log",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "eventId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "eventId", "AttributeType": "S"}],
    )
    dlq_url = boto3.client("sqs", region_name=REGION).create_queue(QueueName="swy-test-audit-dlq")["QueueUrl"]
    monkeypatch.setenv("AUDIT_TABLE_NAME", "swy-test-audit-log")
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq_url)
    yield {"dlq_url": dlq_url, "table": "swy-test-audit-log"}


@pytest.fixture
def handler(resources: dict[str, str]) -> ModuleType:
    module = importlib.import_module("audit.handler")
    module.dependencies.cache_clear()
    return module


def table_items(table: str) -> list[dict[str, object]]:
    return boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]


def test_valid_events_are_recorded_once_even_when_redelivered(handler: ModuleType, resources: dict[str, str]) -> None:
    # GIVEN two events, one of them delivered twice (SQS is at-least-once)
    event = sqs_event(envelope_body("event-0001"), envelope_body("event-0002"), envelope_body("event-0001"))
    # WHEN the batch is handled
    response = handler.lambda_handler(event, CONTEXT)
    # THEN both are in the log once and nothing is retried
    assert response == {"batchItemFailures": []}
    items = table_items(resources["table"])
    assert sorted(item["eventId"]["S"] for item in items) == ["event-0001", "event-0002"]
    assert json.loads(items[0]["eventDetails"]["S"])["actor"] == "alice"


def test_malformed_event_is_parked_with_its_reason_and_does_not_block_the_batch(
    handler: ModuleType, resources: dict[str, str]
) -> None:
    event = sqs_event("{not json", envelope_body("event-0003"), json.dumps({"eventType": "AuditNoteRecorded"}))
    response = handler.lambda_handler(event, CONTEXT)
    assert response == {"batchItemFailures": []}  # parked, not retried: retrying cannot fix it
    assert [item["eventId"]["S"] for item in table_items(resources["table"])] == ["event-0003"]
    parked = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=resources["dlq_url"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    reasons = {m["Body"]: m["MessageAttributes"]["failureReason"]["StringValue"] for m in parked}
    assert reasons["{not json"].startswith("body is not JSON")
    assert reasons[json.dumps({"eventType": "AuditNoteRecorded"})].startswith("envelope invalid")
    assert {m["MessageAttributes"]["sourceArn"]["StringValue"] for m in parked} == {QUEUE_ARN}


def test_transient_failure_is_reported_for_retry(
    handler: ModuleType, resources: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the table rejects the write of one event (a throttle, an outage)
    real_record = handler.dependencies().audit_log.record

    def flaky_record(entry: object) -> bool:
        if entry.event_id == "event-0005":  # type: ignore[attr-defined]
            raise handler.dependencies().audit_log._dynamodb.exceptions.ProvisionedThroughputExceededException(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, "PutItem"
            )
        return real_record(entry)  # type: ignore[arg-type]

    monkeypatch.setattr(handler.dependencies().audit_log, "record", flaky_record)
    # WHEN a batch holds it and a healthy event
    response = handler.lambda_handler(sqs_event(envelope_body("event-0004"), envelope_body("event-0005")), CONTEXT)
    # THEN only the failed one goes back to the queue
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-1"}]}
    assert [item["eventId"]["S"] for item in table_items(resources["table"])] == ["event-0004"]


def test_whole_batch_failing_raises_so_lambda_retries_it(handler: ModuleType, resources: dict[str, str]) -> None:
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    boto3.client("dynamodb", region_name=REGION).delete_table(TableName=resources["table"])
    with pytest.raises(BatchProcessingError):
        handler.lambda_handler(sqs_event(envelope_body("event-0006")), CONTEXT)


def test_missing_configuration_is_a_clear_error(handler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    from switchyard.config import ConfigurationError

    monkeypatch.delenv("AUDIT_TABLE_NAME")
    handler.dependencies.cache_clear()
    with pytest.raises(ConfigurationError, match=r"missing environment variable.*AUDIT_TABLE_NAME"):
        handler.dependencies()
