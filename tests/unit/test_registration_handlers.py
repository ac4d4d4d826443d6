"""Registration functions against moto in-process: sign-ups through an API Gateway proxy event,
published with the plan attribute and filtered; consumers apply each user once (conditional
writes), park poison with its reason, report transient failures per record and heal by retries."""

from __future__ import annotations

import base64
import importlib
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from emulation.harness.faults import FlakyService
from emulation.harness.lambda_runtime import FakeLambdaContext, LogSink
from emulation.harness.sqs_source import lambda_sqs_record
from tests.conftest import REGION

ACCOUNT = "123456789012"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:swy-test-registration-consumer"
TABLES = {
    "SIGNUPS_TABLE_NAME": ("swy-test-signups", ["pk", "sk"]),
    "OUTBOX_TABLE_NAME": ("swy-test-outbox", ["outboxId"]),
    "WORKSPACES_TABLE_NAME": ("swy-test-workspaces", ["userId"]),
    "LEADS_TABLE_NAME": ("swy-test-leads", ["userId"]),
}
CONSUMERS = ("registration_analytics", "registration_mailing", "registration_onboarding", "registration_sales_lead")


def context(name: str) -> FakeLambdaContext:
    return FakeLambdaContext(
        function_name=name,
        invoked_function_arn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}",
        memory_limit_in_mb=256,
    )


def user_registered(n: int, plan: str = "pro", *, version: int = 1) -> str:
    from registration_api import core

    registration = core.validate(
        {"email": f"user{n}@example.com", "displayName": f"User {n}", "plan": plan, "source": "web"}
    )
    event = core.user_registered(registration, now=datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    body = event.to_dict() | {"eventId": f"evt-{n:08d}"}
    body["eventVersion"] = version
    return json.dumps(body)


def sqs_event(*bodies: str, first_id: int = 0) -> dict[str, Any]:
    messages = [
        {
            "MessageId": f"msg-{first_id + i}",
            "ReceiptHandle": f"rh-{first_id + i}",
            "Body": body,
            "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795000000000"},
        }
        for i, body in enumerate(bodies)
    ]
    return {"Records": [lambda_sqs_record(m, QUEUE_ARN) for m in messages]}


@pytest.fixture
def aws(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for variable, (name, keys) in TABLES.items():
        dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ("HASH", "RANGE"), strict=False)],
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
        )
        monkeypatch.setenv(variable, name)
    dlq_url = boto3.client("sqs", region_name=REGION).create_queue(QueueName="swy-test-consumer-dlq")["QueueUrl"]
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq_url)
    boto3.setup_default_session()  # a fresh default session per test, as a fresh Lambda process has
    yield {"dlq_url": dlq_url}
    boto3.DEFAULT_SESSION = None


def load(name: str) -> ModuleType:
    module = importlib.import_module(f"{name}.handler")
    from switchyard import runtime

    runtime.reset()  # clients of the previous test's mock are forgotten
    return module


def invoke(handler: ModuleType, event: dict[str, Any], ctx: FakeLambdaContext) -> tuple[Any, dict[str, float]]:
    logs = LogSink()
    with redirect_stdout(logs):
        response = handler.lambda_handler(event, ctx)
    return response, logs.metric_totals()


def items(table: str) -> list[dict[str, Any]]:
    return boto3.client("dynamodb", region_name=REGION).scan(TableName=table)["Items"]


def parked(dlq_url: str) -> dict[str, str]:
    messages = (
        boto3.client("sqs", region_name=REGION)
        .receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        .get("Messages", [])
    )
    return {m["Body"]: m["MessageAttributes"]["failureReason"]["StringValue"] for m in messages}


def count_calls(client: Any, operation: str) -> list[str]:
    calls: list[str] = []
    client.meta.events.register(f"before-call.dynamodb.{operation}", lambda **kwargs: calls.append(operation))
    return calls


def test_analytics_counts_a_redelivered_event_once(aws: dict[str, str]) -> None:
    handler = load("registration_analytics")
    ctx = context("swy-test-registration_analytics")
    # GIVEN one event delivered twice in a batch, and a third time later
    response, first = invoke(handler, sqs_event(user_registered(1), user_registered(1)), ctx)
    assert response == {"batchItemFailures": []}
    transactions = count_calls(handler.counters()._dynamodb, "TransactWriteItems")
    response, later = invoke(handler, sqs_event(user_registered(1), first_id=2), ctx)
    assert response == {"batchItemFailures": []}
    # THEN the day's counter moved once: the replay's transaction was refused by its marker condition
    by_key = {(i["pk"]["S"], i["sk"]["S"]): i for i in items("swy-test-signups")}
    assert by_key[("DAY#2026-11-23", "SOURCE#web")]["signups"]["N"] == "1"
    assert len(by_key) == 2  # the counter and the user's marker
    assert transactions == ["TransactWriteItems"]
    assert first == {"EventsApplied": 1, "DuplicatesIgnored": 1} and later == {"DuplicatesIgnored": 1}


