"""Traffic for the audit workload: valid events, redeliveries and malformed messages.

Sends through the real (emulated) queue, drains it through the deployed mapping, and
accounts for every message: sent = recorded + duplicates ignored + parked in the DLQ.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

from emulation.harness.accounts import SimulatedAccount

NAME = "audit"


def malformed_bodies(run_id: str) -> list[str]:
    """One of each kind of bad input; each carries the run id so a rerun counts only its own."""
    return [
        f"{{not json, run {run_id}",
        json.dumps({"eventType": "AuditNoteRecorded", "run": run_id}),
        json.dumps(
            {
                "eventSource": "ops-console",
                "eventType": "AuditNoteRecorded",
                "eventVersion": 9,
                "eventId": f"{run_id}-bad-version",
                "occurredAt": "2026-11-23T10:00:00Z",
                "eventDetails": {},
            }
        ),
    ]


@dataclass
class AuditResult:
    account_id: str
    sent: int
    unique_valid: int
    duplicates_sent: int
    malformed_sent: int
    recorded_in_table: int
    parked_in_dlq: int
    parked_reasons: dict[str, str]
    metrics: dict[str, float]
    batches: int
    invocations: int

    def summary_lines(self) -> list[str]:
        lines = [
            f"sent {self.sent} messages ({self.unique_valid} events, {self.duplicates_sent} redelivered, "
            f"{self.malformed_sent} malformed) in {self.batches} batches",
            f"{self.recorded_in_table} recorded once, {self.parked_in_dlq} parked in the DLQ; "
            f"metrics {dict(sorted(self.metrics.items()))}",
        ]
        lines += [f"parked {body!r}: {reason}" for body, reason in sorted(self.parked_reasons.items())]
        return lines

    @property
    def accounted(self) -> bool:
        return (
            self.recorded_in_table == self.unique_valid
            and self.parked_in_dlq == self.malformed_sent
            and self.metrics.get("EventsRecorded", 0) == self.unique_valid
            and self.metrics.get("DuplicatesIgnored", 0) == self.duplicates_sent
            and self.metrics.get("EventsRejected", 0) == self.malformed_sent
        )


def envelope(event_id: str, account_id: str, i: int) -> str:
    return json.dumps(
        {
            "eventSource": "switchyard-demo",
            "eventType": "AuditNoteRecorded",
            "eventVersion": 1,
            "eventId": event_id,
            "occurredAt": "2026-11-23T10:00:00.000Z",
            "eventDetails": {"actor": f"operator-{i % 7}", "note": f"note {i} for account {account_id}"},
        }
    )


def _send_all(sqs: Any, queue_url: str, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        chunk = bodies[start : start + 10]
        response = sqs.send_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": str(i), "MessageBody": body} for i, body in enumerate(chunk)]
        )
        if response.get("Failed"):
            raise RuntimeError(f"send_message_batch failed: {response['Failed']}")


def collect_parked(sqs: Any, dlq_url: str, run_id: str) -> list[dict[str, Any]]:
    """Take this run's messages out of the DLQ (others stay), so the DLQ is read exactly once."""
    parked = []
    while messages := sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    ):
        for message in messages:
            if run_id in message["Body"]:
                parked.append(message)
                sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
    return parked


def run(account: SimulatedAccount, outputs: dict[str, Any], *, events: int = 200, seed: int = 7) -> AuditResult:
    rng = random.Random(seed)
    run_id = uuid.uuid4().hex[:12]
    audit = outputs["audit"]
    ids = [f"{run_id}-{i:06d}" for i in range(events)]
    bodies = [envelope(event_id, account.account_id, i) for i, event_id in enumerate(ids)]
    duplicates = [bodies[i] for i in rng.sample(range(events), k=max(1, events // 20))]
    malformed = malformed_bodies(run_id)
    all_bodies = bodies + duplicates + malformed
    rng.shuffle(all_bodies)
    sqs = account.client("sqs")
    _send_all(sqs, audit["queue_url"], all_bodies)

    (player,) = account.sqs_players(audit["function_name"])
    player.drain()

    dynamodb = account.client("dynamodb")
    recorded = sum(
        page["Count"]
        for page in dynamodb.get_paginator("scan").paginate(
            TableName=audit["table_name"],
            Select="COUNT",
            FilterExpression="begins_with(eventId, :run)",
            ExpressionAttributeValues={":run": {"S": run_id}},
        )
    )
    parked = collect_parked(sqs, audit["dlq_url"], run_id)
    return AuditResult(
        account_id=account.account_id,
        sent=len(all_bodies),
        unique_valid=events,
        duplicates_sent=len(duplicates),
        malformed_sent=len(malformed),
        recorded_in_table=recorded,
        parked_in_dlq=len(parked),
        parked_reasons={
            m["Body"][:40]: m.get("MessageAttributes", {}).get("failureReason", {}).get("StringValue", "<redriven>")
            for m in parked
        },
        metrics=player.environment.logs.metric_totals(),
        batches=player.stats.batches,
        invocations=player.environment.invocations,
    )
