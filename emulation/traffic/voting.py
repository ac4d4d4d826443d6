"""Traffic for the voting workload, through the deployed API's own templates and model.

Plans a deterministic mix (seeded): first votes, re-votes (10%), client retries of the same
vote (2%), re-votes that reach the API before the vote they replace (1%), malformed requests
(0.5%: half refused by the model with 400, half well-formed JSON with an impossible date that
only the consumer can refuse), votes for an unknown poll or choice, and votes after a poll
closed. Each request is validated against the deployed model and rendered with the deployed
mapping template (emulation.harness.apigateway), queued in the emulated SQS queue, then drained
through the deployed event source mapping. The expected outcome is computed independently, in
memory, from the plan: the winning vote per (poll, user) is its latest admissible submission.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.credentials import Credentials

from emulation.harness.accounts import SimulatedAccount
from emulation.harness.apigateway import Call, DeployedMethod, signed_headers
from emulation.harness.wiring import Harness

NAME = "voting"
SPAN_MS = 120_000  # the simulated voting window: request times fall in [t0, t0 + SPAN_MS)
CHOICES = [
    ["alpha", "beta", "gamma"],
    ["yes", "no"],
    ["red", "green", "blue", "amber"],
    ["north", "south", "east", "west"],
    ["tea", "coffee"],  # the last poll closes during the window
]
SINGLE_REQUESTS = 20  # sent one SendMessage each, exactly as API Gateway does; the rest batched
CHUNK = 250  # requests between two drains of the queue
EDGE_INVALID = [
    "{not json",
    '{"userId":"%s","choice":"yes"}',
    '{"userId":"%s","choice":"yes","submittedAt":"%s","x":1}',
]
IMPOSSIBLE_DATES = ["2026-02-30T10:00:00.000Z", "2026-11-23T25:00:00.000Z", "2026-13-01T10:00:00.000Z"]


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class PlannedVote:
    poll_id: str
    user_id: str
    choice: str
    submitted_at_ms: int
    request_time_ms: int
    kind: str  # first, revote, out_of_order, duplicate, unknown_poll, unknown_choice, after_close, edge_invalid, dlq
    raw_body: str | None = None  # edge_invalid: what the model refuses (400) whoever the voter is
    submitted_at_text: str | None = None  # dlq: a date the pattern admits that does not exist

    def body(self, names_voter: bool = True) -> str:
        """What the voter sends: the body names the voter only where the API takes it from the
        body (API key access); with IAM access the signer is the voter."""
        if self.raw_body is not None:
            return self.raw_body
        document = {"choice": self.choice, "submittedAt": self.submitted_at_text or iso(self.submitted_at_ms)}
        return json.dumps({"userId": self.user_id, **document} if names_voter else document)


@dataclass
class Plan:
    run_id: str
    polls: dict[str, tuple[list[str], int]]  # poll id -> (choices, closes at ms)
    votes: list[PlannedVote]

    def expected(self) -> Expected:
        """The outcome, computed from the plan alone (not from the consumer's code)."""
        expected = Expected()
        winners: dict[tuple[str, str], tuple[int, str]] = {}
        for vote in self.votes:
            if vote.kind == "edge_invalid":
                expected.refused_at_edge += 1
                continue
            expected.accepted += 1
            if vote.kind == "dlq":
                expected.dead_lettered += 1
                continue
            poll = self.polls.get(vote.poll_id)
            if poll is None:
                expected.rejected["UnknownPoll"] += 1
            elif vote.choice not in poll[0]:
                expected.rejected["UnknownChoice"] += 1
            elif vote.request_time_ms >= poll[1]:
                expected.rejected["PollClosed"] += 1
            else:
                expected.admissible += 1
                key = (vote.poll_id, vote.user_id)
                winners[key] = max(winners.get(key, (-1, "")), (vote.submitted_at_ms, vote.choice))
        expected.winners = winners
        for (poll_id, _user), (_at, choice) in winners.items():
            expected.tallies.setdefault(poll_id, Counter())[choice] += 1
        return expected


@dataclass
class Expected:
    accepted: int = 0
    refused_at_edge: int = 0
    dead_lettered: int = 0
    admissible: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    winners: dict[tuple[str, str], tuple[int, str]] = field(default_factory=dict)
    tallies: dict[str, Counter[str]] = field(default_factory=dict)


def plan(
    votes: int, *, users: int | None = None, seed: int = 11, t0_ms: int | None = None, run_id: str | None = None
) -> Plan:
    """The same seed gives the same traffic; a fresh run id keeps reruns in one sandbox apart."""
    rng = random.Random(seed)
    run_id = run_id or uuid.uuid4().hex[:10]
    t0 = t0_ms if t0_ms is not None else int(time.time() * 1000)
    users = users or max(10, votes // 5)
    poll_ids = [f"{run_id}-poll{k}" for k in range(len(CHOICES))]
    closing = poll_ids[-1]
    polls = {pid: (CHOICES[k], t0 + 86_400_000) for k, pid in enumerate(poll_ids)}
    polls[closing] = (CHOICES[-1], t0 + SPAN_MS * 4 // 5)
    open_polls = poll_ids[:-1]
    user_ids = [f"{run_id}-user{i:05d}" for i in range(users)]

    n_malformed = max(2, round(votes * 0.005))
    n_duplicate = round(votes * 0.02)
    n_revote = round(votes * 0.10)
    n_out_of_order = round(votes * 0.01)  # part of the re-votes
    n_unknown_poll = max(1, round(votes * 0.002))
    n_unknown_choice = max(1, round(votes * 0.002))
    n_after_close = max(2, round(votes * 0.015))
    n_first = votes - n_malformed - n_duplicate - n_revote - n_unknown_poll - n_unknown_choice - n_after_close
    pairs = [(p, u) for p in poll_ids for u in user_ids]
    if n_first > len(pairs):
        raise ValueError(f"{votes} votes need more than {users} users over {len(poll_ids)} polls")
    rng.shuffle(pairs)

    def lag() -> int:  # the voter's clock runs a little ahead of the API's receipt
        return rng.randint(50, 2000)

    planned: list[PlannedVote] = []
    for poll_id, user_id in pairs[:n_first]:
        end = polls[poll_id][1] if poll_id == closing else t0 + SPAN_MS
        at = rng.randrange(t0, end)
        planned.append(PlannedVote(poll_id, user_id, rng.choice(polls[poll_id][0]), at - lag(), at, "first"))
    revotable = [v for v in planned if v.poll_id in open_polls and v.request_time_ms < t0 + SPAN_MS - 40_000]
    for i in range(n_revote):
        original = rng.choice(revotable)
        delta = rng.randint(1_000, 30_000)
        request_time = original.request_time_ms + delta
        kind = "revote"
        if i < n_out_of_order:  # reaches the API before the vote it replaces
            request_time = max(t0, original.request_time_ms - rng.randint(100, 5_000))
            kind = "out_of_order"
        choice = rng.choice(polls[original.poll_id][0])
        planned.append(
            PlannedVote(
                original.poll_id, original.user_id, choice, original.submitted_at_ms + delta, request_time, kind
            )
        )
    for original in rng.sample([v for v in planned if v.poll_id in open_polls], n_duplicate):
        retry_at = original.request_time_ms + rng.randint(100, 10_000)
        planned.append(
            PlannedVote(
                original.poll_id, original.user_id, original.choice, original.submitted_at_ms, retry_at, "duplicate"
            )
        )
    for _ in range(n_unknown_poll):
        at = rng.randrange(t0, t0 + SPAN_MS)
        planned.append(PlannedVote(f"{run_id}-nosuchpoll", rng.choice(user_ids), "yes", at - lag(), at, "unknown_poll"))
    for _ in range(n_unknown_choice):
        at = rng.randrange(t0, t0 + SPAN_MS)
        planned.append(
            PlannedVote(rng.choice(open_polls), rng.choice(user_ids), "maybe", at - lag(), at, "unknown_choice")
        )
    for _ in range(n_after_close):
        at = rng.randrange(polls[closing][1], t0 + SPAN_MS)
        planned.append(
            PlannedVote(closing, rng.choice(user_ids), rng.choice(polls[closing][0]), at - lag(), at, "after_close")
        )
    for i in range(n_malformed):
        at = rng.randrange(t0, t0 + SPAN_MS)
        user_id, poll_id = rng.choice(user_ids), rng.choice(open_polls)
        if i % 2 == 0:
            template = EDGE_INVALID[(i // 2) % len(EDGE_INVALID)]
            raw = template.replace("%s", user_id, 1).replace("%s", iso(at), 1)
            planned.append(PlannedVote(poll_id, user_id, "", at, at, "edge_invalid", raw))
        else:  # the run id in the choice finds it in the DLQ, where the body is all that is left
            impossible = IMPOSSIBLE_DATES[i % 3]
            planned.append(PlannedVote(poll_id, user_id, f"{run_id}-yes", at, at, "dlq", None, impossible))
    planned.sort(key=lambda v: v.request_time_ms)
    return Plan(run_id, polls, planned)


@dataclass
class VotingResult:
    account_id: str
    plan_size: int
    expected: Expected
    status_counts: Counter[int]
    distinct_request_ids: int
    metrics: dict[str, float]
    dead_letter_reasons: Counter[str]
    api_tallies: dict[str, dict[str, int]]
    stored_winners: dict[tuple[str, str], tuple[int, str]]
    queue_left: int
    batches: int
    batch_size: int  # the deployed mapping's BatchSize, as the poller read it
    largest_batch: int
    retried: int
    send_seconds: float
    drain_seconds: float
    access: str = ""  # how callers were identified

    @property
    def counted(self) -> int:
        return int(
            sum(self.metrics.get(m, 0) for m in ("VotesRecorded", "VotesReplaced", "VotesSuperseded", "VotesDuplicate"))
        )

    @property
    def rejected(self) -> dict[str, int]:
        return {
            reason: int(self.metrics.get(f"VotesRejected{reason}", 0))
            for reason in ("UnknownPoll", "UnknownChoice", "PollClosed")
        }

    @property
    def dead_lettered(self) -> int:
        return sum(self.dead_letter_reasons.values())

    @property
    def expected_tallies(self) -> dict[str, dict[str, int]]:
        return {poll: dict(counts) for poll, counts in self.expected.tallies.items()}

    @property
    def accounted(self) -> bool:
        accepted = self.status_counts[202]
        return (
            accepted == self.expected.accepted
            and self.status_counts[400] == self.expected.refused_at_edge
            and self.distinct_request_ids == accepted
            and accepted == self.counted + sum(self.rejected.values()) + self.dead_lettered
            and self.counted == self.expected.admissible
            and self.metrics.get("VotesRecorded", 0) == len(self.expected.winners)
            and self.rejected == {r: self.expected.rejected[r] for r in self.rejected}
            and self.dead_lettered == self.expected.dead_lettered == self.metrics.get("VotesMalformed", 0)
            and "<redriven>" not in self.dead_letter_reasons
            and self.api_tallies == self.expected_tallies
            and self.stored_winners == self.expected.winners
            and self.queue_left == 0
        )

    def summary_lines(self) -> list[str]:
        e = self.expected
        lines = [
            f"access: {self.access}",
            f"{self.plan_size} requests: {self.status_counts[202]} accepted (202), {self.status_counts[400]} refused "
            f"by the model (400); sent in {self.send_seconds:.1f}s, drained in {self.drain_seconds:.1f}s "
            f"({self.batches} batches of up to {self.largest_batch}, {self.retried} retried)",
            f"accepted {self.status_counts[202]} = counted {self.counted} + rejected {sum(self.rejected.values())} "
            f"{self.rejected} + dead-lettered {self.dead_lettered}",
            f"expected: {e.admissible} admissible votes from {len(e.winners)} voters, rejected {dict(e.rejected)}, "
            f"{e.dead_lettered} malformed",
            f"metrics {dict(sorted(self.metrics.items()))}",
        ]
        lines += [f"dead letter: {reason} (x{n})" for reason, n in sorted(self.dead_letter_reasons.items())]
        for poll in sorted(self.api_tallies):
            mark = "==" if self.api_tallies[poll] == self.expected_tallies.get(poll) else "!="
            lines.append(f"GET /polls/{poll}/results -> {dict(sorted(self.api_tallies[poll].items()))} {mark} expected")
        return lines


@dataclass
class Voters:
    """Who sends each planned vote. With IAM access (the platform's default) each voter signs
    with their own session of the voting caller role (session name = the planned user id), so
    the API's callerId, role-id:session, is the voter; behind an API key the body names them."""

    signed: bool
    role_id: str = ""
    sessions: dict[str, Any] = field(default_factory=dict)  # user id -> botocore Credentials

    @classmethod
    def of(cls, account: SimulatedAccount, voting: dict[str, Any], users: set[str]) -> Voters:
        if voting["access_control"] != "iam":
            return cls(signed=False)
        role_arn = voting["caller_role_arn"]
        # A voter's front end in the account takes the role (the sandbox trusts its principals).
        sts, iam = account.client("sts"), account.client("iam")
        role_id = iam.get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]["RoleId"]
        sessions = {}
        for user in sorted(users):
            c = sts.assume_role(RoleArn=role_arn, RoleSessionName=user)["Credentials"]
            sessions[user] = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        return cls(signed=True, role_id=role_id, sessions=sessions)

    def describe(self) -> str:
        if not self.signed:
            return "api_key: the body names the voter"
        return (
            f"iam: {len(self.sessions)} voters, each signing (SigV4) with their own session of the caller role; "
            f"votes counted under {self.role_id}:<session>"
        )

    def headers(self, method: DeployedMethod, user: str, path: dict[str, str], body: str) -> dict[str, str]:
        if not self.signed:
            return {}
        return signed_headers(self.sessions[user], method.http_method, method.url(path), body, method.account.region)

    def call(self, method: DeployedMethod, vote: PlannedVote, path: dict[str, str]) -> Call:
        body = vote.body(names_voter=not self.signed)
        return Call(body, path, vote.request_time_ms, self.headers(method, vote.user_id, path, body))

    def as_planned(self, winners: dict[tuple[str, str], tuple[int, str]]) -> dict[tuple[str, str], tuple[int, str]]:
        """Stored winners keyed by planned user id: a signed vote is stored under role-id:session."""
        if not self.signed:
            return winners
        prefix = f"{self.role_id}:"
        return {(p, u.removeprefix(prefix) if u.startswith(prefix) else u): w for (p, u), w in winners.items()}


def publish_polls(account: SimulatedAccount, table: str, polls: dict[str, tuple[list[str], int]]) -> None:
    """What a poll owner does before voting opens (there is no admin API in this workload)."""
    dynamodb = account.client("dynamodb")
    for poll_id, (choices, closes_at_ms) in polls.items():
        dynamodb.put_item(
            TableName=table,
            Item={"pollId": {"S": poll_id}, "choices": {"SS": choices}, "closesAtMs": {"N": str(closes_at_ms)}},
        )


def collect_dead_letters(sqs: Any, dlq_url: str, run_id: str) -> Counter[str]:
    reasons: Counter[str] = Counter()
    while messages := sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    ):
        for message in messages:
            if run_id in message["Body"]:
                reason = message.get("MessageAttributes", {}).get("failureReason", {}).get("StringValue", "<redriven>")
                reasons[reason] += 1
                sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
    return reasons


def stored_winners(account: SimulatedAccount, table: str, run_id: str) -> dict[tuple[str, str], tuple[int, str]]:
    winners = {}
    pages = (
        account.client("dynamodb")
        .get_paginator("scan")
        .paginate(
            TableName=table,
            FilterExpression="begins_with(pollId, :run)",
            ExpressionAttributeValues={":run": {"S": run_id}},
        )
    )
    for page in pages:
        for item in page["Items"]:
            winners[(item["pollId"]["S"], item["userId"]["S"])] = (int(item["submittedAtMs"]["N"]), item["choice"]["S"])
    return winners


def run(
    account: SimulatedAccount, outputs: dict[str, Any], *, votes: int = 1000, users: int | None = None, seed: int = 11
) -> VotingResult:
    voting = outputs["voting"]
    the_plan = plan(votes, users=users, seed=seed)
    expected = the_plan.expected()
    publish_polls(account, voting["polls_table_name"], the_plan.polls)

    methods = Harness.of(outputs).voting
    write = DeployedMethod(account, methods.write.rest_api_id, methods.write.resource_id, methods.write.http_method)
    read = DeployedMethod(account, methods.read.rest_api_id, methods.read.resource_id, methods.read.http_method)
    (player,) = account.sqs_players(voting["function_name"])
    voter_ids = {v.user_id for v in the_plan.votes}
    voters = Voters.of(account, voting, voter_ids)
    requests = [voters.call(write, v, {"pollId": v.poll_id}) for v in the_plan.votes]
    responses = []
    send_seconds = drain_seconds = 0.0
    # Arrivals and draining interleave, as they do behind a real API. It also keeps the emulated
    # queue short: moto's SQS scans the whole queue on every send and receive.
    for start in range(0, len(requests), CHUNK):
        chunk = requests[start : start + CHUNK]
        started = time.monotonic()
        singles = chunk[:SINGLE_REQUESTS] if start == 0 else []
        responses += [write.send(c.body, c.path, request_time_ms=c.request_time_ms, headers=c.headers) for c in singles]
        responses += write.send_batched(chunk[len(singles) :])
        send_seconds += time.monotonic() - started
        started = time.monotonic()
        player.drain(max_batches=CHUNK * 3)
        drain_seconds += time.monotonic() - started

    sqs = account.client("sqs")
    attributes = sqs.get_queue_attributes(
        QueueUrl=voting["queue_url"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    now_ms = int(time.time() * 1000)
    api_tallies = {}
    reader = min(voter_ids)  # any voter may read the results
    for poll_id in the_plan.polls:
        path = {"pollId": poll_id}
        answer = read.query(path, request_time_ms=now_ms, headers=voters.headers(read, reader, path, "")).json()
        api_tallies[poll_id] = {choice: n for choice, n in answer["tallies"].items() if n}
    accepted_ids = {r.request_id for r in responses if r.status == 202}
    return VotingResult(
        account_id=account.account_id,
        plan_size=len(the_plan.votes),
        expected=expected,
        status_counts=Counter(r.status for r in responses),
        distinct_request_ids=len(accepted_ids & {r.json()["requestId"] for r in responses if r.status == 202}),
        metrics=player.environment.logs.metric_totals(),
        dead_letter_reasons=collect_dead_letters(sqs, voting["dlq_url"], the_plan.run_id),
        api_tallies={p: t for p, t in api_tallies.items() if t or expected.tallies.get(p)},
        stored_winners=voters.as_planned(stored_winners(account, voting["votes_table_name"], the_plan.run_id)),
        queue_left=sum(int(v) for v in attributes.values()),
        batches=player.stats.batches,
        batch_size=player.batch_size,
        largest_batch=max(player.stats.batch_sizes, default=0),
        retried=player.stats.retried,
        send_seconds=send_seconds,
        drain_seconds=drain_seconds,
        access=voters.describe(),
    )
