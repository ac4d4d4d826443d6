"""Traffic for account banning (modules/ttl-scheduler): reports, bans, re-bans, lifts, expiry.

On the simulated clock, in phases, each drained through the deployed mappings:

1. at t0: `bans` accounts are reported validly (a blocklisted word, or three distinct reporters),
   with dismissed reports (clean posts, self-reports) mixed in; classifier -> topic -> bans_accounts;
2. at t0 + 6 h: `rebans` banned accounts are banned again for longer (extends), a few more for
   shorter (must not shorten), and `lifts` others are lifted early through bans_admin;
3. `poison` ban items are written for accounts that are not in Accounts (erased while banned);
4. at t0 + 4 d 1 h: one account whose ban is past due is read before TTL runs ("not banned"),
   then the TTL service sweeps (emulator_patches.expire_ttl_items) and the reactivation mapping is
   played (filter, bisect, retries, on-failure destination) by the harness's stream player.

What comes out is compared with an independent computation of every account's final state,
made here from the rules as stated (not from the functions' core modules).
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulation.harness.accounts import SimulatedAccount
from emulation.harness.clock import sweep_ttl

NAME = "bans"
DAY, HOUR = 86_400, 3_600
WORDS = {"spam": 1 * DAY, "scam": 3 * DAY, "threat": 14 * DAY}  # the classifier's blocklist, as stated
THRESHOLD, THRESHOLD_BAN = 3, 2 * DAY
REBAN_AT, END_AT = 6 * HOUR, 4 * DAY + HOUR


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Report:
    report_id: str
    author: str
    reporter: str
    text: str
    at: int

    def body(self) -> str:
        return json.dumps(
            {
                "eventSource": "switchyard-traffic",
                "eventType": "PostReported",
                "eventVersion": 1,
                "eventId": f"evt-{self.report_id}",
                "occurredAt": _iso(self.at),
                "eventDetails": {
                    "reportId": self.report_id,
                    "postId": f"post-{self.report_id[-8:]}",
                    "authorId": self.author,
                    "reporterId": self.reporter,
                    "postText": self.text,
                },
            }
        )


@dataclass
class Expected:
    """One account's story, told by the rules: bans (occurred, until) applied in phase order."""

    until: int | None = None
    version: int = 0
    lifted: bool = False

    def ban(self, occurred: int, duration: int, now: int) -> None:
        until = occurred + duration
        if self.until is not None and self.until > now and until <= self.until:
            return  # never shortens (and the same ban again changes nothing)
        self.until, self.version = until, self.version + 1

    def final(self, end: int) -> dict[str, Any]:
        if self.version == 0:
            return {"status": "active", "banVersion": 0, "reactivatedBy": None, "ttlReactivations": 0}
        if self.lifted:
            return {"status": "active", "banVersion": self.version, "reactivatedBy": "lift", "ttlReactivations": 0}
        assert self.until is not None
        if self.until <= end:
            return {"status": "active", "banVersion": self.version, "reactivatedBy": "ttl", "ttlReactivations": 1}
        return {"status": "deactivated", "banVersion": self.version, "reactivatedBy": None, "ttlReactivations": 0}


@dataclass
class StreamRecorder:
    """Wraps the reactivation pool: which accounts' REMOVE records the function was given."""

    seen: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, pool: Any) -> None:
        invoke = pool.invoke

        def recorded(event: dict[str, Any]) -> Any:
            with self._lock:
                for r in event["Records"]:
                    key = r["dynamodb"]["Keys"]["accountId"]["S"]
                    self.seen[key] = self.seen.get(key, 0) + 1
            return invoke(event)

        pool.invoke = recorded


