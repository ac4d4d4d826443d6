"""SQS -> votes and tallies. Thin adapter: screen each record, then write the batch's votes together.

Each record is screened on its own: malformed messages are parked in the DLQ with their reason,
votes for an unknown poll or choice or after closing are rejected with a reason and a metric;
neither is retried, since retrying cannot fix them. The admissible votes of the batch are then
written together (VoteStore.record_many: one transaction per up to 25 voters, tally changes summed
per choice). A record that fails (a parking error, a transaction that keeps failing) is reported
in batchItemFailures, so SQS retries only it, and redrives it after maxReceiveCount.

Idempotent without an idempotency table: a vote is written only under the condition that the
counted vote of its (poll, user) is the one it was decided against, keyed by (submittedAtMs,
choice); a redelivered message finds its own vote already counted and changes nothing
(VotesDuplicate).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from switchyard.config import require_env
from switchyard.dead_letters import DeadLetterSink
from switchyard.observability import logger, metrics, tracer
from voting import core
from voting.adapters import MAX_VOTES_PER_TRANSACTION, PollDirectory, VoteStore


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


def screen(record: SQSRecord, deps: Dependencies) -> core.Vote | None:
    """The record's vote if it may count; None when it was parked or rejected (both final)."""
    try:
        vote = core.parse_vote(record.body, message_attributes(record))
    except core.MalformedVote as error:
        logger.warning("malformed vote parked", extra={"reason": error.reason, "messageId": record.message_id})
        deps.dead_letters.park(
            record.body, error.reason, source_message_id=record.message_id, source_arn=record.event_source_arn
        )
        metrics.add_metric(name="VotesMalformed", unit=MetricUnit.Count, value=1)
        return None
    rejection = core.rejection(vote, deps.polls.get(vote.poll_id))
    if rejection is not None:
        logger.info(
            "vote rejected", extra={"reason": rejection.value, "pollId": vote.poll_id, "requestId": vote.request_id}
        )
        metrics.add_metric(name="VotesRejected", unit=MetricUnit.Count, value=1)
        metrics.add_metric(name=f"VotesRejected{rejection.value}", unit=MetricUnit.Count, value=1)
        return None
    return vote


def voter_groups(votes: list[tuple[str, core.Vote]]) -> Iterator[list[tuple[str, core.Vote]]]:
    """Split into groups of at most MAX_VOTES_PER_TRANSACTION voters; a voter's votes stay together."""
    groups: dict[tuple[str, str], list[tuple[str, core.Vote]]] = {}
    for message_id, vote in votes:
        groups.setdefault((vote.poll_id, vote.user_id), []).append((message_id, vote))
    voters = list(groups.values())
    for start in range(0, len(voters), MAX_VOTES_PER_TRANSACTION):
        yield [entry for voter in voters[start : start + MAX_VOTES_PER_TRANSACTION] for entry in voter]


@tracer.capture_method
def process(records: list[SQSRecord]) -> list[str]:
    """Handle a batch; returns the message ids to retry."""
    deps = dependencies()
    failed: list[str] = []
    admissible: list[tuple[str, core.Vote]] = []
    for record in records:
        try:
            vote = screen(record, deps)
        except Exception:
            logger.exception("record failed, SQS will retry it", extra={"messageId": record.message_id})
            failed.append(record.message_id)
            continue
        if vote is not None:
            admissible.append((record.message_id, vote))
    outcomes: Counter[core.Outcome] = Counter()
    for group in voter_groups(admissible):
        try:
            outcomes.update(deps.votes.record_many([vote for _, vote in group]))
        except Exception:
            logger.exception("votes not written, SQS will retry them", extra={"messageIds": [m for m, _ in group]})
            failed += [message_id for message_id, _ in group]
    for outcome, count in outcomes.items():
        metrics.add_metric(name=outcome.value, unit=MetricUnit.Count, value=count)
    return failed


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    # Votes are written a batch at a time, so Powertools' per-record BatchProcessor does not fit;
    # the answer has the same shape (ReportBatchItemFailures).
    failed = process([SQSRecord(raw) for raw in event["Records"]])
    return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}
