"""Voting handler against moto in-process: exact tallies, last submission wins, rejections, parking."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from contextlib import redirect_stdout
from types import ModuleType
from typing import Any

import boto3
import pytest

from emulation.harness.lambda_runtime import FakeLambdaContext, LogSink
from emulation.harness.sqs_source import lambda_sqs_record
from tests.conftest import REGION
from voting import core
from voting.adapters import VoteStore

QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:swy-test-voting"
OPEN_UNTIL = 1_795_000_100_000
ATTRS = {"pollId": "p1", "requestId": "req-other", "receivedAtEpochMs": "1795000000000"}
CONTEXT = FakeLambdaContext(
    function_name="swy-test-voting",
    invoked_function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:swy-test-voting",
    memory_limit_in_mb=256,
)


def message(
    user: str, choice: str, at: str, *, poll: str = "p1", received: int = 1_795_000_000_000, body: str | None = None
) -> dict[str, Any]:
    return {
        "body": body if body is not None else json.dumps({"userId": user, "choice": choice, "submittedAt": at}),
        "attributes": {"pollId": poll, "requestId": f"req-{user}-{at}", "receivedAtEpochMs": str(received)},
    }


def sqs_event(*messages: dict[str, Any]) -> dict[str, Any]:
    records = []
    for i, m in enumerate(messages):
        raw = {
            "MessageId": f"msg-{i}",
            "ReceiptHandle": f"rh-{i}",
            "Body": m["body"],
            "Attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795000000000"},
            "MessageAttributes": {
                name: {"DataType": "Number" if name == "receivedAtEpochMs" else "String", "StringValue": value}
                for name, value in m["attributes"].items()
            },
        }
        records.append(lambda_sqs_record(raw, QUEUE_ARN))
    return {"Records": records}


@pytest.fixture
def resources(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for name, keys in {"polls": ["pollId"], "votes": ["pollId", "userId"], "tallies": ["pollId", "choice"]}.items():
        dynamodb.create_table(
            TableName=f"swy-test-{name}",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": k, "KeyType": t} for k, t in zip(keys, ["HASH", "RANGE"], strict=False)],
            AttributeDefinitions=[{"AttributeName": k, "AttributeType": "S"} for k in keys],
        )
    dynamodb.put_item(
        TableName="swy-test-polls",
        Item={"pollId": {"S": "p1"}, "choices": {"SS": ["red", "blue"]}, "closesAtMs": {"N": str(OPEN_UNTIL)}},
    )
    dlq_url = boto3.client("sqs", region_name=REGION).create_queue(QueueName="swy-test-voting-dlq")["QueueUrl"]
    monkeypatch.setenv("POLLS_TABLE_NAME", "swy-test-polls")
    monkeypatch.setenv("VOTES_TABLE_NAME", "swy-test-votes")
    monkeypatch.setenv("TALLIES_TABLE_NAME", "swy-test-tallies")
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", dlq_url)
    monkeypatch.setenv("VOTER_IDENTITY", "body")
    yield {"dlq_url": dlq_url}


@pytest.fixture
def handler(resources: dict[str, str]) -> ModuleType:
    module = importlib.import_module("voting.handler")
    module.dependencies.cache_clear()
    module.voter_identity.cache_clear()
    return module


def invoke(handler: ModuleType, *messages: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    logs = LogSink()
    with redirect_stdout(logs):
        response = handler.lambda_handler(sqs_event(*messages), CONTEXT)
    return response, logs.metric_totals()


def tallies(poll: str = "p1") -> dict[str, int]:
    items = boto3.client("dynamodb", region_name=REGION).query(
        TableName="swy-test-tallies",
        KeyConditionExpression="pollId = :p",
        ExpressionAttributeValues={":p": {"S": poll}},
    )["Items"]
    return {i["choice"]["S"]: int(i["votes"]["N"]) for i in items if int(i["votes"]["N"])}


def test_votes_are_counted_once_and_the_latest_submission_wins(handler: ModuleType) -> None:
    # GIVEN u1 votes red then blue, delivered out of order; u2 votes red twice (a redelivery)
    response, metrics = invoke(
        handler,
        message("u1", "blue", "2026-11-23T10:00:05Z"),
        message("u1", "red", "2026-11-23T10:00:01Z"),
        message("u2", "red", "2026-11-23T10:00:02Z"),
        message("u2", "red", "2026-11-23T10:00:02Z"),
    )
    # THEN u1 counts for blue only, u2 once for red, and nothing is retried
    assert response == {"batchItemFailures": []}
    assert tallies() == {"blue": 1, "red": 1}
    assert metrics == {"VotesRecorded": 2, "VotesSuperseded": 1, "VotesDuplicate": 1}


def test_a_revote_moves_the_tally(handler: ModuleType) -> None:
    invoke(handler, message("u1", "red", "2026-11-23T10:00:01Z"), message("u2", "red", "2026-11-23T10:00:01Z"))
    _, metrics = invoke(handler, message("u1", "blue", "2026-11-23T10:00:09Z"))
    assert tallies() == {"red": 1, "blue": 1}
    assert metrics == {"VotesReplaced": 1}
    # and replaying the whole history changes nothing (idempotent)
    _, metrics = invoke(
        handler,
        message("u1", "red", "2026-11-23T10:00:01Z"),
        message("u2", "red", "2026-11-23T10:00:01Z"),
        message("u1", "blue", "2026-11-23T10:00:09Z"),
    )
    assert tallies() == {"red": 1, "blue": 1}
    assert metrics == {"VotesSuperseded": 1, "VotesDuplicate": 2}


def test_unknown_poll_unknown_choice_and_late_votes_are_rejected_with_a_reason(handler: ModuleType) -> None:
    response, metrics = invoke(
        handler,
        message("u1", "red", "2026-11-23T10:00:01Z", poll="nope"),
        message("u2", "green", "2026-11-23T10:00:01Z"),
        message("u3", "red", "2026-11-23T10:00:01Z", received=OPEN_UNTIL),
        message("u4", "red", "2026-11-23T10:00:01Z", received=OPEN_UNTIL - 1),
    )
    assert response == {"batchItemFailures": []}  # final: never retried
    assert tallies() == {"red": 1}
    assert metrics == {
        "VotesRejected": 3,
        "VotesRejectedUnknownPoll": 1,
        "VotesRejectedUnknownChoice": 1,
        "VotesRejectedPollClosed": 1,
        "VotesRecorded": 1,
    }


def test_malformed_messages_are_parked_with_their_reason_without_blocking_the_batch(
    handler: ModuleType, resources: dict[str, str]
) -> None:
    bad_date = message("u9", "red", "2026-02-30T10:00:00Z")
    response, metrics = invoke(
        handler,
        message("u1", "red", "x", body="{not json"),
        message("u2", "red", "2026-11-23T10:00:01Z"),
        bad_date,
        {"body": json.dumps({"userId": "u3"}), "attributes": {}},
    )
    assert response == {"batchItemFailures": []}
    assert tallies() == {"red": 1}
    assert metrics == {"VotesMalformed": 3, "VotesRecorded": 1}
    parked = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=resources["dlq_url"], MaxNumberOfMessages=10, MessageAttributeNames=["All"]
    )["Messages"]
    reasons = {m["Body"]: m["MessageAttributes"]["failureReason"]["StringValue"] for m in parked}
    assert reasons["{not json"].startswith("body is not JSON")
    assert "not a real date" in reasons[bad_date["body"]]
    assert "pollId, requestId, receivedAtEpochMs missing" in reasons[json.dumps({"userId": "u3"})]


def test_a_concurrent_writer_is_detected_and_the_vote_decided_again(handler: ModuleType) -> None:
    # GIVEN another consumer records u1's later vote between our decision and our write
    store = handler.dependencies().votes
    real = store._dynamodb
    interfered = []

    class Interfering:
        exceptions = real.exceptions

        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        def transact_write_items(self, **kwargs: Any) -> Any:
            if not interfered:
                interfered.append(True)
                other = VoteStore(real, "swy-test-votes", "swy-test-tallies")
                other.record(
                    core.parse_vote(
                        message("u1", "blue", "2026-11-23T10:00:09Z")["body"], ATTRS, core.VoterIdentity.BODY
                    )
                )
            return real.transact_write_items(**kwargs)

    store._dynamodb = Interfering()
    # WHEN our (earlier) vote is written
    _, metrics = invoke(handler, message("u1", "red", "2026-11-23T10:00:01Z"))
    # THEN the transaction was cancelled, nothing double-counted, and the later vote stands
    assert store.conflicts == 1
    assert tallies() == {"blue": 1}
    assert metrics.get("VotesSuperseded") == 1


def test_persistent_contention_fails_the_record_for_a_later_retry(
    handler: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = handler.dependencies().votes
    store._sleep = lambda _seconds: None
    error = store._dynamodb.exceptions.TransactionCanceledException(
        {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": [{"Code": "TransactionConflict"}]},
        "TransactWriteItems",
    )

    def always_conflicting(**_: Any) -> None:
        raise error

    monkeypatch.setattr(store._dynamodb, "transact_write_items", always_conflicting)
    response, _ = invoke(handler, message("u1", "red", "2026-11-23T10:00:01Z"), message("u2", "x", "bad"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}


def test_a_batch_is_written_in_one_transaction_with_summed_tallies(
    handler: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = handler.dependencies().votes
    calls: list[list[dict[str, Any]]] = []
    real = store._dynamodb.transact_write_items

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs["TransactItems"])
        return real(**kwargs)

    monkeypatch.setattr(store._dynamodb, "transact_write_items", counting)
    voters = [message(f"u{i}", "red" if i < 7 else "blue", "2026-11-23T10:00:01Z") for i in range(10)]
    response, metrics = invoke(handler, *voters)
    assert response == {"batchItemFailures": []}
    assert tallies() == {"red": 7, "blue": 3}
    assert metrics == {"VotesRecorded": 10}
    (items,) = calls  # one round trip; ten votes, and one update per choice
    assert [next(iter(i)) for i in items] == ["Put"] * 10 + ["Update"] * 2


def test_with_caller_identity_the_signer_votes_and_a_message_without_one_is_parked(
    handler: ModuleType, resources: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOTER_IDENTITY", "caller")
    signed = message(
        "-", "red", "2026-11-23T10:00:01Z", body=json.dumps({"choice": "red", "submittedAt": "2026-11-23T10:00:01Z"})
    )
    signed["attributes"]["callerId"] = "AROAVOTER:alice"
    # a sender with queue access (not the API) writing a userId and no callerId
    forged = message("mallory", "blue", "2026-11-23T10:00:02Z")
    response, metrics = invoke(handler, signed, forged)
    assert response == {"batchItemFailures": []}
    assert tallies() == {"red": 1}
    assert metrics == {"VotesRecorded": 1, "VotesMalformed": 1}
    votes = boto3.client("dynamodb", region_name=REGION).scan(TableName="swy-test-votes")["Items"]
    assert [v["userId"]["S"] for v in votes] == ["AROAVOTER:alice"]
    (parked,) = boto3.client("sqs", region_name=REGION).receive_message(
        QueueUrl=resources["dlq_url"], MessageAttributeNames=["All"]
    )["Messages"]
    assert "callerId missing" in parked["MessageAttributes"]["failureReason"]["StringValue"]


def test_an_unknown_voter_identity_setting_fails_the_invocation(
    handler: ModuleType, resources: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retried (the error, naming the setting, is logged), not parked as malformed."""
    monkeypatch.setenv("VOTER_IDENTITY", "whoever")
    logs = LogSink()
    with redirect_stdout(logs):
        response = handler.lambda_handler(sqs_event(message("u1", "red", "2026-11-23T10:00:01Z")), CONTEXT)
    assert response == {"batchItemFailures": [{"itemIdentifier": "msg-0"}]}
    assert "Messages" not in boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=resources["dlq_url"])
