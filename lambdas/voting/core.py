"""Pure voting rules: what a vote is, when it counts, and how it changes the tallies.

No AWS, no Powertools. The rules:
- one vote per (poll, user); a later submission replaces the earlier one, whatever order SQS
  delivers them in. "Later" is (submittedAtMs, choice): the choice breaks a tie between two
  submissions of the same millisecond, so every consumer reaches the same answer;
- a vote equal to the stored one is a duplicate (SQS redelivery or a client retry) and changes
  nothing, which is what makes the consumer idempotent without an idempotency table;
- a vote for an unknown poll, for a choice the poll does not offer, or received (API Gateway's
  clock, not the caller's) at or after the poll's closing time is rejected with a reason;
- a message that is not a vote at all is malformed: it can never succeed, so it is parked;
- who voted is either the API's caller (IAM access: the signer API Gateway put in message
  attribute callerId, and a body that names a user is malformed) or, behind an API key, which
  identifies no one, the body's userId (VoterIdentity).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

import fastjsonschema

from switchyard.inputs import InvalidInput, decode_json

# What API Gateway validates (modules/platform/voting.tf reads the same file); validated again
# here because a queue accepts messages from anyone allowed to send, not only from the API.
SCHEMA_FILE = Path(__file__).with_name("vote.schema.json")
# Message attributes the API's mapping template adds (modules/queue-load-leveling).
REQUIRED_ATTRIBUTES = ("pollId", "requestId", "receivedAtEpochMs")
CALLER_ATTRIBUTE = "callerId"  # with IAM access: $context.identity.caller of the signed request


class VoterIdentity(Enum):
    CALLER = "caller"  # the request's signer (access_control = "iam"); the body names no user
    BODY = "body"  # the body's userId (access_control = "api_key": nothing authenticates it)


def body_schema(identity: VoterIdentity) -> dict[str, Any]:
    """vote.schema.json, without userId when the caller is the voter (modules/platform/voting.tf
    derives the API's model the same way): a body that names a user is then refused."""
    schema: dict[str, Any] = decode_json(SCHEMA_FILE.read_text(), "vote.schema.json")
    if identity is VoterIdentity.CALLER:
        schema["required"] = [name for name in schema["required"] if name != "userId"]
        schema["properties"] = {k: v for k, v in schema["properties"].items() if k != "userId"}
    return schema


@cache
def _body_validator(identity: VoterIdentity) -> Callable[[Any], Any]:
    return fastjsonschema.compile(body_schema(identity))


class MalformedVote(InvalidInput):
    """A message that can never be counted as sent. `reason` is short, bounded and safe to log."""


@dataclass(frozen=True, slots=True)
class Vote:
    poll_id: str
    user_id: str
    choice: str
    submitted_at_ms: int
    request_id: str
    received_at_ms: int

    @property
    def version(self) -> tuple[int, str]:
        return (self.submitted_at_ms, self.choice)


@dataclass(frozen=True, slots=True)
class StoredVote:
    """The vote that currently counts for a (poll, user)."""

    choice: str
    submitted_at_ms: int

    @property
    def version(self) -> tuple[int, str]:
        return (self.submitted_at_ms, self.choice)


@dataclass(frozen=True, slots=True)
class Poll:
    poll_id: str
    choices: frozenset[str]
    closes_at_ms: int


class Rejection(Enum):
    UNKNOWN_POLL = "UnknownPoll"
    UNKNOWN_CHOICE = "UnknownChoice"
    POLL_CLOSED = "PollClosed"


class Outcome(Enum):
    RECORDED = "VotesRecorded"  # the user's first vote in this poll
    REPLACED = "VotesReplaced"  # a later submission replaced the counted one
    SUPERSEDED = "VotesSuperseded"  # an earlier submission arrived after a later one: ignored
    DUPLICATE = "VotesDuplicate"  # the counted vote again: ignored


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    tally_changes: Mapping[str, int]  # choice -> +1/-1; empty when nothing changes

    @property
    def writes(self) -> bool:
        return self.outcome in (Outcome.RECORDED, Outcome.REPLACED)


def to_epoch_ms(timestamp: str) -> int:
    """Epoch milliseconds of a timestamp the schema's pattern admitted (ISO 8601 with a zone)."""
    try:
        return int(datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        raise MalformedVote(f"submittedAt {timestamp!r} is not a real date and time") from None


def parse_vote(body: str, attributes: Mapping[str, str], identity: VoterIdentity) -> Vote:
    """Build a vote from a queued message: the caller's body plus the API's message attributes."""
    required = REQUIRED_ATTRIBUTES + ((CALLER_ATTRIBUTE,) if identity is VoterIdentity.CALLER else ())
    missing = [name for name in required if not attributes.get(name)]
    if missing:
        raise MalformedVote(f"message attribute(s) {', '.join(missing)} missing: votes must come through the API")
    try:
        data = decode_json(body)
    except InvalidInput as error:
        raise MalformedVote(error.reason) from None
    try:
        _body_validator(identity)(data)
    except fastjsonschema.JsonSchemaValueException as error:
        raise MalformedVote(f"vote invalid: {error.message.replace('data', 'body', 1)}") from None
    try:
        received_at_ms = int(attributes["receivedAtEpochMs"])
    except ValueError:
        raise MalformedVote("message attribute receivedAtEpochMs is not a number") from None
    return Vote(
        poll_id=attributes["pollId"],
        user_id=attributes[CALLER_ATTRIBUTE] if identity is VoterIdentity.CALLER else data["userId"],
        choice=data["choice"],
        submitted_at_ms=to_epoch_ms(data["submittedAt"]),
        request_id=attributes["requestId"],
        received_at_ms=received_at_ms,
    )


def voter_groups(votes: Sequence[Vote], max_voters: int) -> list[list[int]]:
    """Indexes of `votes` in groups of at most `max_voters` voters; a voter's votes stay together
    (so one transaction decides all of a (poll, user)'s votes in the batch)."""
    by_voter: dict[tuple[str, str], list[int]] = {}
    for index, vote in enumerate(votes):
        by_voter.setdefault((vote.poll_id, vote.user_id), []).append(index)
    voters = list(by_voter.values())
    return [
        [index for voter in voters[start : start + max_voters] for index in voter]
        for start in range(0, len(voters), max_voters)
    ]


def rejection(vote: Vote, poll: Poll | None) -> Rejection | None:
    """Why this vote may not count, or None when it may."""
    if poll is None:
        return Rejection.UNKNOWN_POLL
    if vote.choice not in poll.choices:
        return Rejection.UNKNOWN_CHOICE
    if vote.received_at_ms >= poll.closes_at_ms:
        return Rejection.POLL_CLOSED
    return None


def decide_all(votes: Sequence[Vote], current: StoredVote | None) -> tuple[int, list[Decision]]:
    """Decide several votes of one (poll, user) at once, as a batch may hold a re-vote and a redelivery.

    Returns the index of the vote that may be written (the latest) and a decision per vote:
    the latest is decided against the stored vote; each other one is a duplicate of whichever
    wins (same version) or superseded by it.
    """
    latest = max(range(len(votes)), key=lambda i: votes[i].version)
    winner = decide(votes[latest], current)
    counted = votes[latest].version if current is None else max(votes[latest].version, current.version)
    decisions = [
        winner if i == latest else Decision(Outcome.DUPLICATE if vote.version == counted else Outcome.SUPERSEDED, {})
        for i, vote in enumerate(votes)
    ]
    return latest, decisions


def decide(vote: Vote, current: StoredVote | None) -> Decision:
    """What recording `vote` does, given the vote that counts now for the same (poll, user)."""
    if current is None:
        return Decision(Outcome.RECORDED, {vote.choice: 1})
    if vote.version == current.version:
        return Decision(Outcome.DUPLICATE, {})
    if vote.version < current.version:
        return Decision(Outcome.SUPERSEDED, {})
    if vote.choice == current.choice:
        return Decision(Outcome.REPLACED, {})
    return Decision(Outcome.REPLACED, {current.choice: -1, vote.choice: 1})
