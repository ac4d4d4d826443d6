"""DynamoDB access for voting. boto3 clients are injected, so tests and the bench pass their own.

Tallies stay exact without read-modify-write: the vote item and the tally counters change in
one TransactWriteItems whose condition is "the counted vote is still the one I decided
against". If another consumer got there first, the transaction is cancelled, nothing is
written, and the vote is decided again against what is stored now.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

from voting.core import Decision, Outcome, Poll, StoredVote, Vote, decide

MAX_ATTEMPTS = 8  # then the record fails and SQS retries it later (and redrives after maxReceiveCount)
RETRYABLE_CANCELLATIONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})


class VoteContention(RuntimeError):
    """The vote could not be written after MAX_ATTEMPTS: a transient failure, retried by SQS."""


class PollDirectory:
    """Reads poll definitions; known polls are cached for `ttl_seconds` per execution environment."""

    def __init__(
        self,
        dynamodb_client: Any,
        table_name: str,
        *,
        ttl_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._dynamodb = dynamodb_client
        self._table_name = table_name
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[str, tuple[float, Poll]] = {}

    def get(self, poll_id: str) -> Poll | None:
        now = self._clock()
        cached = self._cache.get(poll_id)
        if cached and now - cached[0] < self._ttl:
            return cached[1]
        item = self._dynamodb.get_item(TableName=self._table_name, Key={"pollId": {"S": poll_id}}).get("Item")
        if item is None:
            return None  # not cached: a poll published a moment later is found on the next vote
        poll = Poll(
            poll_id=poll_id, choices=frozenset(item["choices"]["SS"]), closes_at_ms=int(item["closesAtMs"]["N"])
        )
        self._cache[poll_id] = (now, poll)
        return poll


def _stored(item: dict[str, Any] | None) -> StoredVote | None:
    if not item:
        return None
    return StoredVote(choice=item["choice"]["S"], submitted_at_ms=int(item["submittedAtMs"]["N"]))


class VoteStore:
    def __init__(
        self,
        dynamodb_client: Any,
        votes_table: str,
        tallies_table: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._dynamodb = dynamodb_client
        self._votes = votes_table
        self._tallies = tallies_table
        self._sleep = sleep
        self.conflicts = 0

    def current(self, poll_id: str, user_id: str) -> StoredVote | None:
        response = self._dynamodb.get_item(
            TableName=self._votes, Key={"pollId": {"S": poll_id}, "userId": {"S": user_id}}, ConsistentRead=True
        )
        return _stored(response.get("Item"))

    def record(self, vote: Vote) -> Outcome:
        """Count the vote once. Safe to call again with the same vote: it is then a duplicate."""
        # Optimistic start: most votes are a user's first in a poll, so try that without a read.
        # A wrong guess costs nothing: the condition fails and returns the stored vote.
        current: StoredVote | None = None
        for attempt in range(MAX_ATTEMPTS):
            decision = decide(vote, current)
            if not decision.writes:
                return decision.outcome
            try:
                self._dynamodb.transact_write_items(TransactItems=self._transaction(vote, current, decision))
            except self._dynamodb.exceptions.TransactionCanceledException as error:
                reasons = error.response.get("CancellationReasons") or [{}]
                code = reasons[0].get("Code")
                self.conflicts += 1
                if code == "ConditionalCheckFailed":
                    # The counted vote is not what we decided against: decide again against it.
                    item = reasons[0].get("Item")
                    current = _stored(item) if item else self.current(vote.poll_id, vote.user_id)
                    continue
                if not any(r.get("Code") in RETRYABLE_CANCELLATIONS for r in reasons):
                    raise
                self._sleep(min(0.05 * 2**attempt, 1.0) * random.random())  # noqa: S311 - jitter, not crypto
                current = self.current(vote.poll_id, vote.user_id)
                continue
            return decision.outcome
        raise VoteContention(f"vote {vote.request_id} not written after {MAX_ATTEMPTS} attempts")

    def _transaction(self, vote: Vote, current: StoredVote | None, decision: Decision) -> list[dict[str, Any]]:
        put: dict[str, Any] = {
            "TableName": self._votes,
            "Item": {
                "pollId": {"S": vote.poll_id},
                "userId": {"S": vote.user_id},
                "choice": {"S": vote.choice},
                "submittedAtMs": {"N": str(vote.submitted_at_ms)},
                "requestId": {"S": vote.request_id},
                "receivedAtMs": {"N": str(vote.received_at_ms)},
            },
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
        if current is None:
            put["ConditionExpression"] = "attribute_not_exists(userId)"
        else:
            put["ConditionExpression"] = "choice = :counted_choice AND submittedAtMs = :counted_at"
            put["ExpressionAttributeValues"] = {
                ":counted_choice": {"S": current.choice},
                ":counted_at": {"N": str(current.submitted_at_ms)},
            }
        items: list[dict[str, Any]] = [{"Put": put}]
        for choice, delta in sorted(decision.tally_changes.items()):
            items.append(
                {
                    "Update": {
                        "TableName": self._tallies,
                        "Key": {"pollId": {"S": vote.poll_id}, "choice": {"S": choice}},
                        "UpdateExpression": "ADD votes :delta",
                        "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
                    }
                }
            )
        return items
