"""POST sign-up (API Gateway proxy: REST or HTTP API) -> UserRegistered on the registration topic.

Answers 201 {"userId", "eventId", "event"} (the published envelope, for the caller's
correlation), 400 {"errors": [...]} for a request that can never be accepted (bounded messages:
input is not echoed), 405 for another method, and 503 when the topic cannot be reached (retry).
No input makes it fail: the request is validated with the same checks the consumers apply, so
what is published is what they accept.
"""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from registration_api import core
from registration_api.adapters import TopicPublisher
from switchyard import http, runtime
from switchyard.inputs import InvalidInput
from switchyard.observability import logger, metrics, tracer

publisher = runtime.lazy(lambda: TopicPublisher(boto3.client("sns"), runtime.env("TOPIC_ARN")))


def refused(errors: list[str], status: int = 400) -> dict[str, Any]:
    logger.info("registration refused", extra={"errors": errors})
    metrics.add_metric(name="RegistrationsRefused", unit=MetricUnit.Count, value=1)
    return http.response(status, {"errors": errors}, {"Allow": "POST"} if status == 405 else None)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    try:
        registration = core.validate(http.request_json(event))
        registered = core.user_registered(registration)
    except core.InvalidRegistrationError as error:
        return refused(error.errors)
    except http.MethodNotAllowed as error:
        return refused([error.reason], 405)
    except InvalidInput as error:  # not JSON, not a proxy event, or refused by UserRegistered.v1
        return refused([error.reason])
    try:
        message_id = publisher().publish(registered, core.message_attributes(registered))
    except Exception:
        logger.exception("publishing failed", extra={"eventId": registered.event_id})
        return http.response(503, {"errors": ["sign-up could not be accepted now: try again"]}, {"Retry-After": "1"})
    logger.info("user registered", extra={"eventId": registered.event_id, "messageId": message_id})
    metrics.add_metric(name="UsersRegistered", unit=MetricUnit.Count, value=1)
    body = {"userId": registration.user_id, "eventId": registered.event_id, "event": registered.to_dict()}
    return http.response(201, body)
