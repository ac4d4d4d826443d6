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
