"""SQS -> votes and tallies: screen each record, then write the batch's votes together.

The voter is the request's signer (VOTER_IDENTITY=caller: message attribute callerId, set by
the API with IAM access) or, behind an API key, the body's userId (VOTER_IDENTITY=body).
Malformed messages (not a vote by vote.schema.json, or without the API's attributes) are parked
in the DLQ with their reason (VotesMalformed); votes for an unknown poll or choice or after
closing are refused with a reason and a metric (VotesRejected*), not parked; neither is retried.
The admissible votes are written in groups of up to 25 voters (VoteStore.record_many: one
transaction, tally changes summed per choice); a group that keeps failing is reported in
batchItemFailures, so SQS retries only its records, and redrives them after maxReceiveCount.

Idempotent without an idempotency table: a vote is written only under the condition that the
counted vote of its (poll, user) is the one it was decided against; a redelivered message finds
its own vote counted and changes nothing (VotesDuplicate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import boto3
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from switchyard import runtime
from switchyard.config import ConfigurationError, require_env
from switchyard.dead_letters import DeadLetterSink
from voting import core
from voting.adapters import MAX_VOTES_PER_TRANSACTION, PollDirectory, VoteStore


@dataclass(frozen=True)
class Dependencies:
    polls: PollDirectory
    votes: VoteStore
    dead_letters: DeadLetterSink


@runtime.lazy
def dependencies() -> Dependencies:
    config = require_env("POLLS_TABLE_NAME", "VOTES_TABLE_NAME", "TALLIES_TABLE_NAME", "DEAD_LETTER_QUEUE_URL")
    dynamodb = boto3.client("dynamodb")
    return Dependencies(
        polls=PollDirectory(dynamodb, config["POLLS_TABLE_NAME"]),
        votes=VoteStore(dynamodb, config["VOTES_TABLE_NAME"], config["TALLIES_TABLE_NAME"]),
        dead_letters=DeadLetterSink(boto3.client("sqs"), config["DEAD_LETTER_QUEUE_URL"]),
    )


@runtime.lazy
def voter_identity() -> core.VoterIdentity:
    value = require_env("VOTER_IDENTITY")["VOTER_IDENTITY"]
    try:
        return core.VoterIdentity(value)
    except ValueError:
        raise ConfigurationError(f"VOTER_IDENTITY must be caller or body, not {value!r}") from None


def vote(record: SQSRecord) -> core.Vote:
    return core.parse_vote(record.body, runtime.string_attributes(record), voter_identity())


def refusal(candidate: core.Vote) -> runtime.Refusal | None:
    rejection = core.rejection(candidate, dependencies().polls.get(candidate.poll_id))
    if rejection is None:
        return None
    return runtime.Refusal(rejection.value, ("VotesRejected", f"VotesRejected{rejection.value}"), park=False)


def record_votes(votes: Sequence[core.Vote]) -> list[str]:
    return [outcome.value for outcome in dependencies().votes.record_many(votes)]


consumer = runtime.Consumer(
    runtime.SQS,
    decode=vote,
    screen=refusal,
    effect=record_votes,
    groups=lambda votes: core.voter_groups(votes, MAX_VOTES_PER_TRANSACTION),
    dead_letters=lambda: dependencies().dead_letters,
    malformed_metric="VotesMalformed",
)
lambda_handler = consumer.lambda_handler
