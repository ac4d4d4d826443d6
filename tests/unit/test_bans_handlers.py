"""The bans functions against moto in-process: classifier -> topic, bans, reactivation, admin."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from types import ModuleType
from typing import Any

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from emulation.harness.lambda_runtime import FakeLambdaContext, LogSink
from emulation.harness.sqs_source import lambda_sqs_record
from switchyard import clock
from tests.conftest import REGION

ACCOUNT = "123456789012"
CONTEXT = FakeLambdaContext("swy-test", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:swy-test", 256)
STREAM_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/swy-test-banned/stream/2026-12-01T00:00:00.000"
TTL = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
T0 = 1_800_000_000
DAY = 86_400


def user(n: int) -> str:
    return f"usr-{n:032x}"


def envelope(event_type: str, details: dict[str, Any], occurred: int = T0, event_id: str = "ev-1") -> str:
    from datetime import UTC, datetime

    when = datetime.fromtimestamp(occurred, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(
        {
            "eventSource": "test",
            "eventType": event_type,
            "eventVersion": 1,
            "eventId": f"event-{event_id}",
            "occurredAt": when,
            "eventDetails": details,
        }
    )


def sqs_event(*bodies: str) -> dict[str, Any]:
    records = [
        lambda_sqs_record(
            {
                "MessageId": f"msg-{i}",
                "ReceiptHandle": f"rh-{i}",
                "Body": b,
                "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795000000000"},
            },
            f"arn:aws:sqs:{REGION}:{ACCOUNT}:q",
        )
        for i, b in enumerate(bodies)
    ]
    return {"Records": records}


def stream_record(n: int, account_id: str, ban_version: int, identity: dict[str, str] | None = TTL) -> dict[str, Any]:
    record: dict[str, Any] = {
        "eventID": f"ev-{n}",
        "eventName": "REMOVE",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": T0,
            "Keys": {"accountId": {"S": account_id}},
            "OldImage": {
                "accountId": {"S": account_id},
                "expiresAt": {"N": str(T0 - 10)},
                "banVersion": {"N": str(ban_version)},
            },
            "SequenceNumber": str(1000 + n),
            "SizeBytes": 100,
            "StreamViewType": "OLD_IMAGE",
        },
        "eventSourceARN": STREAM_ARN,
    }
    if identity is not None:
        record["userIdentity"] = identity
    return record


def invoke(module: ModuleType, event: Any) -> tuple[Any, dict[str, float]]:
    logs = LogSink()
    with redirect_stdout(logs):
        response = module.lambda_handler(event, CONTEXT)
    return response, logs.metric_totals()


@pytest.fixture
def aws(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    dynamodb, sqs, sns = (boto3.client(s, region_name=REGION) for s in ("dynamodb", "sqs", "sns"))
    for name, keys in {
        "swy-test-accounts": [("accountId", "HASH")],
        "swy-test-banned": [("accountId", "HASH")],
        "swy-test-reports": [("authorId", "HASH"), ("reporterId", "RANGE")],
    }.items():
        dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in keys],
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k, _ in keys],
        )
    topic = sns.create_topic(Name="bans")["TopicArn"]
    bans_queue = sqs.create_queue(QueueName="bans")["QueueUrl"]
    bans_arn = sqs.get_queue_attributes(QueueUrl=bans_queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=bans_arn, Attributes={"RawMessageDelivery": "true"})
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    for n in range(5):
        dynamodb.put_item(TableName="swy-test-accounts", Item={"accountId": {"S": user(n)}, "status": {"S": "active"}})
    monkeypatch.setenv("ACCOUNTS_TABLE_NAME", "swy-test-accounts")
    monkeypatch.setenv("BANNED_ACCOUNTS_TABLE_NAME", "swy-test-banned")
    monkeypatch.setenv("REPORTS_TABLE_NAME", "swy-test-reports")
    monkeypatch.setenv("BAN_TOPIC_ARN", topic)
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq)
    monkeypatch.setattr(clock, "source", lambda: float(T0))
    from switchyard import runtime

    runtime.reset()
    yield {"dynamodb": dynamodb, "sqs": sqs, "bans_queue": bans_queue}


def handler(name: str) -> ModuleType:
    return importlib.import_module(f"bans_{name}.handler")


def account(aws: dict[str, Any], n: int) -> dict[str, Any]:
    return aws["dynamodb"].get_item(TableName="swy-test-accounts", Key={"accountId": {"S": user(n)}})["Item"]


def ban_item(aws: dict[str, Any], n: int) -> Any:
    item = aws["dynamodb"].get_item(TableName="swy-test-banned", Key={"accountId": {"S": user(n)}}).get("Item")
    return item


def published(aws: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    while batch := aws["sqs"].receive_message(QueueUrl=aws["bans_queue"], MaxNumberOfMessages=10).get("Messages"):
        out += [json.loads(m["Body"]) for m in batch]
        for m in batch:
            aws["sqs"].delete_message(QueueUrl=aws["bans_queue"], ReceiptHandle=m["ReceiptHandle"])
    return out


def report(n: int, author: int, reporter: int, text: str = "hello") -> str:
    details = {
        "reportId": f"rpt-{n:032x}",
        "postId": f"post-{n}",
        "authorId": user(author),
        "reporterId": user(reporter),
        "postText": text,
    }
    return envelope("PostReported", details, occurred=T0 + n, event_id=f"r-{n}")


def ban_event(n: int, duration: int, occurred: int = T0, event_id: str = "ban-1") -> str:
    details = {"accountId": user(n), "reason": "test", "banDurationSeconds": duration}
    return envelope("AccountDeactivationRequested", details, occurred=occurred, event_id=event_id)


def test_classifier_publishes_a_ban_for_a_blocklisted_word_and_at_the_third_distinct_reporter(
    aws: dict[str, Any],
) -> None:
    response, metrics = invoke(
        handler("classifier"),
        sqs_event(
            report(1, author=0, reporter=1, text="a scam"),
            report(2, author=1, reporter=2),
            report(3, author=1, reporter=3),
            report(4, author=1, reporter=3),  # the same reporter again: counts once
            report(5, author=1, reporter=1),  # a self-report: never counts
            report(6, author=1, reporter=4),
        ),
    )
    assert response == {"batchItemFailures": []}
    assert metrics == {"BansRequested": 2, "ReportsDismissed": 4}
    events = sorted(published(aws), key=lambda e: e["eventDetails"]["accountId"])
    assert [(e["eventDetails"]["accountId"], e["eventDetails"]["banDurationSeconds"]) for e in events] == [
        (user(0), 3 * DAY),
        (user(1), 2 * DAY),
    ]
    assert events[1]["occurredAt"].startswith("2027-01-15T08:00:06")  # the latest counted report


def test_classifier_redelivery_publishes_the_same_event(aws: dict[str, Any]) -> None:
    body = report(1, author=0, reporter=1, text="spam")
    invoke(handler("classifier"), sqs_event(body))
    invoke(handler("classifier"), sqs_event(body))
    first, second = published(aws)
    assert first == second


def test_a_ban_deactivates_and_schedules_a_re_ban_extends_and_never_shortens(aws: dict[str, Any]) -> None:
    accounts = handler("accounts")
    _, metrics = invoke(accounts, sqs_event(ban_event(0, DAY)))
    assert metrics == {"BansApplied": 1}
    assert account(aws, 0)["status"]["S"] == "deactivated" and ban_item(aws, 0)["expiresAt"]["N"] == str(T0 + DAY)
    _, again = invoke(accounts, sqs_event(ban_event(0, DAY), ban_event(0, 3600, event_id="ban-2")))
    assert again == {"BansNotExtended": 2}  # the redelivery and the shorter ban change nothing
    _, longer = invoke(accounts, sqs_event(ban_event(0, 3 * DAY, event_id="ban-3")))
    assert longer == {"BansExtended": 1}
    item = ban_item(aws, 0)
    assert item is not None and item["expiresAt"]["N"] == str(T0 + 3 * DAY) and item["banVersion"]["N"] == "2"


def ban(aws: dict[str, Any], n: int, duration: int = DAY) -> None:
    invoke(handler("accounts"), sqs_event(ban_event(n, duration, event_id=f"ban-{n}")))


def test_reactivation_applies_a_ttl_delete_once(aws: dict[str, Any]) -> None:
    ban(aws, 0)
    aws["dynamodb"].delete_item(TableName="swy-test-banned", Key={"accountId": {"S": user(0)}})  # as TTL would
    response, metrics = invoke(handler("reactivation"), {"Records": [stream_record(0, user(0), 1)]})
    assert response == {"batchItemFailures": []} and metrics == {"AccountsReactivated": 1}
    assert account(aws, 0)["status"]["S"] == "active" and account(aws, 0)["reactivatedBy"]["S"] == "ttl"
    _, again = invoke(handler("reactivation"), {"Records": [stream_record(0, user(0), 1)]})
    assert again == {"DuplicatesIgnored": 1} and account(aws, 0)["ttlReactivations"]["N"] == "1"


def test_reactivation_refuses_a_manual_delete_even_when_the_filter_let_it_through(aws: dict[str, Any]) -> None:
    """The handler's own userIdentity check: a filter typo must not turn a delete into a reactivation."""
    ban(aws, 0)
    aws["dynamodb"].delete_item(TableName="swy-test-banned", Key={"accountId": {"S": user(0)}})
    _, metrics = invoke(handler("reactivation"), {"Records": [stream_record(0, user(0), 1, identity=None)]})
    assert metrics == {"ManualDeletesIgnored": 1}
    assert account(aws, 0)["status"]["S"] == "deactivated"


