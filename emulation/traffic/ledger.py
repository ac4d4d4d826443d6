"""Traffic for the order ledger (modules/sequential-convoy): orders x transactions, interleaved.

Sends every order's transactions to the intake (grouped as producers must: one group or
hash(orderId) mod N), with ~2 % sent twice (under a new intake deduplication id, as a client
retrying after SQS's 5-minute window would), and one order missing one seq. The processor and the
consumer run through their deployed mappings with injected faults (a share of the functions'
DynamoDB calls throttled, and of the processor's SQS sends failing after its ledger write, during
the first invocations). Then the missing seq is sent and the parked order is replayed with
tools/convoy_replay. What comes out is compared with an independent computation of every balance.
"""

from __future__ import annotations

import json
import random
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from emulation.harness.accounts import SimulatedAccount
from emulation.harness.faults import FlakyService
from ledger_processor.core import intake_group_id
from tools import convoy_replay

NAME = "ledger"
SIGN = {"credit": 1, "debit": -1, "refund": -1}


@dataclass(frozen=True)
class Txn:
    order_id: str
    seq: int
    type: str
    amount: int

    @property
    def event_id(self) -> str:
        return f"{self.order_id}-{self.seq:06d}"

    def body(self) -> str:
        return json.dumps(
            {
                "eventSource": "switchyard-traffic",
                "eventType": "LedgerTransactionSubmitted",
                "eventVersion": 1,
                "eventId": self.event_id,
                "occurredAt": "2026-12-01T10:00:00.000Z",
                "eventDetails": {
                    "orderId": self.order_id,
                    "seq": self.seq,
                    "type": self.type,
                    "amount": self.amount,
                    "currency": "EUR",
                },
            }
        )


def plan(run_id: str, orders: int, per_order: int, rng: random.Random) -> dict[str, list[Txn]]:
    book: dict[str, list[Txn]] = {}
    for o in range(orders):
        order_id = f"{run_id}-o{o:04d}"
        txns = [Txn(order_id, 1, "credit", rng.randint(500, 2000))]
        for seq in range(2, per_order + 1):
            kind = rng.choice(["credit", "debit", "debit", "refund"])
            txns.append(Txn(order_id, seq, kind, rng.randint(1, 900)))
        book[order_id] = txns
    return book


def expected_outcome(txns: list[Txn]) -> tuple[int, set[int]]:
    """The balance and the rejected seqs, computed here from the rules as stated (not core.py)."""
    balance, rejected = 0, set()
    for t in sorted(txns, key=lambda t: t.seq):
        after = balance + SIGN[t.type] * t.amount
        if after < 0:
            rejected.add(t.seq)
        else:
            balance = after
    return balance, rejected


def interleave(book: dict[str, list[Txn]], rng: random.Random) -> list[Txn]:
    queues = {k: list(v) for k, v in book.items()}
    out = []
    while queues:
        order = rng.choice(sorted(queues))
        out.append(queues[order].pop(0))
        if not queues[order]:
            del queues[order]
    return out


def send(sqs: Any, url: str, groups: int, txns: list[tuple[Txn, str]]) -> None:
    """(transaction, intake deduplication id) in order, 10 per call."""
    for start in range(0, len(txns), 10):
        chunk = txns[start : start + 10]
        response = sqs.send_message_batch(
            QueueUrl=url,
            Entries=[
                {
                    "Id": str(i),
                    "MessageBody": t.body(),
                    "MessageGroupId": intake_group_id(t.order_id, groups),
                    "MessageDeduplicationId": dedup,
                }
                for i, (t, dedup) in enumerate(chunk)
            ],
        )
        if response.get("Failed"):
            raise RuntimeError(f"send_message_batch failed: {response['Failed']}")


@dataclass
class Recorder:
    """Wraps a pool's invoke: what each invocation applied, when (simulated clock), in order."""

    gap_order: str
    clock: Any
    first_success: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    timeline: list[tuple[float, int, int]] = field(default_factory=list)  # (t, others done, gap failures)
    _seen: set[tuple[str, int]] = field(default_factory=set)
    _others_done: int = 0
    _gap_failures: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, pool: Any) -> None:
        invoke = pool.invoke

        def recorded(event: dict[str, Any]) -> Any:
            response = invoke(event)  # an exception fails the whole batch: nothing to record
            failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])}
            with self._lock:
                for r in event["Records"]:
                    details = json.loads(r["body"])["eventDetails"]
                    key = (details["orderId"], details["seq"])
                    if r["messageId"] in failed:
                        self._gap_failures += key[0] == self.gap_order
                    elif key not in self._seen:
                        self._seen.add(key)
                        self.first_success[key[0]].append(key[1])
                        self._others_done += key[0] != self.gap_order
                self.timeline.append((self.clock.time(), self._others_done, self._gap_failures))
            return response

        pool.invoke = recorded


