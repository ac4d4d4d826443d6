"""SNS -> SQS -> sign-up counters. Thin adapter: once per eventId, poison parked with a reason."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from registration_analytics import core
from registration_analytics.adapters import SignUpCounters
from switchyard import idempotency
from switchyard.config import require_env
from switchyard.envelope import Envelope
from switchyard.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def counters() -> SignUpCounters:
    return SignUpCounters(boto3.client("dynamodb"), require_env("SIGNUPS_TABLE_NAME")["SIGNUPS_TABLE_NAME"])


def count_sign_up(event: Envelope) -> idempotency.Outcome:
    return counters().count_once(core.sign_up(event))


consumer = idempotency.EventConsumer(event_type="UserRegistered", effect=count_sign_up)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=consumer.record_handler, processor=processor, context=context
    )