@pytest.mark.parametrize(
    ("name", "table", "key"),
    [
        ("registration_mailing", "swy-test-outbox", "outboxId"),
        ("registration_onboarding", "swy-test-workspaces", "userId"),
        ("registration_sales_lead", "swy-test-leads", "userId"),
    ],
)
def test_each_consumer_applies_an_event_once(name: str, table: str, key: str, aws: dict[str, str]) -> None:
    handler = load(name)
    ctx = context(f"swy-test-{name}")
    response, applied = invoke(handler, sqs_event(user_registered(1), user_registered(2)), ctx)
    assert response == {"batchItemFailures": []} and applied == {"EventsApplied": 2}
    before = items(table)
    # WHEN both are redelivered
    response, replayed = invoke(handler, sqs_event(user_registered(2), user_registered(1), first_id=5), ctx)
    # THEN nothing changed: each conditional put found its key, and the replay is a success
    assert response == {"batchItemFailures": []}
    assert items(table) == before and len(before) == 2
    assert replayed == {"DuplicatesIgnored": 2}
    assert len(handler.consumer.processor.success_messages) == 2


def test_same_user_under_a_new_event_id_is_still_applied_once(aws: dict[str, str]) -> None:
    handler = load("registration_analytics")
    ctx = context("swy-test-registration_analytics")
    retry_of_the_sign_up = user_registered(1).replace("evt-00000001", "evt-99999999")
    handler.lambda_handler(sqs_event(user_registered(1), retry_of_the_sign_up), ctx)
    counter = [i for i in items("swy-test-signups") if i["pk"]["S"].startswith("DAY#")]
    assert counter[0]["signups"]["N"] == "1"  # the effect's own condition caught it


def test_poison_is_parked_with_its_reason_and_does_not_block_the_batch(aws: dict[str, str]) -> None:
    handler = load("registration_mailing")
    missing_email = json.loads(user_registered(3))
    del missing_email["eventDetails"]["email"]
    other_type = json.loads(user_registered(4)) | {"eventType": "AuditNoteRecorded"}
    other_type["eventDetails"] = {"actor": "ops", "note": "hi"}
    bodies = [
        "{not json",
        json.dumps(missing_email),
        user_registered(5, version=2),
        json.dumps(other_type),
        user_registered(6),
    ]
    response, counted = invoke(handler, sqs_event(*bodies), context("swy-test-registration_mailing"))
    assert response == {"batchItemFailures": []}
    assert counted == {"EventsApplied": 1, "EventsRejected": 4}
    assert [i["userId"]["S"] for i in items("swy-test-outbox")] == [json.loads(bodies[4])["eventDetails"]["userId"]]
    reasons = parked(aws["dlq_url"])
    assert reasons["{not json"].startswith("body is not JSON")
    assert reasons[bodies[1]].startswith("UserRegistered.v1 eventDetails invalid")
    assert reasons[bodies[2]] == "UserRegistered version 2 is not supported (supported: 1)"
    assert reasons[bodies[3]] == "unexpected eventType 'AuditNoteRecorded' (this consumer handles UserRegistered)"


def test_sales_lead_parks_a_non_pro_sign_up(aws: dict[str, str]) -> None:
    handler = load("registration_sales_lead")
    body = user_registered(7, plan="free")
    assert handler.lambda_handler(sqs_event(body), context("swy-test-registration_sales_lead")) == {
        "batchItemFailures": []
    }
    assert "not a sales lead" in parked(aws["dlq_url"])[body]
    assert items("swy-test-leads") == []


