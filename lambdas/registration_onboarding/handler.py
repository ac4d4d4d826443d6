"""SNS -> SQS -> starter workspace, once per user (conditional put on the user id)."""

from __future__ import annotations

import boto3

from registration_onboarding import core
from registration_onboarding.adapters import Workspaces
from switchyard import idempotency, runtime
from switchyard.events import Event, UserRegistered

workspaces = runtime.lazy(lambda: Workspaces(boto3.client("dynamodb"), runtime.env("WORKSPACES_TABLE_NAME")))


def create_starter_workspace(event: Event[UserRegistered]) -> idempotency.Outcome:
    return workspaces().create_once(core.starter_workspace(event))


consumer = runtime.event_consumer(UserRegistered, create_starter_workspace)
lambda_handler = consumer.lambda_handler
