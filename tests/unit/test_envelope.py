"""The shared envelope: valid events round-trip, bad ones fail with a reason, never a crash."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from switchyard import envelope


def valid() -> dict[str, object]:
    return {
        "eventSource": "ops-console",
        "eventType": "AuditNoteRecorded",
        "eventVersion": 1,
        "eventId": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "occurredAt": "2026-11-23T10:00:00.000Z",
        "eventDetails": {"actor": "alice", "note": "rotated keys"},
    }


def test_parse_accepts_a_valid_event_and_round_trips() -> None:
    event = envelope.parse(json.dumps(valid()))
    assert event.event_type == "AuditNoteRecorded"
    assert envelope.parse(event.to_json()) == event
    assert json.loads(event.to_json()) == valid()


@pytest.mark.parametrize(
    ("raw", "reason_part"),
    [
        ("not json", "body is not JSON"),
        (json.dumps({**valid(), "eventId": None}), "envelope invalid"),
        (json.dumps({k: v for k, v in valid().items() if k != "occurredAt"}), "envelope invalid"),
        (json.dumps({**valid(), "extra": 1}), "envelope invalid"),
        (json.dumps({**valid(), "eventType": "NoSuchEvent"}), "unknown eventType 'NoSuchEvent'"),
        (json.dumps({**valid(), "eventDetails": {"actor": "alice"}}), "AuditNoteRecorded.v1 eventDetails invalid"),
    ],
)
def test_parse_rejects_bad_events_with_a_reason(raw: str, reason_part: str) -> None:
    with pytest.raises(envelope.EventValidationError) as caught:
        envelope.parse(raw)
    assert reason_part in caught.value.reason


def test_unknown_version_is_its_own_clear_error() -> None:
    with pytest.raises(envelope.UnknownEventVersionError) as caught:
        envelope.parse({**valid(), "eventVersion": 7})
    assert caught.value.reason == "AuditNoteRecorded version 7 is not supported (supported: 1)"


def test_new_event_validates_before_emit_and_fills_id_and_time() -> None:
    event = envelope.new_event(
        "ops-console",
        "AuditNoteRecorded",
        {"actor": "bob", "note": "hi"},
        occurred_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    assert event.occurred_at == "2026-01-02T03:04:05.000Z"
    assert len(event.event_id) == 36
    with pytest.raises(envelope.EventValidationError):
        envelope.new_event("ops-console", "AuditNoteRecorded", {"actor": "bob"})
