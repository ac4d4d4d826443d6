"""End to end: account banning through the deployed TTL scheduler: reports, bans, re-bans that
extend, early lifts, poison ban items and TTL expiry on the simulated clock, against an
independent computation of every account's final state."""

from __future__ import annotations

import os
import time

import pytest

from emulation.traffic import bans
from tests.e2e.conftest import WORKDIR, Deployed

pytestmark = [pytest.mark.e2e, pytest.mark.advances_clock]  # TTL expiry: the clock moves by days
# The acceptance run is 1,000 accounts and 300 bans (50 re-bans that extend, 20 early
# lifts, 10 poison records): SWITCHYARD_BANS_E2E_SIZE=1000x300 runs it (469 s on this loaded
# machine). The default, a fifth of it (10 re-bans, 4 lifts, 2 poison records), keeps `make test` short.
ACCOUNTS, BANS = (int(n) for n in os.environ.get("SWITCHYARD_BANS_E2E_SIZE", "200x60").split("x"))
SCALE = BANS / 300


def test_bans_extend_lifts_bypass_ttl_poison_is_bisected_to_the_on_failure_queue(deployed: Deployed) -> None:
    started = time.monotonic()
    result = bans.run(
        deployed.account("dev"),
        deployed.platforms["dev"],
        accounts=ACCOUNTS,
        bans=BANS,
        rebans=max(1, round(50 * SCALE)),
        shorter_rebans=max(1, round(10 * SCALE)),
        lifts=max(1, round(20 * SCALE)),
        poison=max(1, round(10 * SCALE)),
    )
    elapsed = time.monotonic() - started
    summary = f"[dev] {elapsed:.0f}s\n  " + "\n  ".join(result.summary_lines())
    (WORKDIR / "bans-dev.txt").write_text(summary + "\n")
    print("\n" + summary)  # noqa: T201

    # every account's final state equals the rules' computation: status, ban version (each
    # extension once), how it was reactivated, and TTL reactivations exactly once per expired ban
    assert result.actual == result.expected
    assert result.actual_until == result.expected_until  # still-banned accounts: the extended end
    assert result.rebans_extending == round(50 * SCALE) and result.rebans_shorter >= 1
    assert result.accounts_metrics["BansExtended"] == result.rebans_extending
    assert result.accounts_metrics.get("BansNotExtended", 0) >= result.rebans_shorter  # never shortened
    # lifts never ran the reactivation path: their deletes were filtered out of the stream
    assert result.lifts == round(20 * SCALE)
    assert not set(result.lifted) & set(result.stream_seen)
    assert all(result.actual[a]["reactivatedBy"] == "lift" for a in result.lifted)
    assert result.reactivation_metrics.get("ManualDeletesIgnored", 0) == 0  # the filter, not the handler, kept them out
    # poison: each alone in an on-failure record (bisected down to it), and only the poison
    assert result.bisections > 0
    assert len(result.on_failure) == result.poison
    infos = [r["DDBStreamBatchInfo"] for r in result.on_failure]
    assert all(i["batchSize"] == 1 and i["startSequenceNumber"] == i["endSequenceNumber"] for i in infos)
    assert {i["startSequenceNumber"] for i in infos} == result.poison_sequence_numbers
    assert all(r["requestContext"]["condition"] == "RetryAttemptsExhausted" for r in result.on_failure)
    # nothing lost, nothing applied twice: every expired ban reactivated once, counted once
    expired = sum(1 for e in result.expected.values() if e["reactivatedBy"] == "ttl")
    assert result.reactivation_metrics["AccountsReactivated"] == expired
    assert result.expired_by_ttl == expired + result.poison
    # a past-due ban not yet deleted reads as not banned
    assert result.past_due_item_present and result.past_due_read["banned"] is False
    assert result.parked == {"reports": 0, "accounts": 0}


def test_a_second_bans_run_reads_only_its_own_stream_records(deployed: Deployed) -> None:
    """Lambda keeps a stream mapping's position for as long as the mapping exists: a second
    traffic run, in a new poller, goes on after the first run's records instead of reading them
    again from TRIM_HORIZON (where the first run's poison, and every record past the mapping's
    maximum age, would reach the on-failure queue a second time)."""
    result = bans.run(
        deployed.account("dev"),
        deployed.platforms["dev"],
        accounts=150,  # the traffic dismisses 100 reports against accounts it never bans
        bans=20,
        rebans=3,
        shorter_rebans=1,
        lifts=2,
        poison=2,
    )
    print("\n[dev, second run]\n  " + "\n  ".join(result.summary_lines()))  # noqa: T201
    assert len(result.on_failure) == result.poison == 2
    assert {r["DDBStreamBatchInfo"]["startSequenceNumber"] for r in result.on_failure} == result.poison_sequence_numbers
    assert set(result.stream_seen) <= set(result.expected) | set(result.orphans)  # nothing of the first run
    assert result.accounted