@dataclass
class LedgerResult:
    orders: int
    per_order: int
    sent: int
    duplicates_sent: int
    gap_order: str
    missing_seq: int
    expected_balances: dict[str, int]
    expected_rejections: dict[str, set[int]]
    balances: dict[str, int]
    applied_seq: dict[str, int]
    rejections: dict[str, dict[int, str]]
    ledger_entries: dict[str, int]
    application_order: dict[str, list[int]]
    timeline: list[tuple[float, int, int]]
    processor_metrics: dict[str, float]
    consumer_metrics: dict[str, float]
    faults_injected: int
    timeouts: dict[str, int]
    gap_state_before_replay: int
    dlq_order: list[int]
    replayed: list[int]
    held_before_replay: dict[str, int]
    parked_intake: list[str]  # what reached the intake DLQ: order/seq, receives, reason
    parked_grouped: int

    @property
    def accounted(self) -> bool:
        """Every transaction in its place (what tests/e2e/test_ledger.py asserts on the outcome):
        every order applied to its last seq in seq order, once, with the independently computed
        balance and overdraft rejections; the gap detected, waited at and parked in order, then
        replayed in that order; nothing left in either DLQ; metrics never counted twice."""
        every_seq = list(range(1, self.per_order + 1))
        orders = self.expected_balances
        after_gap = list(range(self.missing_seq + 1, self.per_order + 1))
        total = self.orders * self.per_order
        applied = self.consumer_metrics.get("TransactionsApplied", 0)
        rejected = self.consumer_metrics.get("TransactionsRejected", 0)
        return (
            len(orders) == self.orders
            and self.applied_seq == dict.fromkeys(orders, self.per_order)
            and self.application_order == dict.fromkeys(orders, every_seq)
            and self.balances == self.expected_balances
            and {o: set(r) for o, r in self.rejections.items()} == self.expected_rejections
            and all(reason.startswith("overdraft: ") for r in self.rejections.values() for reason in r.values())
            and self.ledger_entries == dict.fromkeys(orders, self.per_order)
            and applied + rejected <= total
            and self.processor_metrics.get("TransactionsRecorded", 0) <= total
            and self.consumer_metrics.get("SequenceGaps", 0) > 0
            and self.gap_state_before_replay == self.missing_seq - 1
            and sorted(set(self.dlq_order)) == after_gap
            and self.dlq_order == sorted(self.dlq_order)
            and self.replayed == self.dlq_order
            and self.parked_intake == []
            and self.parked_grouped == 0
        )

    def summary_lines(self) -> list[str]:
        during = [p for p in self.timeline if p[2] > 0]
        return [
            f"{self.orders} orders x {self.per_order} transactions: sent {self.sent} "
            f"({self.duplicates_sent} duplicates), order {self.gap_order} without seq {self.missing_seq} at first",
            f"faults injected {self.faults_injected}, invocations timed out {self.timeouts}; "
            f"processor {dict(sorted(self.processor_metrics.items()))}",
            f"consumer {dict(sorted(self.consumer_metrics.items()))}",
            f"while {self.gap_order} was failing: other orders' applied transactions went "
            f"{during[0][1] if during else '-'} -> {during[-1][1] if during else '-'} over "
            f"{(during[-1][0] - during[0][0]) if during else 0:.0f} simulated s ({len(during)} invocations)",
            f"gap order parked in the DLQ in order {self.dlq_order}; replayed {self.replayed} "
            f"(grouped queue before the replay: {self.held_before_replay})",
            f"intake DLQ at the end: {self.parked_intake or 'empty'}; grouped DLQ: {self.parked_grouped or 'empty'}",
            f"rejected (overdrafts) {sum(len(r) for r in self.rejections.values())}; "
            f"balances equal the independent computation: {self.balances == self.expected_balances}",
        ]


