"""Report intake (SQS) -> classification -> AccountDeactivationRequested on the ban topic.

A redelivered report publishes the same event again (same eventId, occurredAt and details): the
account-management consumer's rule (a ban only ever extends) makes the second one change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from bans_classifier import core
from bans_classifier.adapters import BanTopic, Reports
from switchyard import runtime
from switchyard.config import require_env
from switchyard.envelope import new_event
from switchyard.events import AccountDeactivationRequested, Event, PostReported, parse_as


@dataclass(frozen=True)
class Dependencies:
    reports: Reports
    topic: BanTopic


@runtime.lazy
def dependencies() -> Dependencies:
    config = require_env("REPORTS_TABLE_NAME", "BAN_TOPIC_ARN")
    return Dependencies(
        Reports(boto3.client("dynamodb"), config["REPORTS_TABLE_NAME"]),
        BanTopic(boto3.client("sns"), config["BAN_TOPIC_ARN"]),
    )


def classify(event: Event[PostReported]) -> str:
    report = event.details
    if core.is_self_report(report):
        return "ReportsDismissed"
    reported_at = core.epoch(event.envelope.occurred_at)
    ban = core.by_blocklist(report, core.datetime.fromtimestamp(reported_at, core.UTC))
    if ban is None:
        deps = dependencies()
        deps.reports.record(report.author_id, report.reporter_id, reported_at)
        ban = core.by_threshold(report, *deps.reports.reporters(report.author_id))
    if ban is None:
        return "ReportsDismissed"
    dependencies().topic.publish(
        new_event(
            core.EVENT_SOURCE,
            AccountDeactivationRequested.EVENT_TYPE,
            {"accountId": ban.account_id, "reason": ban.reason, "banDurationSeconds": ban.duration_seconds},
            event_id=ban.event_id,
            occurred_at=ban.occurred_at,
        )
    )
    return "BansRequested"


consumer = runtime.Consumer(
    runtime.SQS,
    decode=lambda record: parse_as(PostReported, record.body),
    effect=runtime.one_by_one(classify),
)
lambda_handler = consumer.lambda_handler
