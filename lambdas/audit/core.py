"""Pure domain logic of the audit log: what an entry holds. No AWS, no Powertools."""

from __future__ import annotations

import json
from dataclasses import dataclass

from switchyard.envelope import Envelope


@dataclass(frozen=True, slots=True)
class AuditEntry:
    event_id: str
    event_type: str
    event_version: int
    event_source: str
    occurred_at: str
    received_at_ms: int
    details_json: str


def audit_entry(envelope: Envelope, *, received_at_ms: int) -> AuditEntry:
    return AuditEntry(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        event_version=envelope.event_version,
        event_source=envelope.event_source,
        occurred_at=envelope.occurred_at,
        received_at_ms=received_at_ms,
        details_json=json.dumps(dict(envelope.event_details), separators=(",", ":"), sort_keys=True),
    )