def test_reactivation_skips_an_account_banned_again(aws: dict[str, Any]) -> None:
    ban(aws, 0)  # version 1, the item still holds it ... then a newer ban replaced it
    invoke(handler("accounts"), sqs_event(ban_event(0, 5 * DAY, event_id="ban-again")))
    _, metrics = invoke(handler("reactivation"), {"Records": [stream_record(0, user(0), 1)]})
    assert metrics == {"StillBanned": 1} and account(aws, 0)["status"]["S"] == "deactivated"


def test_a_missing_account_fails_its_record_and_a_batch_that_starts_with_it_fails_whole(aws: dict[str, Any]) -> None:
    """Ordered: after the poison record nothing is attempted; when it is first, every record fails,
    Powertools raises (a function error), and the mapping's bisect can isolate it."""
    ban(aws, 0)
    aws["dynamodb"].delete_item(TableName="swy-test-banned", Key={"accountId": {"S": user(0)}})
    orphan = "usr-" + "f" * 32
    response, _ = invoke(
        handler("reactivation"), {"Records": [stream_record(0, user(0), 1), stream_record(1, orphan, 1)]}
    )
    assert response == {"batchItemFailures": [{"itemIdentifier": "1001"}]}
    with pytest.raises(BatchProcessingError):
        invoke(handler("reactivation"), {"Records": [stream_record(1, orphan, 1), stream_record(2, user(0), 1)]})


