"""The consumer's rules, pure (no boto3, no Powertools).

Per order the consumer keeps the last applied `seq`, the balance (minor units) and its currency.
A transaction is decided against that state:

- `seq` at or below the applied one: a duplicate (redelivery, a client's second send), ignored;
- `seq` above applied + 1: a gap. It is never skipped: the item waits (fails), its group with it;
- a different currency, or a debit or refund larger than the balance: rejected with a reason; the
  rejection is recorded and the sequence moves on, so later transactions of the order still apply;
- otherwise applied: credit adds, debit and refund take away.
"""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.events import LedgerTransactionSubmitted

SIGN = {"credit": 1, "debit": -1, "refund": -1}


@dataclass(frozen=True, slots=True)
class OrderState:
    applied_seq: int = 0
    balance: int = 0
    currency: str | None = None


@dataclass(frozen=True, slots=True)
class Duplicate:
    pass


@dataclass(frozen=True, slots=True)
class Gap:
    expected_seq: int
    reason: str


@dataclass(frozen=True, slots=True)
class Applied:
    state: OrderState


@dataclass(frozen=True, slots=True)
class Rejected:
    state: OrderState  # the sequence moved on, the balance did not
    reason: str


Decision = Duplicate | Gap | Applied | Rejected


def decide(state: OrderState, txn: LedgerTransactionSubmitted) -> Decision:
    if txn.seq <= state.applied_seq:
        return Duplicate()
    expected = state.applied_seq + 1
    if txn.seq > expected:
        return Gap(expected, f"order {txn.order_id}: seq {txn.seq} arrived before seq {expected}; waiting for it")
    if state.currency is not None and txn.currency != state.currency:
        return Rejected(
            OrderState(txn.seq, state.balance, state.currency),
            f"currency {txn.currency} differs from the order's {state.currency}",
        )
    balance = state.balance + SIGN[txn.type] * txn.amount
    if balance < 0:
        return Rejected(
            OrderState(txn.seq, state.balance, state.currency or txn.currency),
            f"overdraft: {txn.type} of {txn.amount} {txn.currency} exceeds the balance of {state.balance}",
        )
    return Applied(OrderState(txn.seq, balance, state.currency or txn.currency))
