"""SQS -> audit log. Thin adapter: parse, validate, store; bad events go to the DLQ with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from audit import core
from audit.adapters import AuditLog
from switchyard import envelope
from switchyard.config import require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)


@dataclass(frozen=True)
class Dependencies:
    audit_log: AuditLog
    dead_letters: DeadLetterSink


@cache
def dependencies() -> Dependencies:
    # Built on first invocation, not at import, so a missing variable is a clear error.
    config = require_env("AUDIT_TABLE_NAME", "DEAD_LETTER_QUEUE_URL")
    return Dependencies(
        audit_log=AuditLog(boto3.client("dynamodb"), config["AUDIT_TABLE_NAME"]),
        dead_letters=DeadLetterSink(boto3.client("sqs"), config["DEAD_LETTER_QUEUE_URL"]),
    )


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    deps = dependencies()
    try:
        event = envelope.parse(record.body)
    except envelope.EventValidationError as error:
        logger.warning("rejected event", extra={"reason": error.reason, "messageId": record.message_id})
        deps.dead_letters.park(
            record.body, error.reason, source_message_id=record.message_id, source_arn=record.event_source_arn
        )
        metrics.add_metric(name="EventsRejected", unit=MetricUnit.Count, value=1)
        return
    entry = core.audit_entry(event, received_at_ms=int(record.attributes.sent_timestamp))
    if deps.audit_log.record(entry):
        metrics.add_metric(name="EventsRecorded", unit=MetricUnit.Count, value=1)
    else:
        metrics.add_metric(name="DuplicatesIgnored", unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
