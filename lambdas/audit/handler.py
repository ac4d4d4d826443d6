"""SQS -> audit log: every valid Switchyard event once (conditional put on eventId), poison parked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import boto3
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from audit import core
from audit.adapters import AuditLog
from switchyard import envelope, runtime
from switchyard.config import require_env
from switchyard.dead_letters import DeadLetterSink


@dataclass(frozen=True)
class Dependencies:
    audit_log: AuditLog
    dead_letters: DeadLetterSink


@runtime.lazy
def dependencies() -> Dependencies:
    config = require_env("AUDIT_TABLE_NAME", "DEAD_LETTER_QUEUE_URL")
    return Dependencies(
        audit_log=AuditLog(boto3.client("dynamodb"), config["AUDIT_TABLE_NAME"]),
        dead_letters=DeadLetterSink(boto3.client("sqs"), config["DEAD_LETTER_QUEUE_URL"]),
    )


def entry(record: SQSRecord) -> core.AuditEntry:
    return core.audit_entry(envelope.parse(record.body), received_at_ms=int(record.attributes.sent_timestamp))


def record_entries(entries: Sequence[core.AuditEntry]) -> list[str]:
    return ["EventsRecorded" if dependencies().audit_log.record(e) else "DuplicatesIgnored" for e in entries]


consumer = runtime.Consumer(
    runtime.SQS, decode=entry, effect=record_entries, dead_letters=lambda: dependencies().dead_letters
)
lambda_handler = consumer.lambda_handler
