"""SNS (filter plan = "pro") -> SQS -> sales lead. Thin adapter: once per eventId, poison parked."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from registration_sales_lead import core
from registration_sales_lead.adapters import Leads
from switchyard import idempotency
from switchyard.config import require_env
from switchyard.envelope import Envelope
from switchyard.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def leads() -> Leads:
    return Leads(boto3.client("dynamodb"), require_env("LEADS_TABLE_NAME")["LEADS_TABLE_NAME"])


def open_lead(event: Envelope) -> idempotency.Outcome:
    return leads().open_once(core.lead(event))


consumer = idempotency.EventConsumer(event_type="UserRegistered", effect=open_lead, reject=core.why_not_a_lead)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=consumer.record_handler, processor=processor, context=context
    )
