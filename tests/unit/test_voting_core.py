"""Voting rules, pure: parsing, admissibility, last-submission-wins, tally changes, schema parity."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from voting import core

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "lambdas" / "voting" / "vote.schema.json"
ATTRS = {"pollId": "p1", "requestId": "req-1", "receivedAtEpochMs": "1795000000000"}
POLL = core.Poll("p1", frozenset({"red", "blue"}), closes_at_ms=1795000000000 + 60_000)


def body(**overrides: object) -> str:
    return json.dumps({"userId": "u1", "choice": "red", "submittedAt": "2026-11-23T10:00:00.000Z", **overrides})


def vote(choice: str = "red", at: int = 1000, received: int = 1795000000000) -> core.Vote:
    return core.Vote("p1", "u1", choice, at, "req", received)


def test_a_valid_message_becomes_a_vote() -> None:
    parsed = core.parse_vote(body(), ATTRS, core.VoterIdentity.BODY)
    assert parsed == core.Vote("p1", "u1", "red", 1795428000000, "req-1", 1795000000000)


@pytest.mark.parametrize(
    ("raw", "attributes", "reason"),
    [
        ("{not json", ATTRS, "body is not JSON"),
        ("[1]", ATTRS, "vote invalid: body must be object"),
        (json.dumps({"userId": "u1"}), ATTRS, "body must contain ['choice', 'submittedAt'] properties"),
        (body(extra=1), ATTRS, "body must not contain {'extra'} properties"),
        (body(userId="has space"), ATTRS, "body.userId must match pattern"),
        (body(choice=""), ATTRS, "body.choice must be longer than or equal to 1"),
        (body(submittedAt="yesterday"), ATTRS, "body.submittedAt must match pattern"),
        (body(choice="\ud800"), ATTRS, "not valid Unicode"),
        (body(submittedAt="2026-11-23T10:00:00+99:00"), ATTRS, "not a real date"),
        (body(submittedAt="2026-02-30T10:00:00Z"), ATTRS, "not a real date"),
        (body(), {"requestId": "r", "receivedAtEpochMs": "1"}, "pollId missing"),
        (body(), {**ATTRS, "receivedAtEpochMs": "soon"}, "receivedAtEpochMs is not a number"),
    ],
)
def test_malformed_messages_say_why(raw: str, attributes: dict[str, str], reason: str) -> None:
    with pytest.raises(core.MalformedVote) as caught:
        core.parse_vote(raw, attributes, core.VoterIdentity.BODY)
    assert reason in caught.value.reason


def test_with_iam_access_the_voter_is_the_signer_and_a_body_may_not_name_one() -> None:
    signed = {**ATTRS, "callerId": "AROAVOTER:u42"}
    unnamed = json.dumps({"choice": "red", "submittedAt": "2026-11-23T10:00:00.000Z"})
    assert core.parse_vote(unnamed, signed, core.VoterIdentity.CALLER).user_id == "AROAVOTER:u42"
    # a body naming a user (someone voting as another) is malformed, even beside a signer
    with pytest.raises(core.MalformedVote, match=r"must not contain \{'userId'\}"):
        core.parse_vote(body(userId="victim"), signed, core.VoterIdentity.CALLER)
    # a message without the API's callerId did not come through the signed API: parked
    with pytest.raises(core.MalformedVote, match="callerId missing"):
        core.parse_vote(unnamed, ATTRS, core.VoterIdentity.CALLER)
    # behind an API key the body names the voter; callerId, if a sender sets one, is ignored
    assert core.parse_vote(body(), signed, core.VoterIdentity.BODY).user_id == "u1"


def test_the_consumer_validates_against_the_schema_api_gateway_uses() -> None:
    """One source of truth: make copies this file into the artifacts, where modules/platform/voting.tf
    gives it to API Gateway's model (the module reads nothing of the repository but its inputs)."""
    root = Path(__file__).resolve().parents[2]
    voting_tf = (root / "modules" / "platform" / "voting.tf").read_text()
    assert 'file("${var.artifacts_dir}/schemas/vote.schema.json")' in voting_tf
    makefile = (root / "Makefile").read_text()
    assert "build/schemas/vote.schema.json: lambdas/voting/vote.schema.json\n\t@mkdir -p $(@D) && cp $< $@" in makefile
    assert core.SCHEMA_FILE == SCHEMA_FILE
    assert not hasattr(core, "USER_ID") and not hasattr(core, "SUBMITTED_AT")  # no second copy of its rules