@dataclass
class BansResult:
    accounts: int
    bans: int
    rebans_extending: int
    rebans_shorter: int
    lifts: int
    poison: int
    reports_sent: int
    expected: dict[str, dict[str, Any]]
    actual: dict[str, dict[str, Any]]
    expected_until: dict[str, int]
    actual_until: dict[str, int]
    lifted: list[str]
    orphans: list[str]
    poison_sequence_numbers: set[str]
    on_failure: list[dict[str, Any]]
    stream_seen: dict[str, int]
    bisections: int
    stream_retries: int
    stream_batches: int
    expired_by_ttl: int
    past_due_read: dict[str, Any]
    past_due_item_present: bool
    classifier_metrics: dict[str, float]
    accounts_metrics: dict[str, float]
    reactivation_metrics: dict[str, float]
    parked: dict[str, int]
    seconds: dict[str, float]

    @property
    def accounted(self) -> bool:
        """Every account as computed, the poison (and only it) in the on-failure queue, one by one."""
        return (
            self.actual == self.expected
            and self.actual_until == self.expected_until
            and {r["DDBStreamBatchInfo"]["startSequenceNumber"] for r in self.on_failure}
            == self.poison_sequence_numbers
            and all(r["DDBStreamBatchInfo"]["batchSize"] == 1 for r in self.on_failure)
            and not set(self.lifted) & set(self.stream_seen)
        )

    def summary_lines(self) -> list[str]:
        return [
            f"{self.accounts} accounts, {self.bans} bans ({self.reports_sent} reports), re-bans "
            f"{self.rebans_extending} extending + {self.rebans_shorter} shorter, {self.lifts} lifts, "
            f"{self.poison} poison",
            f"classifier {dict(sorted(self.classifier_metrics.items()))}",
            f"accounts {dict(sorted(self.accounts_metrics.items()))}",
            f"TTL expired {self.expired_by_ttl}; reactivation {dict(sorted(self.reactivation_metrics.items()))}",
            f"stream: {self.stream_batches} batches, {self.bisections} bisections, {self.stream_retries} retries, "
            f"{len(self.on_failure)} on-failure records (batch sizes "
            f"{sorted(r['DDBStreamBatchInfo']['batchSize'] for r in self.on_failure)})",
            f"past-due read before TTL: {self.past_due_read} (item still there: {self.past_due_item_present})",
            "final state equals the independent computation: "
            f"{self.actual == self.expected and self.actual_until == self.expected_until}",
            f"phases (s): {self.seconds}",
        ]


def _account_id(run_id: str, n: int) -> str:
    return "usr-" + uuid.uuid5(uuid.NAMESPACE_URL, f"{run_id}/{n}").hex


def _send(sqs: Any, url: str, bodies: list[str]) -> None:
    for start in range(0, len(bodies), 10):
        entries = [{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start : start + 10])]
        response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"send_message_batch failed: {response['Failed']}")


