"""The ledger traffic's own arithmetic: the independent expectation and the interleaving."""

from __future__ import annotations

import random

from emulation.traffic import ledger


def test_expected_outcome_applies_in_seq_order_and_skips_overdrafts() -> None:
    txns = [
        ledger.Txn("o", 3, "debit", 80),  # listed out of order: sorted by seq
        ledger.Txn("o", 1, "credit", 100),
        ledger.Txn("o", 2, "debit", 30),
        ledger.Txn("o", 4, "refund", 20),
    ]
    # 100 - 30 = 70; debit 80 overdraws (rejected); refund 20 -> 50
    assert ledger.expected_outcome(txns) == (50, {3})


def test_interleaving_keeps_every_order_in_seq_order() -> None:
    rng = random.Random(3)
    book = ledger.plan("run", 5, 8, rng)
    stream = ledger.interleave(book, rng)
    assert len(stream) == 40
    for order in book:
        assert [t.seq for t in stream if t.order_id == order] == list(range(1, 9))
    assert [t.order_id for t in stream[:8]] != [stream[0].order_id] * 8  # really interleaved


def _result(**changes: object) -> ledger.LedgerResult:
    """What a clean 2 x 4 run reports: order o0 without seq 2 at first, replayed 3 and 4."""
    orders = {"o0": 120, "o1": 50}
    fields: dict[str, object] = {
        "orders": 2,
        "per_order": 4,
        "sent": 9,
        "duplicates_sent": 1,
        "gap_order": "o0",
        "missing_seq": 2,
        "expected_balances": orders,
        "expected_rejections": {"o1": {3}},
        "balances": dict(orders),
        "applied_seq": dict.fromkeys(orders, 4),
        "rejections": {"o1": {3: "overdraft: balance 50, debit 80"}},
        "ledger_entries": dict.fromkeys(orders, 4),
        "application_order": {order: [1, 2, 3, 4] for order in orders},
        "timeline": [(0.0, 1, 0), (30.0, 4, 1)],
        "processor_metrics": {"TransactionsRecorded": 8},
        "consumer_metrics": {"TransactionsApplied": 7, "TransactionsRejected": 1, "SequenceGaps": 3},
        "faults_injected": 1,
        "timeouts": {"processor": 0, "consumer": 0},
        "gap_state_before_replay": 1,
        "dlq_order": [3, 4],
        "replayed": [3, 4],
        "held_before_replay": {},
        "parked_intake": [],
        "parked_grouped": 0,
    }
    return ledger.LedgerResult(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_run_is_accounted_for_only_when_every_transaction_is_in_its_place() -> None:
    assert _result().accounted
    assert not _result(balances={"o0": 120, "o1": 130}).accounted  # a duplicate applied twice
    assert not _result(application_order={"o0": [1, 3, 2, 4], "o1": [1, 2, 3, 4]}).accounted  # out of order
    assert not _result(applied_seq={"o0": 1, "o1": 4}).accounted  # the parked order never replayed
    assert not _result(consumer_metrics={"TransactionsApplied": 7, "TransactionsRejected": 1}).accounted  # no gap
    assert not _result(dlq_order=[4, 3], replayed=[4, 3]).accounted  # parked out of order
    assert not _result(parked_intake=["o1 seq 2 (received 5x, moved by redrive)"]).accounted
    assert not _result(orders=3).accounted  # an order planned and never seen