def test_votes_are_grouped_by_voter_within_the_transaction_limit() -> None:
    votes = [core.Vote("p1", f"u{i % 4}", "red", i, f"r{i}", 0) for i in range(10)]
    groups = core.voter_groups(votes, max_voters=3)
    assert [sorted({votes[i].user_id for i in g}) for g in groups] == [["u0", "u1", "u2"], ["u3"]]
    assert sorted(i for g in groups for i in g) == list(range(10))


def test_rejections_have_reasons() -> None:
    assert core.rejection(vote(), None) is core.Rejection.UNKNOWN_POLL
    assert core.rejection(vote(choice="green"), POLL) is core.Rejection.UNKNOWN_CHOICE
    assert core.rejection(vote(received=POLL.closes_at_ms), POLL) is core.Rejection.POLL_CLOSED
    assert core.rejection(vote(received=POLL.closes_at_ms - 1), POLL) is None


def test_first_vote_counts_once() -> None:
    decision = core.decide(vote(), None)
    assert decision.outcome is core.Outcome.RECORDED and decision.tally_changes == {"red": 1}


def test_later_submission_moves_the_vote() -> None:
    decision = core.decide(vote("blue", at=2000), core.StoredVote("red", 1000))
    assert decision.outcome is core.Outcome.REPLACED and decision.tally_changes == {"red": -1, "blue": 1}


def test_later_submission_of_the_same_choice_changes_no_tally() -> None:
    decision = core.decide(vote("red", at=2000), core.StoredVote("red", 1000))
    assert decision.outcome is core.Outcome.REPLACED and decision.tally_changes == {}


def test_earlier_submission_arriving_late_is_ignored() -> None:
    decision = core.decide(vote("blue", at=500), core.StoredVote("red", 1000))
    assert decision.outcome is core.Outcome.SUPERSEDED and not decision.writes


def test_redelivery_is_a_duplicate() -> None:
    decision = core.decide(vote("red", at=1000), core.StoredVote("red", 1000))
    assert decision.outcome is core.Outcome.DUPLICATE and decision.tally_changes == {}


def test_same_millisecond_tie_is_broken_by_choice_in_any_order() -> None:
    a, b = vote("blue", at=1000), vote("red", at=1000)
    assert core.decide(b, core.StoredVote("blue", 1000)).outcome is core.Outcome.REPLACED
    assert core.decide(a, core.StoredVote("red", 1000)).outcome is core.Outcome.SUPERSEDED


def test_several_votes_of_one_voter_in_a_batch_are_decided_together() -> None:
    first, later, redelivered = vote("red", at=1000), vote("blue", at=2000), vote("blue", at=2000)
    latest, decisions = core.decide_all([first, later, redelivered], None)
    assert latest == 1
    assert [d.outcome for d in decisions] == [core.Outcome.SUPERSEDED, core.Outcome.RECORDED, core.Outcome.DUPLICATE]
    assert decisions[latest].tally_changes == {"blue": 1}
    # against a stored vote that is later than all of them, nothing is written
    latest, decisions = core.decide_all([first, later], core.StoredVote("red", 3000))
    assert not any(d.writes for d in decisions)
    assert [d.outcome for d in decisions] == [core.Outcome.SUPERSEDED, core.Outcome.SUPERSEDED]
