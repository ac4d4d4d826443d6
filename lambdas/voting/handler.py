"""SQS -> votes and tallies. Thin adapter: parse, check the poll, record; bad messages are parked.

Idempotent without an idempotency table: recording a vote is a conditional transaction on the
(poll, user) item keyed by (submittedAtMs, choice), so a redelivered message finds its own vote
already counted and changes nothing (VotesDuplicate).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from switchyard.config import require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.observability import logger, metrics, tracer
from voting import core
from voting.adapters import PollDirectory, VoteStore

processor = BatchProcessor(event_type=EventType.SQS)


@dataclass(frozen=True)
class Dependencies:
    polls: PollDirectory
    votes: VoteStore
    dead_letters: DeadLetterSink


@cache
def dependencies() -> Dependencies:
    # Built on first invocation, not at import, so a missing variable is a clear error.
    config = require_env("POLLS_TABLE_NAME", "VOTES_TABLE_NAME", "TALLIES_TABLE_NAME", "DEAD_LETTER_QUEUE_URL")
    dynamodb = boto3.client("dynamodb")
    return Dependencies(
        polls=PollDirectory(dynamodb, config["POLLS_TABLE_NAME"]),
        votes=VoteStore(dynamodb, config["VOTES_TABLE_NAME"], config["TALLIES_TABLE_NAME"]),
        dead_letters=DeadLetterSink(boto3.client("sqs"), config["DEAD_LETTER_QUEUE_URL"]),
    )


def message_attributes(record: SQSRecord) -> dict[str, str]:
    raw = record.raw_event.get("messageAttributes") or {}
    return {name: value.get("stringValue") or "" for name, value in raw.items()}


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    deps = dependencies()
    try:
        vote = core.parse_vote(record.body, message_attributes(record))
    except core.MalformedVote as error:
        logger.warning("malformed vote parked", extra={"reason": error.reason, "messageId": record.message_id})
        deps.dead_letters.park(
            record.body, error.reason, source_message_id=record.message_id, source_arn=record.event_source_arn
        )
        metrics.add_metric(name="VotesMalformed", unit=MetricUnit.Count, value=1)
        return
    rejection = core.rejection(vote, deps.polls.get(vote.poll_id))
    if rejection is not None:
        # Final: retrying cannot make the poll exist, the choice valid or the poll open again.
        logger.info(
            "vote rejected",
            extra={"reason": rejection.value, "pollId": vote.poll_id, "requestId": vote.request_id},
        )
        metrics.add_metric(name="VotesRejected", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name=f"VotesRejected{rejection.value}", unit=MetricUnit.Count, value=1)
        return
    outcome = deps.votes.record(vote)  # VoteContention propagates: SQS retries this record later
    metrics.add_metric(name=outcome.value, unit=MetricUnit.Count, value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)
