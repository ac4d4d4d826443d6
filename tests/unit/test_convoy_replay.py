"""The convoy replay command against moto: one group or all, in seq order, refusing while the
grouped queue holds messages, parked messages never replayed, safe to run twice."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from tests.conftest import REGION
from tools import convoy_replay


def body(order: str, seq: int) -> str:
    return json.dumps({"eventType": "LedgerTransactionSubmitted", "eventDetails": {"orderId": order, "seq": seq}})


@pytest.fixture
def queues(mocked_aws: None) -> tuple[Any, str, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="swy-test-ledger-groups.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    dlq = sqs.create_queue(QueueName="swy-test-ledger-groups-dlq.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    return sqs, queue, dlq


def put(sqs: Any, dlq: str, group: str, seq: int, **attributes: str) -> None:
    sqs.send_message(
        QueueUrl=dlq,
        MessageBody=body(group, seq),
        MessageGroupId=group,
        MessageDeduplicationId=f"{group}:{seq}",
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def drain(sqs: Any, url: str) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get("Messages"):
        for m in messages:
            seen.append((m["Attributes"]["MessageGroupId"], json.loads(m["Body"])["eventDetails"]["seq"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return seen


def test_replays_one_group_in_seq_order_and_leaves_the_rest(queues: tuple[Any, str, str]) -> None:
    sqs, queue, dlq = queues
    # GIVEN o-1 parked 12 messages (more than one receive), one of them out of order; o-2 two;
    # and a malformed message the consumer parked with a reason
    for seq in [3, 4, 6, 5, *range(7, 15)]:
        put(sqs, dlq, "o-1", seq)
    put(sqs, dlq, "o-2", 2)
    put(sqs, dlq, "o-2", 3)
    put(sqs, dlq, "parked", 1, failureReason="seq must be >= 1")
    # WHEN o-1 is replayed
    report = convoy_replay.replay(sqs, dlq, queue, ["o-1"])
    # THEN its messages are on the grouped queue in seq order, the others still in the DLQ
    assert report.moved == {"o-1": list(range(3, 15))} and report.other_groups >= 1 and report.parked == 1
    assert report.received["o-1"][:4] == [3, 4, 6, 5]  # as the DLQ held them
    assert drain(sqs, queue) == [("o-1", s) for s in range(3, 15)]
    assert sorted(drain(sqs, dlq)) == [("o-2", 2), ("o-2", 3), ("parked", 1)]


def test_running_twice_moves_nothing_new_and_all_never_replays_parked(queues: tuple[Any, str, str]) -> None:
    sqs, queue, dlq = queues
    for seq in (2, 3):
        put(sqs, dlq, "o-2", seq)
    put(sqs, dlq, "parked", 1, failureReason="not JSON")
    assert convoy_replay.replay(sqs, dlq, queue, None).moved == {"o-2": [2, 3]}
    assert drain(sqs, queue) == [("o-2", 2), ("o-2", 3)]
    again = convoy_replay.replay(sqs, dlq, queue, None)
    assert again.moved == {} and again.parked == 1
    assert drain(sqs, queue) == []


def test_refuses_while_the_grouped_queue_holds_messages(
    queues: tuple[Any, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    sqs, queue, dlq = queues
    put(sqs, dlq, "o-1", 2)
    sqs.send_message(QueueUrl=queue, MessageBody=body("o-1", 3), MessageGroupId="o-1", MessageDeduplicationId="x")
    with pytest.raises(SystemExit) as exited:
        convoy_replay.main(["--dlq-url", dlq, "--queue-url", queue, "--group", "o-1"], sqs=sqs)
    assert exited.value.code == convoy_replay.REFUSED
    assert "still holds messages" in capsys.readouterr().err
    assert drain(sqs, dlq) == [("o-1", 2)]  # nothing moved


def test_dry_run_reports_and_moves_nothing(queues: tuple[Any, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    sqs, queue, dlq = queues
    for seq in (5, 6):
        put(sqs, dlq, "o-3", seq)
    with pytest.raises(SystemExit) as exited:
        convoy_replay.main(["--dlq-url", dlq, "--queue-url", queue, "--all", "--dry-run"], sqs=sqs)
    assert exited.value.code == 0
    assert "o-3: 2 message(s), seq 5..6" in capsys.readouterr().out
    assert drain(sqs, queue) == [] and drain(sqs, dlq) == [("o-3", 5), ("o-3", 6)]
