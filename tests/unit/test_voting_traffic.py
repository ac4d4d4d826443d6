"""The voting traffic plan has the promised mix, and its expected outcome follows the rules."""

from __future__ import annotations

from collections import Counter

from emulation.traffic import voting

T0 = 1_795_428_000_000


def test_ten_thousand_votes_have_the_issue_mix() -> None:
    plan = voting.plan(10_000, t0_ms=T0, run_id="r1")
    kinds = Counter(v.kind for v in plan.votes)
    assert len(plan.votes) == 10_000
    assert len({v.user_id for v in plan.votes}) == 2_000 and len(plan.polls) == 5
    assert kinds["revote"] + kinds["out_of_order"] == 1_000  # 10% re-votes
    assert kinds["out_of_order"] == 100  # 1% reach the API before the vote they replace
    assert kinds["duplicate"] == 200  # 2%
    assert kinds["edge_invalid"] + kinds["dlq"] == 50  # 0.5% malformed
    assert kinds["after_close"] > 0
    closing = max(plan.polls.values(), key=lambda p: -p[1])
    assert all(v.request_time_ms >= closing[1] for v in plan.votes if v.kind == "after_close")
    assert [v.request_time_ms for v in plan.votes] == sorted(v.request_time_ms for v in plan.votes)


def test_same_seed_same_traffic() -> None:
    assert voting.plan(500, t0_ms=T0, run_id="r").votes == voting.plan(500, t0_ms=T0, run_id="r").votes


def test_out_of_order_revotes_still_win() -> None:
    plan = voting.plan(10_000, t0_ms=T0, run_id="r1")
    expected = plan.expected()
    for late in (v for v in plan.votes if v.kind == "out_of_order"):
        winner = expected.winners[(late.poll_id, late.user_id)]
        assert winner >= (late.submitted_at_ms, late.choice)


def test_expected_outcome_accounts_for_every_request() -> None:
    expected = voting.plan(10_000, t0_ms=T0, run_id="r1").expected()
    assert expected.accepted + expected.refused_at_edge == 10_000
    assert expected.accepted == expected.admissible + sum(expected.rejected.values()) + expected.dead_lettered
    assert sum(sum(t.values()) for t in expected.tallies.values()) == len(expected.winners)
    assert set(expected.rejected) == {"UnknownPoll", "UnknownChoice", "PollClosed"}
