"""The ledger's pure rules: grouping and deduplication (processor), the order state machine (consumer)."""

from __future__ import annotations

import pytest

from ledger_consumer import core as consumer
from ledger_processor import core as processor
from switchyard.events import LedgerTransactionSubmitted
from switchyard.inputs import InvalidInput


def txn(seq: int, kind: str = "credit", amount: int = 100, currency: str = "EUR") -> LedgerTransactionSubmitted:
    return LedgerTransactionSubmitted("o-1", seq, kind, amount, currency)


# --- processor -----------------------------------------------------------------------------
def test_group_key_from_a_json_path_or_a_message_attribute() -> None:
    body = {"eventDetails": {"orderId": "o-7", "seq": 3}}
    assert processor.group_id(processor.GroupKey(json_field="eventDetails.orderId"), body, {}) == "o-7"
    assert processor.group_id(processor.GroupKey(json_field="eventDetails.seq"), body, {}) == "3"
    assert processor.group_id(processor.GroupKey(message_attribute="tenant"), body, {"tenant": "t-1"}) == "t-1"


@pytest.mark.parametrize(
    ("key", "body", "attributes"),
    [
        (processor.GroupKey(json_field="eventDetails.orderId"), {"eventDetails": {}}, {}),
        (processor.GroupKey(json_field="eventDetails.orderId.x"), {"eventDetails": {"orderId": "o"}}, {}),
        (processor.GroupKey(json_field="a"), {"a": True}, {}),
        (processor.GroupKey(json_field="a"), {"a": "x" * 129}, {}),
        (processor.GroupKey(message_attribute="tenant"), {}, {"other": "x"}),
        (processor.GroupKey(message_attribute="tenant"), {}, {"tenant": ""}),
    ],
)
def test_a_message_without_a_usable_group_key_is_invalid_input(
    key: processor.GroupKey, body: dict[str, object], attributes: dict[str, str]
) -> None:
    with pytest.raises(InvalidInput, match="group key"):
        processor.group_id(key, body, attributes)


def test_group_key_needs_exactly_one_place() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        processor.GroupKey()
    with pytest.raises(ValueError, match="exactly one"):
        processor.GroupKey(json_field="a", message_attribute="b")


def test_intake_groups_one_constant_group_or_a_stable_hash() -> None:
    assert {processor.intake_group_id(f"o-{i}", 1) for i in range(50)} == {"all"}
    groups = {processor.intake_group_id(f"o-{i}", 4) for i in range(200)}
    assert groups == {"intake-0", "intake-1", "intake-2", "intake-3"}
    assert processor.intake_group_id("o-9", 4) == processor.intake_group_id("o-9", 4)
    with pytest.raises(ValueError, match="1-100"):
        processor.intake_group_id("o", 0)


def test_deduplication_id_is_the_ledger_key() -> None:
    entry = processor.LedgerEntry("o-1", 12, "debit", 5, "EUR", "ev-1", "2026-12-01T00:00:00.000Z")
    assert processor.deduplication_id(entry) == "o-1:12"


# --- consumer ------------------------------------------------------------------------------
def test_applies_in_order_credit_adds_debit_and_refund_take_away() -> None:
    state = consumer.OrderState()
    for t in (txn(1, "credit", 500), txn(2, "debit", 200), txn(3, "refund", 100)):
        decision = consumer.decide(state, t)
        assert isinstance(decision, consumer.Applied)
        state = decision.state
    assert state == consumer.OrderState(3, 200, "EUR")


def test_a_seen_seq_is_a_duplicate_and_a_gap_waits() -> None:
    state = consumer.OrderState(4, 100, "EUR")
    assert consumer.decide(state, txn(4)) == consumer.Duplicate()
    assert consumer.decide(state, txn(1)) == consumer.Duplicate()
    gap = consumer.decide(state, txn(6))
    assert isinstance(gap, consumer.Gap) and gap.expected_seq == 5 and "seq 6 arrived before seq 5" in gap.reason


def test_an_overdraft_is_rejected_with_a_reason_and_the_sequence_moves_on() -> None:
    decision = consumer.decide(consumer.OrderState(2, 100, "EUR"), txn(3, "debit", 101))
    assert decision == consumer.Rejected(
        consumer.OrderState(3, 100, "EUR"), "overdraft: debit of 101 EUR exceeds the balance of 100"
    )
    # a first transaction that is a debit overdraws the empty order
    first = consumer.decide(consumer.OrderState(), txn(1, "refund", 1))
    assert isinstance(first, consumer.Rejected) and first.state == consumer.OrderState(1, 0, "EUR")


def test_another_currency_is_rejected() -> None:
    decision = consumer.decide(consumer.OrderState(1, 100, "EUR"), txn(2, "credit", 5, "USD"))
    assert isinstance(decision, consumer.Rejected) and "USD differs from the order's EUR" in decision.reason
    assert decision.state == consumer.OrderState(2, 100, "EUR")