def test_admin_status_answers_not_banned_for_a_past_due_item_and_lift_reactivates_directly(
    aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = handler("admin")
    ban(aws, 0, duration=DAY)
    ban(aws, 1, duration=3 * DAY)
    assert invoke(admin, {"action": "status", "accountId": user(0)})[0]["banned"] is True
    monkeypatch.setattr(clock, "source", lambda: float(T0 + DAY + 1))
    assert invoke(admin, {"action": "status", "accountId": user(0)})[0] == {"accountId": user(0), "banned": False}
    assert ban_item(aws, 0) is not None  # not deleted yet: the read alone says not banned
    lifted, _ = invoke(admin, {"action": "lift", "accountId": user(1)})
    assert lifted == {"accountId": user(1), "lifted": True, "banVersion": 1}
    assert ban_item(aws, 1) is None and account(aws, 1)["status"]["S"] == "active"
    assert account(aws, 1)["reactivatedBy"]["S"] == "lift" and "ttlReactivations" not in account(aws, 1)
    assert invoke(admin, {"action": "lift", "accountId": user(1)})[0] == {"accountId": user(1), "lifted": False}
    # a redelivered ban issued before the lift does not ban again
    _, metrics = invoke(handler("accounts"), sqs_event(ban_event(1, 3 * DAY, event_id="ban-1")))
    assert metrics == {"BansIgnored": 1}
    assert invoke(admin, {"action": "nope"})[0] == {"error": "action must be one of status, lift"}
