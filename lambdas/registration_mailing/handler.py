"""SNS -> SQS -> welcome email in the outbox, once per user (conditional put on the outbox id)."""

from __future__ import annotations

import boto3

from registration_mailing import core
from registration_mailing.adapters import Outbox
from switchyard import idempotency, runtime
from switchyard.events import Event, UserRegistered

outbox = runtime.lazy(lambda: Outbox(boto3.client("dynamodb"), runtime.env("OUTBOX_TABLE_NAME")))


def enqueue_welcome_email(event: Event[UserRegistered]) -> idempotency.Outcome:
    return outbox().enqueue_once(core.welcome_email(event))


consumer = runtime.event_consumer(UserRegistered, enqueue_welcome_email)
lambda_handler = consumer.lambda_handler
