"""The processor's rules, pure (no boto3, no Powertools).

A transaction is appended to the immutable ledger once per (orderId, seq) and forwarded to the
grouped queue in its order's message group. The deduplication id is derived from the ledger key,
so forwarding the same transaction again (a redelivery, a client's duplicate send) within SQS's
5-minute window is dropped by SQS; after the window the consumer's applied sequence ignores it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from switchyard.events import Event, LedgerTransactionSubmitted
from switchyard.inputs import InvalidInput

SINGLE_INTAKE_GROUP = "all"


@dataclass(frozen=True, slots=True)
class GroupKey:
    """Where a message's group key is: a dotted JSON path into the body, or a message attribute."""

    json_field: str | None = None
    message_attribute: str | None = None

    def __post_init__(self) -> None:
        if (self.json_field is None) == (self.message_attribute is None):
            raise ValueError("GroupKey needs exactly one of json_field and message_attribute")


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    order_id: str
    seq: int
    type: str
    amount: int
    currency: str
    event_id: str
    occurred_at: str


@dataclass(frozen=True, slots=True)
class Forward:
    """What goes to the grouped queue: the intake body unchanged, in the key's message group."""

    body: str
    group_id: str
    deduplication_id: str


@dataclass(frozen=True, slots=True)
class Submitted:
    """A validated intake message: the event, its body as sent, its string message attributes."""

    event: Event[LedgerTransactionSubmitted]
    body: str
    attributes: Mapping[str, str]


def group_id(key: GroupKey, body: Mapping[str, Any], attributes: Mapping[str, str]) -> str:
    """The message group of a message (SQS allows 1-128 characters)."""
    if key.message_attribute is not None:
        value: Any = attributes.get(key.message_attribute)
        where = f"message attribute {key.message_attribute}"
    else:
        assert key.json_field is not None
        value, where = body, f"field {key.json_field}"
        for part in key.json_field.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, bool) or not isinstance(value, str | int) or not 1 <= len(str(value)) <= 128:
        raise InvalidInput(f"group key {where} must be a string or integer of 1-128 characters")
    return str(value)


def ledger_entry(event: Event[LedgerTransactionSubmitted]) -> LedgerEntry:
    d = event.details
    return LedgerEntry(d.order_id, d.seq, d.type, d.amount, d.currency, event.event_id, event.envelope.occurred_at)


def deduplication_id(entry: LedgerEntry) -> str:
    return f"{entry.order_id}:{entry.seq}"


def forward(item: Submitted, key: GroupKey) -> Forward:
    group = group_id(key, json.loads(item.body), item.attributes)
    return Forward(item.body, group, deduplication_id(ledger_entry(item.event)))


def intake_group_id(key: str, groups: int) -> str:
    """The intake message group a producer sends `key` to: one constant group (strictly serial
    intake, total order) or `hash(key) mod groups` (order per key, `groups` batches in flight)."""
    if not 1 <= groups <= 100:
        raise ValueError("groups must be 1-100")
    if groups == 1:
        return SINGLE_INTAKE_GROUP
    bucket = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % groups
    return f"intake-{bucket}"
