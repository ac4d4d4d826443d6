"""End to end: the order ledger through the deployed sequential convoy, with faults, duplicates
and one order missing a seq, against an independent computation of every balance."""

from __future__ import annotations

import os
import time

import pytest

from emulation.traffic import ledger
from tests.e2e.conftest import WORKDIR, Deployed

pytestmark = pytest.mark.e2e
# The acceptance run is 200 orders x 50 transactions; the default keeps `make test` short.
# SWITCHYARD_LEDGER_E2E_SIZE=200x50 runs it.
ORDERS, PER_ORDER = (int(n) for n in os.environ.get("SWITCHYARD_LEDGER_E2E_SIZE", "40x10").split("x"))


def test_ledger_applies_every_order_in_seq_order_once_and_replays_a_parked_order(deployed: Deployed) -> None:
    started = time.monotonic()
    result = ledger.run(deployed.account("dev"), deployed.platforms["dev"], orders=ORDERS, per_order=PER_ORDER)
    summary = f"[dev] {time.monotonic() - started:.0f}s\n  " + "\n  ".join(result.summary_lines())
    (WORKDIR / "ledger-dev.txt").write_text(summary + "\n")
    print("\n" + summary)  # noqa: T201
    every_seq = list(range(1, PER_ORDER + 1))
    assert result.faults_injected > 0
    # every order: applied in strictly increasing seq order with no gap, to the end
    assert result.applied_seq == dict.fromkeys(result.expected_balances, PER_ORDER)
    assert result.application_order == dict.fromkeys(result.expected_balances, every_seq)
    # balances and rejections equal the independent computation; rejections carry their reason
    assert result.balances == result.expected_balances
    assert {o: set(r) for o, r in result.rejections.items()} == result.expected_rejections
    assert all(reason.startswith("overdraft: ") for r in result.rejections.values() for reason in r.values())
    # exactly once: one ledger entry per transaction, and the balances above (a duplicate applied
    # twice would change them). Metrics are never counted twice; an invocation stopped at its
    # timeout after its writes (this VM is slow under load) emits none, as in Lambda.
    assert result.ledger_entries == dict.fromkeys(result.expected_balances, PER_ORDER)
    total = ORDERS * PER_ORDER
    assert result.consumer_metrics["TransactionsApplied"] + result.consumer_metrics["TransactionsRejected"] <= total
    assert result.processor_metrics["TransactionsRecorded"] <= total
    # the gap: detected and reported, the order waited at the seq before it, its later
    # transactions were parked in order and replayed in order once the missing one came
    assert result.consumer_metrics["SequenceGaps"] > 0
    assert result.gap_state_before_replay == result.missing_seq - 1
    after_gap = list(range(result.missing_seq + 1, PER_ORDER + 1))
    # (a duplicate forwarded after SQS's 5-minute window can sit beside its original: same seq)
    assert sorted(set(result.dlq_order)) == after_gap and result.dlq_order == sorted(result.dlq_order)
    assert result.replayed == result.dlq_order
    # other orders kept progressing while the gap order failed
    failing = [point for point in result.timeline if point[2] > 0]
    assert failing and failing[-1][1] > failing[0][1]
    assert result.parked_intake == [] and result.parked_grouped == 0
