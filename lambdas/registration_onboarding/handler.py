"""SNS -> SQS -> starter workspace. Thin adapter: once per eventId, poison parked with a reason."""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.typing import LambdaContext

from registration_onboarding import core
from registration_onboarding.adapters import Workspaces
from switchyard import idempotency
from switchyard.config import require_env
from switchyard.envelope import Envelope
from switchyard.observability import logger, metrics, tracer

processor = BatchProcessor(event_type=EventType.SQS)


@cache
def workspaces() -> Workspaces:
    return Workspaces(boto3.client("dynamodb"), require_env("WORKSPACES_TABLE_NAME")["WORKSPACES_TABLE_NAME"])


def create_starter_workspace(event: Envelope) -> idempotency.Outcome:
    return workspaces().create_once(core.starter_workspace(event))


consumer = idempotency.EventConsumer(event_type="UserRegistered", effect=create_starter_workspace)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    idempotency.register_lambda_context(context)
    return process_partial_response(
        event=event, record_handler=consumer.record_handler, processor=processor, context=context
    )