def test_a_throttled_table_fails_only_its_records_and_retries_apply_each_once(
    aws: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN half of the function's DynamoDB calls are throttled
    flaky = FlakyService(rate=0.5, seed=3).attach(boto3.DEFAULT_SESSION)  # type: ignore[arg-type]
    handler = load("registration_analytics")
    ctx = context("swy-test-registration_analytics")
    pending = {f"msg-{i}": user_registered(i) for i in range(20)}
    attempts = whole_batch_failures = 0
    # WHEN the batch is retried the way the poller does (only reported failures come back)
    while pending and attempts < 30:
        attempts += 1
        if attempts == 10:
            flaky.rate = 0.0  # the throttling stops
        batch = [
            lambda_sqs_record({"MessageId": m, "ReceiptHandle": m, "Body": b}, QUEUE_ARN) for m, b in pending.items()
        ]
        try:
            response = handler.lambda_handler({"Records": batch}, ctx)
        except BatchProcessingError:  # every record failed: Lambda retries the whole batch
            whole_batch_failures += 1
            continue
        pending = {f["itemIdentifier"]: pending[f["itemIdentifier"]] for f in response["batchItemFailures"]}
    # THEN faults really happened, and every user is counted exactly once
    flaky.rate = 0.0
    assert flaky.injected > 10 and attempts > 2
    assert pending == {}
    counter = [i for i in items("swy-test-signups") if i["pk"]["S"].startswith("DAY#")]
    assert counter[0]["signups"]["N"] == "20"
    markers = [i for i in items("swy-test-signups") if i["pk"]["S"].startswith("USER#")]
    assert len(markers) == 20
    # and the EventsApplied metric says so too: a throttled write never happened, so it is no duplicate
    emitted = LogSink()
    emitted.write(capsys.readouterr().out)
    totals = emitted.metric_totals()
    assert totals["EventsApplied"] == 20
    assert "DuplicatesIgnored" not in totals, totals


def proxy_event(body: Any, shape: str, *, method: str = "POST", encode: bool = False) -> dict[str, Any]:
    """An API Gateway proxy event as REST (payload 1.0) or HTTP API (2.0) sends it."""
    text = body if isinstance(body, str) else json.dumps(body)
    payload = base64.b64encode(text.encode()).decode() if encode else text
    if shape == "rest":
        return {
            "resource": "/registrations",
            "path": "/registrations",
            "httpMethod": method,
            "headers": {"Content-Type": "application/json"},
            "requestContext": {"httpMethod": method, "requestId": "req-1", "stage": "dev"},
            "body": payload,
            "isBase64Encoded": encode,
        }
    return {
        "version": "2.0",
        "routeKey": f"{method} /registrations",
        "rawPath": "/registrations",
        "headers": {"content-type": "application/json"},
        "requestContext": {"http": {"method": method, "path": "/registrations"}, "requestId": "req-1"},
        "body": payload,
        "isBase64Encoded": encode,
    }


def test_registration_publishes_with_the_plan_attribute_and_the_filter_selects_pro(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sns = boto3.client("sns", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="swy-test-registration")["TopicArn"]
    queues = {}
    for name, filter_policy in (("all", None), ("pro", {"plan": ["pro"]})):
        url = sqs.create_queue(QueueName=f"swy-test-{name}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attributes = {"RawMessageDelivery": "true"}
        if filter_policy:
            attributes |= {"FilterPolicy": json.dumps(filter_policy), "FilterPolicyScope": "MessageAttributes"}
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes)
        queues[name] = url
    monkeypatch.setenv("TOPIC_ARN", topic)
    handler = importlib.import_module("registration_api.handler")
    handler.publisher.cache_clear()
    ctx = context("swy-test-registration-api")

    answers = [
        handler.lambda_handler(
            proxy_event({"email": f"u{i}@example.com", "displayName": "U", "plan": plan, "source": "ios"}, shape), ctx
        )
        for i, (plan, shape) in enumerate([("free", "rest"), ("pro", "http"), ("team", "rest"), ("pro", "http")])
    ]
    refused = handler.lambda_handler(proxy_event({"email": "nope", "displayName": "U", "source": "ios"}, "http"), ctx)

    assert [a["statusCode"] for a in answers] == [201] * 4
    responses = [json.loads(a["body"]) for a in answers]
    assert refused["statusCode"] == 400
    assert json.loads(refused["body"]) == {"errors": ["email must look like name@example.com"]}

    def received(url: str) -> list[dict[str, Any]]:
        return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])["Messages"]

    everything = [json.loads(m["Body"]) for m in received(queues["all"])]
    assert sorted(e["eventId"] for e in everything) == sorted(r["eventId"] for r in responses)  # raw: the envelope
    pro = received(queues["pro"])
    assert sorted(json.loads(m["Body"])["eventDetails"]["userId"] for m in pro) == sorted(
        r["userId"] for r, plan in zip(responses, ["free", "pro", "team", "pro"], strict=True) if plan == "pro"
    )
    assert {m["MessageAttributes"]["plan"]["StringValue"] for m in pro} == {"pro"}
