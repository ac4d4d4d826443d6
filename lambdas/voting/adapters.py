"""DynamoDB access for voting. boto3 clients are injected, so tests and the bench pass their own.

Tallies stay exact without read-modify-write: the vote items and the tally counters change in
one TransactWriteItems whose conditions say "the counted vote of each (poll, user) is still the
one I decided against". If another consumer got there first, the transaction is cancelled,
nothing is written, and the affected votes are decided again against what is stored now.

A batch's votes go in one transaction (up to MAX_VOTES_PER_TRANSACTION), with the tally changes
summed per (poll, choice): one write per hot counter per batch instead of one per vote, and one
round trip instead of ten.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from voting.core import Outcome, Poll, StoredVote, Vote, decide_all

MAX_ATTEMPTS = 8  # then the votes fail and SQS retries them later (and redrives after maxReceiveCount)
MAX_VOTES_PER_TRANSACTION = 25  # each vote is one Put, tallies at most two Updates: within the 100-item limit
RETRYABLE_CANCELLATIONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})

Key = tuple[str, str]  # (pollId, userId)


class VoteContention(RuntimeError):
    """The votes could not be written after MAX_ATTEMPTS: a transient failure, retried by SQS."""


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
        return self.record_many([vote])[0]

    def record_many(self, votes: Sequence[Vote]) -> list[Outcome]:
        """Count each vote once; returns an outcome per vote. Safe to repeat: repeats are duplicates."""
        if len({(v.poll_id, v.user_id) for v in votes}) > MAX_VOTES_PER_TRANSACTION:
            raise ValueError(f"at most {MAX_VOTES_PER_TRANSACTION} voters per call")
        by_key: dict[Key, list[int]] = {}
        for index, vote in enumerate(votes):
            by_key.setdefault((vote.poll_id, vote.user_id), []).append(index)
        # Optimistic start: most votes are a user's first in a poll, so assume that without a
        # read. A wrong guess costs nothing: its condition fails and returns the stored vote.
        current: dict[Key, StoredVote | None] = dict.fromkeys(by_key)
        for attempt in range(MAX_ATTEMPTS):
            outcomes: list[Outcome] = [Outcome.DUPLICATE] * len(votes)
            writes: list[tuple[Vote, StoredVote | None]] = []
            tallies: Counter[tuple[str, str]] = Counter()
            for key, indexes in by_key.items():
                latest, decisions = decide_all([votes[i] for i in indexes], current[key])
                for i, decision in zip(indexes, decisions, strict=True):
                    outcomes[i] = decision.outcome
                if decisions[latest].writes:
                    writes.append((votes[indexes[latest]], current[key]))
                    for choice, delta in decisions[latest].tally_changes.items():
                        tallies[(key[0], choice)] += delta
            if not writes:
                return outcomes
            try:
                self._dynamodb.transact_write_items(TransactItems=self._transaction(writes, tallies))
            except self._dynamodb.exceptions.TransactionCanceledException as error:
                self.conflicts += 1
                reasons = error.response.get("CancellationReasons") or []
                stale = [
                    (w, r) for w, r in zip(writes, reasons, strict=False) if r.get("Code") == "ConditionalCheckFailed"
                ]
                if stale:
                    # Those counted votes are not what we decided against: decide again against them.
                    for (vote, _), reason in stale:
                        item = reason.get("Item")
                        key = (vote.poll_id, vote.user_id)
                        current[key] = _stored(item) if item else self.current(*key)
                    continue
                if not any(r.get("Code") in RETRYABLE_CANCELLATIONS for r in reasons):
                    raise
                self._sleep(min(0.05 * 2**attempt, 1.0) * random.random())  # noqa: S311 - jitter, not crypto
                continue
            return outcomes
        raise VoteContention(f"{len(votes)} vote(s) not written after {MAX_ATTEMPTS} attempts")

    def _transaction(
        self, writes: list[tuple[Vote, StoredVote | None]], tallies: Counter[tuple[str, str]]
    ) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for vote, counted in writes:  # Puts first: CancellationReasons line up with `writes`
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
            if counted is None:
                put["ConditionExpression"] = "attribute_not_exists(userId)"
            else:
                put["ConditionExpression"] = "choice = :counted_choice AND submittedAtMs = :counted_at"
                put["ExpressionAttributeValues"] = {
                    ":counted_choice": {"S": counted.choice},
                    ":counted_at": {"N": str(counted.submitted_at_ms)},
                }
            items.append({"Put": put})
        for (poll_id, choice), delta in sorted(tallies.items()):
            if delta:
                items.append(
                    {
                        "Update": {
                            "TableName": self._tallies,
                            "Key": {"pollId": {"S": poll_id}, "choice": {"S": choice}},
                            "UpdateExpression": "ADD votes :delta",
                            "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
                        }
                    }
                )
        return items
