"""Typed event details against their JSON Schemas: the schema is the source of truth, each
dataclass must name exactly its properties, with the same required set and types."""

from __future__ import annotations

import dataclasses
import json
import typing

import pytest

from switchyard import envelope, events

JSON_TYPES = {str: "string", int: "integer", bool: "boolean", float: "number"}


def schema_files() -> list[str]:
    return sorted(p.stem for p in envelope.SCHEMA_DIR.glob("*.v*.json"))


def test_every_event_schema_has_a_details_class() -> None:
    classes = sorted(f"{c.EVENT_TYPE}.v{c.EVENT_VERSION}" for c in events.DETAILS_TYPES)
    assert classes == schema_files()


@pytest.mark.parametrize("details_type", events.DETAILS_TYPES, ids=lambda c: c.__name__)
def test_details_class_matches_its_schema(details_type: type) -> None:
    schema = json.loads(
        (envelope.SCHEMA_DIR / f"{details_type.EVENT_TYPE}.v{details_type.EVENT_VERSION}.json").read_text()
    )
    fields = dataclasses.fields(details_type)
    hints = typing.get_type_hints(details_type)
    assert {events.json_name(f.name) for f in fields} == set(schema["properties"])
    required = {
        events.json_name(f.name)
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    assert required == set(schema.get("required", []))
    assert schema.get("additionalProperties") is False  # so a typed class can hold every valid event
    for f in fields:
        assert JSON_TYPES[hints[f.name]] == schema["properties"][events.json_name(f.name)]["type"], f.name


def test_parse_as_refuses_another_event_type_with_a_reason() -> None:
    note = envelope.new_event("ops-console", "AuditNoteRecorded", {"actor": "a", "note": "n"})
    with pytest.raises(envelope.EventValidationError, match="this consumer handles UserRegistered"):
        events.parse_as(events.UserRegistered, note.to_json())
    parsed = events.parse_as(events.AuditNoteRecorded, note.to_json())
    assert parsed.details == events.AuditNoteRecorded(actor="a", note="n") and parsed.event_id == note.event_id
