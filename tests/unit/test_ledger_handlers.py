"""Ledger processor and consumer handlers against moto in-process (tables, FIFO queues, DLQs)."""

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
from tests.conftest import REGION

ACCOUNT = "123456789012"
INTAKE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:swy-test-ledger-intake.fifo"
GROUPED_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:swy-test-ledger-orders.fifo"
CONTEXT = FakeLambdaContext("swy-test", f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:swy-test", 256)


def body(order: str, seq: int, kind: str = "credit", amount: int = 100, event_id: str | None = None) -> str:
    return json.dumps(
        {
            "eventSource": "shop",
            "eventType": "LedgerTransactionSubmitted",
            "eventVersion": 1,
            "eventId": event_id or f"ev-{order}-{seq}",
            "occurredAt": "2026-12-01T10:00:00Z",
            "eventDetails": {"orderId": order, "seq": seq, "type": kind, "amount": amount, "currency": "EUR"},
        }
    )


def fifo_event(queue_arn: str, *messages: tuple[str, str], attributes: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "Records": [
            lambda_sqs_record(
                {
                    "MessageId": f"msg-{i}",
                    "ReceiptHandle": f"rh-{i}",
                    "Body": text,
                    "Attributes": {
                        "ApproximateReceiveCount": "1",
                        "SentTimestamp": "1795000000000",
                        "MessageGroupId": group,
                        "MessageDeduplicationId": f"d-{i}",
                        "SequenceNumber": f"{1000 + i}",
                    },
                    "MessageAttributes": {
                        k: {"DataType": "String", "StringValue": v} for k, v in (attributes or {}).items()
                    },
                },
                queue_arn,
            )
            for i, (group, text) in enumerate(messages)
        ]
    }


def run(module: ModuleType, event: dict[str, Any]) -> tuple[list[str], dict[str, float]]:
    logs = LogSink()
    with redirect_stdout(logs):
        response = module.lambda_handler(event, CONTEXT)
    return [f["itemIdentifier"] for f in response["batchItemFailures"]], logs.metric_totals()


def fifo_queue(sqs: Any, name: str) -> str:
    return str(sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"])


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    ).get("Messages"):
        messages += batch
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return messages


@pytest.fixture
def aws(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    dynamodb, sqs = boto3.client("dynamodb", region_name=REGION), boto3.client("sqs", region_name=REGION)
    for name, (hash_key, range_key, range_type) in {
        "swy-test-ledger": ("orderId", "seq", "N"),
        "swy-test-balances": ("orderId", "entry", "S"),
    }.items():
        dynamodb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": hash_key, "KeyType": "HASH"},
                {"AttributeName": range_key, "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": hash_key, "AttributeType": "S"},
                {"AttributeName": range_key, "AttributeType": range_type},
            ],
        )
    urls = {name: fifo_queue(sqs, f"swy-test-ledger-{name}.fifo") for name in ("orders", "intake-dlq", "orders-dlq")}
    monkeypatch.setenv("LEDGER_TABLE_NAME", "swy-test-ledger")
    monkeypatch.setenv("BALANCES_TABLE_NAME", "swy-test-balances")
    monkeypatch.setenv("GROUPED_QUEUE_URL", urls["orders"])
    monkeypatch.setenv("GROUP_KEY_JSON_FIELD", "eventDetails.orderId")
    yield {"dynamodb": dynamodb, "sqs": sqs, **urls}


