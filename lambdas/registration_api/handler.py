"""Sign-up -> UserRegistered on the registration topic. Invoked directly (or behind an API).

Returns {"accepted": true, "userId", "eventId", "event"} (the published envelope, for the
caller's correlation) or {"accepted": false, "errors": [...]}: a bad request is the caller's to
fix, so it is answered, not raised. Publishing errors raise.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from registration_api import core
from registration_api.adapters import TopicPublisher
from switchyard.config import require_env
from switchyard.observability import logger, metrics, tracer


@cache
def publisher() -> TopicPublisher:
    return TopicPublisher(boto3.client("sns"), require_env("TOPIC_ARN")["TOPIC_ARN"])


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        registration = core.validate(event)
    except core.InvalidRegistrationError as error:
        logger.info("registration refused", extra={"errors": error.errors})
        metrics.add_metric(name="RegistrationsRefused", unit=MetricUnit.Count, value=1)
        return {"accepted": False, "errors": error.errors}
    registered = core.user_registered(registration)
    message_id = publisher().publish(registered, core.message_attributes(registered))
    logger.info("user registered", extra={"eventId": registered.event_id, "messageId": message_id})
    metrics.add_metric(name="UsersRegistered", unit=MetricUnit.Count, value=1)
    return {
        "accepted": True,
        "userId": registration.user_id,
        "eventId": registered.event_id,
        "event": registered.to_dict(),
    }
