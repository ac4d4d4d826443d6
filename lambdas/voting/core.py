"""Pure voting rules: what a vote is, when it counts, and how it changes the tallies.

No AWS, no Powertools. The rules:
- one vote per (poll, user); a later submission replaces the earlier one, whatever order SQS
  delivers them in. "Later" is (submittedAtMs, choice): the choice breaks a tie between two
  submissions of the same millisecond, so every consumer reaches the same answer;
- a vote equal to the stored one is a duplicate (SQS redelivery or a client retry) and changes
  nothing, which is what makes the consumer idempotent without an idempotency table;
- a vote for an unknown poll, for a choice the poll does not offer, or received (API Gateway's
  clock, not the caller's) at or after the poll's closing time is rejected with a reason;
- a message that is not a vote at all is malformed: it can never succeed, so it is parked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

# Mirrors vote.schema.json (what API Gateway validates); checked again here because a queue
# accepts messages from anyone allowed to send, not only from the API.
USER_ID = re.compile(r"^[A-Za-z0-9._:@-]{1,128}$")
SUBMITTED_AT = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
FIELDS = frozenset({"userId", "choice", "submittedAt"})
# Message attributes the API's mapping template adds (modules/queue-load-leveling).
REQUIRED_ATTRIBUTES = ("pollId", "requestId", "receivedAtEpochMs")


class MalformedVote(ValueError):
    """A message that can never be counted as sent. `reason` is short and safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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
    if not SUBMITTED_AT.match(timestamp):
        raise MalformedVote("submittedAt must be ISO 8601 with a zone, for example 2026-11-23T10:00:00.000Z")
    try:
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        raise MalformedVote(f"submittedAt {timestamp!r} is not a real date and time") from None
    return int(moment.timestamp() * 1000)


def parse_vote(body: str, attributes: Mapping[str, str]) -> Vote:
    """Build a vote from a queued message: the caller's body plus the API's message attributes."""
    missing = [name for name in REQUIRED_ATTRIBUTES if not attributes.get(name)]
    if missing:
        raise MalformedVote(f"message attribute(s) {', '.join(missing)} missing: votes must come through the API")
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise MalformedVote("body is not JSON") from None
    if not isinstance(data, dict):
        raise MalformedVote("body must be a JSON object with userId, choice and submittedAt")
    if missing_fields := sorted(FIELDS - data.keys()):
        raise MalformedVote(f"body lacks {', '.join(missing_fields)}")
    if extra := sorted(data.keys() - FIELDS):
        raise MalformedVote(f"body has unexpected field(s) {', '.join(extra)}")
    user_id, choice, submitted_at = data["userId"], data["choice"], data["submittedAt"]
    if not isinstance(user_id, str) or not USER_ID.match(user_id):
        raise MalformedVote("userId must be 1-128 letters, digits or ._:@-")
    if not isinstance(choice, str) or not 1 <= len(choice) <= 64:
        raise MalformedVote("choice must be a string of 1-64 characters")
    if not isinstance(submitted_at, str):
        raise MalformedVote("submittedAt must be a string")
    try:
        received_at_ms = int(attributes["receivedAtEpochMs"])
    except ValueError:
        raise MalformedVote("message attribute receivedAtEpochMs is not a number") from None
    return Vote(
        poll_id=attributes["pollId"],
        user_id=user_id,
        choice=choice,
        submitted_at_ms=to_epoch_ms(submitted_at),
        request_id=attributes["requestId"],
        received_at_ms=received_at_ms,
    )


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