@pytest.fixture
def processor(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", aws["intake-dlq"])
    module = importlib.import_module("ledger_processor.handler")
    from switchyard import runtime

    runtime.reset()
    return module


@pytest.fixture
def consumer(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv("DEAD_LETTER_QUEUE_URL", aws["orders-dlq"])
    module = importlib.import_module("ledger_consumer.handler")
    from switchyard import runtime

    runtime.reset()
    return module


def ledger(aws: dict[str, Any]) -> list[tuple[str, int, str]]:
    items = aws["dynamodb"].scan(TableName="swy-test-ledger")["Items"]
    return sorted((i["orderId"]["S"], int(i["seq"]["N"]), i["eventId"]["S"]) for i in items)


def balances(aws: dict[str, Any]) -> dict[str, dict[str, Any]]:
    items = aws["dynamodb"].scan(TableName="swy-test-balances")["Items"]
    return {f"{i['orderId']['S']}/{i['entry']['S']}": {k: next(iter(v.values())) for k, v in i.items()} for i in items}


# --- processor -----------------------------------------------------------------------------
def test_processor_appends_once_and_forwards_grouped_by_order_with_the_ledger_key(
    processor: ModuleType, aws: dict[str, Any]
) -> None:
    # GIVEN two orders' transactions on one intake group, one of them delivered twice
    event = fifo_event(
        INTAKE_ARN, ("all", body("o-1", 1)), ("all", body("o-2", 1)), ("all", body("o-1", 2)), ("all", body("o-1", 1))
    )
    failed, metrics = run(processor, event)
    assert failed == []
    assert metrics == {"TransactionsRecorded": 3, "DuplicatesIgnored": 1}
    # THEN the ledger holds each once, and the grouped queue each once per order group, in order
    assert ledger(aws) == [("o-1", 1, "ev-o-1-1"), ("o-1", 2, "ev-o-1-2"), ("o-2", 1, "ev-o-2-1")]
    forwarded = drain(aws["sqs"], aws["orders"])
    seen = [(m["Attributes"]["MessageGroupId"], m["Attributes"]["MessageDeduplicationId"]) for m in forwarded]
    assert sorted(seen) == [("o-1", "o-1:1"), ("o-1", "o-1:2"), ("o-2", "o-2:1")]  # SQS dropped the re-forward
    assert [d for g, d in seen if g == "o-1"] == ["o-1:1", "o-1:2"]


def test_processor_forwards_on_retry_after_failing_between_ledger_and_queue(
    processor: ModuleType, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    grouped = processor.dependencies().grouped
    real_send = grouped.send

    def send_fails(message: Any) -> None:
        raise ConnectionError("network down after the ledger write")

    monkeypatch.setattr(grouped, "send", send_fails)
    # GIVEN the first attempt wrote the ledger, then failed to forward; the group's next message
    # waits: every record failed, so Powertools fails the invocation (Lambda retries the batch)
    with pytest.raises(BatchProcessingError):
        run(processor, fifo_event(INTAKE_ARN, ("all", body("o-1", 1)), ("all", body("o-1", 2))))
    assert ledger(aws) == [("o-1", 1, "ev-o-1-1")]
    monkeypatch.setattr(grouped, "send", real_send)
    # WHEN it is redelivered THEN it is forwarded (the ledger entry was already there)
    failed, metrics = run(processor, fifo_event(INTAKE_ARN, ("all", body("o-1", 1)), ("all", body("o-1", 2))))
    assert failed == [] and metrics == {"DuplicatesIgnored": 1, "TransactionsRecorded": 1}
    assert [m["Attributes"]["MessageDeduplicationId"] for m in drain(aws["sqs"], aws["orders"])] == ["o-1:1", "o-1:2"]


def test_processor_keeps_the_first_transaction_of_a_seq_and_parks_what_it_cannot_group(
    processor: ModuleType, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    failed, metrics = run(
        processor,
        fifo_event(
            INTAKE_ARN,
            ("all", body("o-1", 1, amount=5)),
            ("all", body("o-1", 1, amount=7, event_id="ev-other")),
            ("all", "{not json"),
        ),
    )
    assert failed == [] and metrics == {"TransactionsRecorded": 1, "LedgerConflicts": 1, "EventsRejected": 1}
    assert ledger(aws) == [("o-1", 1, "ev-o-1-1")]
    assert len(drain(aws["sqs"], aws["orders"])) == 1
    (parked,) = drain(aws["sqs"], aws["intake-dlq"])
    assert parked["Body"] == "{not json" and parked["MessageAttributes"]["failureReason"]["StringValue"]


def test_processor_groups_by_a_message_attribute_and_parks_a_message_without_it(
    processor: ModuleType, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GROUP_KEY_JSON_FIELD")
    monkeypatch.setenv("GROUP_KEY_MESSAGE_ATTRIBUTE", "tenant")
    failed, metrics = run(processor, fifo_event(INTAKE_ARN, ("all", body("o-1", 1)), attributes={"tenant": "t-9"}))
    assert failed == [] and metrics == {"TransactionsRecorded": 1}
    assert [m["Attributes"]["MessageGroupId"] for m in drain(aws["sqs"], aws["orders"])] == ["t-9"]
    failed, metrics = run(processor, fifo_event(INTAKE_ARN, ("all", body("o-1", 2))))
    assert failed == [] and metrics == {"EventsRejected": 1}
    (parked,) = drain(aws["sqs"], aws["intake-dlq"])
    assert "message attribute tenant" in parked["MessageAttributes"]["failureReason"]["StringValue"]
    assert ledger(aws) == [("o-1", 1, "ev-o-1-1")]  # the parked one never reached the ledger


# --- consumer ------------------------------------------------------------------------------
def test_consumer_applies_in_order_once_and_rejects_overdrafts_with_a_reason(
    consumer: ModuleType, aws: dict[str, Any]
) -> None:
    event = fifo_event(
        GROUPED_ARN,
        ("o-1", body("o-1", 1, "credit", 500)),
        ("o-2", body("o-2", 1, "debit", 1)),  # overdraws the empty order: rejected, not blocking
        ("o-1", body("o-1", 2, "debit", 200)),
        ("o-2", body("o-2", 2, "credit", 30)),
        ("o-1", body("o-1", 2, "debit", 200)),  # a duplicate
    )
    failed, metrics = run(consumer, event)
    assert failed == []
    assert metrics == {"TransactionsApplied": 3, "TransactionsRejected": 1, "DuplicatesIgnored": 1}
    state = balances(aws)
    assert (state["o-1/state"]["appliedSeq"], state["o-1/state"]["balance"]) == ("2", "300")
    assert (state["o-2/state"]["appliedSeq"], state["o-2/state"]["balance"]) == ("2", "30")
    assert state["o-2/rejection#0000000001"]["reason"] == "overdraft: debit of 1 EUR exceeds the balance of 0"
    # WHEN the whole batch is redelivered THEN nothing changes
    failed, metrics = run(consumer, event)
    assert failed == [] and metrics == {"DuplicatesIgnored": 5} and balances(aws) == state


def test_consumer_refuses_a_gap_holds_its_group_reports_it_and_goes_on_with_other_orders(
    consumer: ModuleType, aws: dict[str, Any]
) -> None:
    # GIVEN o-1 seq 2 is missing; o-2 is complete
    event = fifo_event(
        GROUPED_ARN,
        ("o-1", body("o-1", 1)),
        ("o-1", body("o-1", 3)),
        ("o-2", body("o-2", 1)),
        ("o-1", body("o-1", 4)),
    )
    failed, metrics = run(consumer, event)
    # THEN seq 3 fails and seq 4 waits behind it, untouched; o-2 applies; the gap is counted
    assert failed == ["msg-1", "msg-3"]
    assert metrics == {"TransactionsApplied": 2, "SequenceGaps": 1}
    assert balances(aws)["o-1/state"]["appliedSeq"] == "1"
    # WHEN seq 2 arrives, then 3 and 4 come back THEN all apply in order
    failed, metrics = run(
        consumer, fifo_event(GROUPED_ARN, ("o-1", body("o-1", 2)), ("o-1", body("o-1", 3)), ("o-1", body("o-1", 4)))
    )
    assert failed == [] and metrics == {"TransactionsApplied": 3}
    assert balances(aws)["o-1/state"]["balance"] == "400"


def test_consumer_retries_when_the_order_changed_under_it(
    consumer: ModuleType, aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    balances_table = consumer.dependencies().balances
    real_get = balances_table.get
    from ledger_consumer.core import OrderState

    run(consumer, fifo_event(GROUPED_ARN, ("o-1", body("o-1", 1))))
    # GIVEN a redelivery of seq 1 that reads a stale "nothing applied yet" (a racing poller)
    monkeypatch.setattr(balances_table, "get", lambda order_id: OrderState())
    # THEN its conditional write fails and it is retried (the only record: the invocation fails)
    with pytest.raises(BatchProcessingError):
        run(consumer, fifo_event(GROUPED_ARN, ("o-1", body("o-1", 1))))
    monkeypatch.setattr(balances_table, "get", real_get)
    failed, metrics = run(consumer, fifo_event(GROUPED_ARN, ("o-1", body("o-1", 1))))
    assert failed == [] and metrics == {"DuplicatesIgnored": 1}
    assert balances(aws)["o-1/state"]["balance"] == "100"


def test_consumer_parks_malformed_input_in_its_fifo_dlq(consumer: ModuleType, aws: dict[str, Any]) -> None:
    failed, metrics = run(consumer, fifo_event(GROUPED_ARN, ("o-1", body("o-1", 0))))
    assert failed == [] and metrics == {"EventsRejected": 1}
    (parked,) = drain(aws["sqs"], aws["orders-dlq"])
    assert "seq" in parked["MessageAttributes"]["failureReason"]["StringValue"]
