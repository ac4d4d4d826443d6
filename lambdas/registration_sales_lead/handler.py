"""SNS (filter plan = "pro") -> SQS -> sales lead, once per user; a non-pro sign-up is parked."""

from __future__ import annotations

import boto3

from registration_sales_lead import core
from registration_sales_lead.adapters import Leads
from switchyard import idempotency, runtime
from switchyard.events import Event, UserRegistered

leads = runtime.lazy(lambda: Leads(boto3.client("dynamodb"), runtime.env("LEADS_TABLE_NAME")))


def open_lead(event: Event[UserRegistered]) -> idempotency.Outcome:
    return leads().open_once(core.lead(event))


consumer = runtime.event_consumer(UserRegistered, open_lead, reject=lambda event: core.why_not_a_lead(event.details))
lambda_handler = consumer.lambda_handler