def _batch_put(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        requests: dict[str, Any] = {table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
        while requests:
            requests = dynamodb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}


def _scan(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        items += page["Items"]
    return items


def _depth(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[n]) for n in names)


def _receive_all(sqs: Any, url: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        out += [json.loads(m["Body"]) for m in batch]
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return out


def run(
    account: SimulatedAccount,
    outputs: dict[str, Any],
    *,
    accounts: int = 1000,
    bans: int = 300,
    rebans: int = 50,
    shorter_rebans: int = 10,
    lifts: int = 20,
    poison: int = 10,
    threshold_share: float = 0.15,
    seed: int = 16,
) -> BansResult:
    if rebans + shorter_rebans + lifts > bans or bans > accounts:
        raise ValueError("re-bans, shorter re-bans and lifts pick distinct banned accounts: bans must cover them")
    rng, out = random.Random(seed), outputs["bans"]
    run_id = uuid.uuid4().hex[:10]
    sqs, dynamodb = account.client("sqs"), account.client("dynamodb")
    clock, seconds = account.clock, {}
    t0 = int(clock.time())
    ids = [_account_id(run_id, n) for n in range(accounts)]
    started = time.monotonic()
    _batch_put(dynamodb, out["accounts_table_name"], [{"accountId": {"S": a}, "status": {"S": "active"}} for a in ids])
    seconds["seed"] = round(time.monotonic() - started, 1)

    (classifier,) = account.sqs_players(out["classifier_function_name"])
    (account_manager,) = account.sqs_players(out["accounts_function_name"])
    admin = account.execution_environment(out["admin_function_name"])
    expected = {a: Expected() for a in ids}
    serial = iter(range(1, 1_000_000))

    def report(author: str, reporter: str, text: str, at: int) -> Report:
        return Report(
            f"rpt-{uuid.uuid5(uuid.NAMESPACE_URL, f'{run_id}/r{next(serial)}').hex}", author, reporter, text, at
        )

    def others(author: str, k: int) -> list[str]:
        return rng.sample([a for a in ids if a != author], k)

    # --- phase 1: bans --------------------------------------------------------------------
    started = time.monotonic()
    banned = rng.sample(ids, bans)
    by_threshold = set(banned[: round(bans * threshold_share)])
    reports: list[Report] = []
    durations: dict[str, int] = {}
    for n, author in enumerate(banned):
        at = t0 - 600 + n  # reported in the last ten minutes
        if author in by_threshold:
            reporters = others(author, THRESHOLD)
            reports += [report(author, r, "you are wrong", at + i) for i, r in enumerate(reporters)]
            expected[author].ban(at + THRESHOLD - 1, THRESHOLD_BAN, t0)
            durations[author] = THRESHOLD_BAN
        else:
            word = rng.choice(sorted(WORDS))
            reports.append(report(author, others(author, 1)[0], f"buy now, {word.upper()}!", at))
            expected[author].ban(at, WORDS[word], t0)
            durations[author] = WORDS[word]
    clean = [a for a in ids if a not in set(banned)]
    for author in rng.sample(clean, 100):  # dismissed: one clean report, or a self-report
        reporter = author if rng.random() < 0.2 else others(author, 1)[0]
        reports.append(report(author, reporter, "lovely photo", t0 - 300))
    rng.shuffle(reports)
    _send(sqs, out["reports_queue_url"], [r.body() for r in reports])
    classifier.drain()
    account_manager.drain()
    seconds["bans"] = round(time.monotonic() - started, 1)

    # --- phase 2: re-bans and lifts -------------------------------------------------------
    started = time.monotonic()
    clock.advance(REBAN_AT)
    now = t0 + REBAN_AT
    pool = [a for a in banned if a not in by_threshold]
    rng.shuffle(pool)
    extending, shorter = pool[:rebans], [a for a in pool[rebans:] if durations[a] == 14 * DAY][:shorter_rebans]
    lifted = [a for a in pool[rebans:] if a not in set(shorter)][:lifts]
    second: list[Report] = []
    for author in extending:
        word = rng.choice([w for w, d in WORDS.items() if d >= durations[author]])
        second.append(report(author, others(author, 1)[0], f"again: {word}", now - 60))
        expected[author].ban(now - 60, WORDS[word], now)
    for author in shorter:
        second.append(report(author, others(author, 1)[0], "more spam", now - 60))
        expected[author].ban(now - 60, WORDS["spam"], now)
    _send(sqs, out["reports_queue_url"], [r.body() for r in second])
    classifier.drain()
    account_manager.drain()
    for author in lifted:
        answer = admin.invoke({"action": "lift", "accountId": author})
        if not answer.get("lifted"):
            raise RuntimeError(f"lift of {author} answered {answer}")
        expected[author].lifted = True
    seconds["rebans_and_lifts"] = round(time.monotonic() - started, 1)

    # --- phase 3: poison ban items (accounts erased while banned) ---------------------------
    orphans = [_account_id(run_id, accounts + n) for n in range(poison)]
    _batch_put(
        dynamodb,
        out["banned_accounts_table_name"],
        [
            {
                "accountId": {"S": o},
                out["ttl_attribute"]: {"N": str(now + HOUR)},
                "banVersion": {"N": "1"},
                "reason": {"S": "written for an account that no longer exists"},
            }
            for o in orphans
        ],
    )

    # --- phase 4: expiry ---------------------------------------------------------------------
    started = time.monotonic()
    clock.advance(END_AT - REBAN_AT)
    end = t0 + END_AT
    past_due = next(a for a in banned if expected[a].final(end)["reactivatedBy"] == "ttl")
    past_due_read = admin.invoke({"action": "status", "accountId": past_due})
    present = "Item" in dynamodb.get_item(
        TableName=out["banned_accounts_table_name"], Key={"accountId": {"S": past_due}}, ConsistentRead=True
    )
    expired = sweep_ttl(account.endpoint_url)
    (reactivation,) = account.dynamodb_stream_players(out["reactivation_function_name"])
    recorder = StreamRecorder()
    recorder.wrap(reactivation.environment)
    stats = reactivation.drain()
    on_failure = _receive_all(sqs, out["on_failure_queue_url"])
    seconds["expiry"] = round(time.monotonic() - started, 1)

    # poison sequence numbers: the REMOVE records of the orphans, as the stream holds them
    streams = account.client("dynamodbstreams")
    shard = streams.describe_stream(StreamArn=out["stream_arn"])["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=out["stream_arn"], ShardId=shard, ShardIteratorType="TRIM_HORIZON")[
        "ShardIterator"
    ]
    poison_sequences: set[str] = set()
    orphan_set = set(orphans)
    while iterator:
        page = streams.get_records(ShardIterator=iterator, Limit=1000)
        iterator = page.get("NextShardIterator")
        if not page.get("Records"):
            break
        for r in page["Records"]:
            if r["eventName"] == "REMOVE" and r["dynamodb"]["Keys"]["accountId"]["S"] in orphan_set:
                poison_sequences.add(r["dynamodb"]["SequenceNumber"])

    items = {
        i["accountId"]["S"]: i for i in _scan(dynamodb, out["accounts_table_name"]) if i["accountId"]["S"] in expected
    }
    actual = {
        a: {
            "status": i["status"]["S"],
            "banVersion": int(i.get("banVersion", {"N": "0"})["N"]),
            "reactivatedBy": i["reactivatedBy"]["S"] if "reactivatedBy" in i else None,
            "ttlReactivations": int(i.get("ttlReactivations", {"N": "0"})["N"]),
        }
        for a, i in items.items()
    }
    still_banned = {a for a, e in expected.items() if e.final(end)["status"] == "deactivated"}
    ban_items = {
        i["accountId"]["S"]: int(i[out["ttl_attribute"]]["N"])
        for i in _scan(dynamodb, out["banned_accounts_table_name"])
    }
    return BansResult(
        accounts=accounts,
        bans=bans,
        rebans_extending=len(extending),
        rebans_shorter=len(shorter),
        lifts=len(lifted),
        poison=poison,
        reports_sent=len(reports) + len(second),
        expected={a: e.final(end) for a, e in expected.items()},
        actual=actual,
        expected_until={a: int(expected[a].until or 0) for a in still_banned},
        actual_until={a: u for a, u in ban_items.items() if a in expected},
        lifted=lifted,
        orphans=orphans,
        poison_sequence_numbers=poison_sequences,
        on_failure=on_failure,
        stream_seen=dict(recorder.seen),
        bisections=stats.bisections,
        stream_retries=stats.retries,
        stream_batches=stats.batches,
        expired_by_ttl=expired,
        past_due_read=past_due_read,
        past_due_item_present=present,
        classifier_metrics=classifier.environment.logs.metric_totals(),
        accounts_metrics=account_manager.environment.logs.metric_totals(),
        reactivation_metrics=reactivation.environment.logs.metric_totals(),
        parked={
            "reports": _depth(sqs, out["reports_dlq_url"]),
            "accounts": _depth(sqs, out["accounts_dlq_url"]),
        },
        seconds=seconds,
    )
