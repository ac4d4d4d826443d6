"""SNS -> SQS -> welcome email in the outbox. Thin adapter: once per eventId, poison parked with a reason."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from registration_mailing import core
from registration_mailing.adapters import Outbox
from switchyard import idempotency
from switchyard.config import require_env
from switchyard.envelope import Envelope
from switchyard.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def outbox() -> Outbox:
    return Outbox(boto3.client("dynamodb"), require_env("OUTBOX_TABLE_NAME")["OUTBOX_TABLE_NAME"])


def enqueue_welcome_email(event: Envelope) -> idempotency.Outcome:
    return outbox().enqueue_once(core.welcome_email(event))


consumer = idempotency.EventConsumer(event_type="UserRegistered", effect=enqueue_welcome_email)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=consumer.record_handler, processor=processor, context=context
    )
