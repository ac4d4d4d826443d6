"""Registration consumers against a real SNS -> SQS event (../shared/fixtures/aws-events).

Skipped with the reason when the fixtures are absent (they live beside the project in CI)."""

from __future__ import annotations

import copy
import importlib
from datetime import UTC, datetime

import boto3
import pytest

from emulation.harness.lambda_runtime import FakeLambdaContext
from tests.conformance.test_aws_event_shapes import FIXTURES, fixture
from tests.conftest import REGION

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"AWS event fixtures not found at {FIXTURES}")


@pytest.fixture
def onboarding(mocked_aws: None, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="workspaces",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "userId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "userId", "AttributeType": "S"}],
    )
    dlq = boto3.client("sqs", region_name=REGION).create_queue(QueueName="onboarding-dlq")["QueueUrl"]
    monkeypatch.setenv("WORKSPACES_TABLE_NAME", "workspaces")
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq)
    handler = importlib.import_module("registration_onboarding.handler")
    from switchyard import runtime

    runtime.reset()
    return handler, dlq


CONTEXT = FakeLambdaContext("onboarding", f"arn:aws:lambda:{REGION}:123456789012:function:onboarding", 256)


def test_a_raw_delivered_envelope_in_a_real_sns_to_sqs_record_is_applied(onboarding) -> None:  # type: ignore[no-untyped-def]
    from registration_api import core

    handler, _ = onboarding
    event = copy.deepcopy(fixture("sns-to-sqs.json"))
    registration = core.validate({"email": "ada@example.com", "displayName": "Ada", "plan": "pro", "source": "web"})
    event["Records"][0]["body"] = core.user_registered(registration, now=datetime(2026, 11, 23, tzinfo=UTC)).to_json()
    assert handler.lambda_handler(event, CONTEXT) == {"batchItemFailures": []}
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName="workspaces")["Items"]
    assert [i["userId"]["S"] for i in items] == [registration.user_id]


def test_a_notification_envelope_means_raw_delivery_is_off_and_is_parked(onboarding) -> None:  # type: ignore[no-untyped-def]
    handler, dlq = onboarding
    event = fixture("sns-to-sqs.json")  # SNS's JSON wrapper: what arrives without raw delivery
    assert handler.lambda_handler(event, CONTEXT) == {"batchItemFailures": []}
    parked = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=dlq, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    assert len(parked) == len(event["Records"])
    assert all(m["MessageAttributes"]["failureReason"]["StringValue"].startswith("envelope invalid") for m in parked)


@pytest.mark.parametrize("name", ["apigw-rest-proxy-captured-post.json", "apigw-http-v2-get.json"])
def test_registration_api_answers_real_api_gateway_events(name: str, aws_credentials: None) -> None:
    """Both payload formats, as API Gateway sends them: the sign-up in a REST POST is accepted,
    the HTTP API GET is refused with 405; neither is an error."""
    import json

    handler = importlib.import_module("registration_api.handler")
    published: list[str] = []
    event = copy.deepcopy(fixture(name))
    if event.get("httpMethod") == "POST":
        event["body"] = json.dumps({"email": "ada@example.com", "displayName": "Ada", "plan": "pro", "source": "web"})
    original = handler.publisher
    handler.publisher = lambda: type("Topic", (), {"publish": lambda self, e, a: published.append(e) or "m-1"})()
    try:
        answer = handler.lambda_handler(event, CONTEXT)
    finally:
        handler.publisher = original
    expected = 201 if event.get("httpMethod") == "POST" else 405
    assert answer["statusCode"] == expected, answer
    assert len(published) == (1 if expected == 201 else 0)
