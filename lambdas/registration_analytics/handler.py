"""SNS -> SQS -> sign-up counters: each user counted once (marker + counter in one transaction)."""

from __future__ import annotations

import boto3

from registration_analytics import core
from registration_analytics.adapters import SignUpCounters
from switchyard import idempotency, runtime
from switchyard.events import Event, UserRegistered

counters = runtime.lazy(lambda: SignUpCounters(boto3.client("dynamodb"), runtime.env("SIGNUPS_TABLE_NAME")))


def count_sign_up(event: Event[UserRegistered]) -> idempotency.Outcome:
    return counters().count_once(core.sign_up(event.details))


consumer = runtime.event_consumer(UserRegistered, count_sign_up)
lambda_handler = consumer.lambda_handler