def _scan(dynamodb: Any, table: str, prefix: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in dynamodb.get_paginator("scan").paginate(
        TableName=table, FilterExpression="begins_with(orderId, :p)", ExpressionAttributeValues={":p": {"S": prefix}}
    ):
        items += page["Items"]
    return items


def run(
    account: SimulatedAccount,
    outputs: dict[str, Any],
    *,
    orders: int = 40,
    per_order: int = 10,
    duplicate_rate: float = 0.02,
    fault_rate: float = 0.05,
    seed: int = 15,
) -> LedgerResult:
    rng = random.Random(seed)
    ledger = outputs["ledger"]
    run_id = uuid.uuid4().hex[:10]
    book = plan(run_id, orders, per_order, rng)
    gap_order, missing_seq = sorted(book)[0], max(2, per_order // 2)
    withheld = next(t for t in book[gap_order] if t.seq == missing_seq)
    stream = [t for t in interleave(book, rng) if t != withheld]
    sends = [(t, t.event_id) for t in stream]
    duplicates = rng.sample(range(len(stream)), k=max(1, round(len(stream) * duplicate_rate)))
    for n, index in enumerate(sorted(duplicates, reverse=True)):  # a second send, later in the stream
        t = stream[index]
        later = rng.randint(index + 1, len(sends))
        sends.insert(later, (t, f"{t.event_id}-again-{n}"))
    sqs, dynamodb = account.client("sqs"), account.client("dynamodb")
    send(sqs, ledger["intake_queue_url"], ledger["intake_groups"], sends)

    (processor,) = account.sqs_players(ledger["processor_function_name"])
    (consumer,) = account.sqs_players(ledger["consumer_function_name"])
    first = max(2, len(sends) // 30)  # invocations with faults: about the first third of the batches
    faults = [
        FlakyService("dynamodb", fault_rate, seed, active=lambda: processor.environment.invocations <= first),
        FlakyService("sqs", fault_rate, seed + 1, active=lambda: processor.environment.invocations <= first),
        FlakyService("dynamodb", fault_rate, seed + 2, active=lambda: consumer.environment.invocations <= first),
    ]

    def processor_faults(environment: Any) -> None:
        for fault in faults[:2]:
            fault.attach(environment.default_session())

    def consumer_faults(environment: Any) -> None:
        faults[2].attach(environment.default_session())

    processor.environment.each_environment(processor_faults)
    consumer.environment.each_environment(consumer_faults)
    recorder = Recorder(gap_order, account.clock)
    recorder.wrap(consumer.environment)

    processor.drain()
    consumer.drain()  # the gap order waits, then its messages after the gap reach the DLQ
    table = ledger["balances_table_name"]
    state_key = {"orderId": {"S": gap_order}, "entry": {"S": "state"}}
    gap_state = int(dynamodb.get_item(TableName=table, Key=state_key, ConsistentRead=True)["Item"]["appliedSeq"]["N"])

    # the missing transaction arrives; the operator replays the parked order
    send(sqs, ledger["intake_queue_url"], ledger["intake_groups"], [(withheld, withheld.event_id)])
    processor.drain()
    consumer.drain()
    # The operator waits until nothing of the grouped queue is in flight (the replay refuses otherwise).
    held_before_replay = _attributes(sqs, ledger["grouped_queue_url"])
    if any(held_before_replay.values()):
        account.clock.advance(consumer.visibility_timeout_s + 1)
        consumer.drain()
    report = convoy_replay.replay(sqs, ledger["grouped_dlq_url"], ledger["grouped_queue_url"], [gap_order])
    consumer.drain()

    states = {i["orderId"]["S"]: i for i in _scan(dynamodb, table, run_id) if i["entry"]["S"] == "state"}
    rejections: dict[str, dict[int, str]] = defaultdict(dict)
    for i in _scan(dynamodb, table, run_id):
        if i["entry"]["S"].startswith("rejection#"):
            rejections[i["orderId"]["S"]][int(i["seq"]["N"])] = i["reason"]["S"]
    entries: dict[str, int] = defaultdict(int)
    for i in _scan(dynamodb, ledger["ledger_table_name"], run_id):
        entries[i["orderId"]["S"]] += 1
    expected = {order: expected_outcome(txns) for order, txns in book.items()}
    return LedgerResult(
        orders=orders,
        per_order=per_order,
        sent=len(sends) + 1,
        duplicates_sent=len(duplicates),
        gap_order=gap_order,
        missing_seq=missing_seq,
        expected_balances={o: e[0] for o, e in expected.items()},
        expected_rejections={o: e[1] for o, e in expected.items() if e[1]},
        balances={o: int(s["balance"]["N"]) for o, s in states.items()},
        applied_seq={o: int(s["appliedSeq"]["N"]) for o, s in states.items()},
        rejections=dict(rejections),
        ledger_entries=dict(entries),
        application_order=dict(recorder.first_success),
        timeline=recorder.timeline,
        processor_metrics=processor.environment.logs.metric_totals(),
        consumer_metrics=consumer.environment.logs.metric_totals(),
        faults_injected=sum(f.injected for f in faults),
        timeouts={"processor": processor.environment.timeouts, "consumer": consumer.environment.timeouts},
        gap_state_before_replay=gap_state,
        dlq_order=report.received.get(gap_order, []),
        replayed=report.moved.get(gap_order, []),
        held_before_replay=held_before_replay,
        parked_intake=_parked(sqs, ledger["intake_dlq_url"]),
        parked_grouped=_depth(sqs, ledger["grouped_dlq_url"]),
    )


def _attributes(sqs: Any, url: str) -> dict[str, int]:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return {n: int(attributes[n]) for n in names}


def _depth(sqs: Any, url: str) -> int:
    return sum(_attributes(sqs, url).values())


def _parked(sqs: Any, url: str) -> list[str]:
    """Each message in a DLQ (read at the end of the run, so receiving them costs nothing):
    which transaction, how often it had been received, and the reason if it was parked."""
    found = []
    while messages := sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["ApproximateReceiveCount"], MessageAttributeNames=["All"]
    ).get("Messages", []):
        for m in messages:
            try:
                d = json.loads(m["Body"])["eventDetails"]
                what = f"{d['orderId']} seq {d['seq']}"
            except (ValueError, KeyError, TypeError):
                what = m["Body"][:60]
            reason = m.get("MessageAttributes", {}).get("failureReason", {}).get("StringValue", "moved by redrive")
            found.append(f"{what} (received {m['Attributes']['ApproximateReceiveCount']}x, {reason})")
    return found
