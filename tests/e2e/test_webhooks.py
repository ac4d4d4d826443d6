"""End to end, partner webhooks: events on the webhooks bus -> rules -> API destinations -> partners.

500 events of mixed types (UserRegistered free/team/pro, AccountDeactivationRequested,
AuditNoteRecorded, and look-alikes that must not match) are put on the dev platform's bus. The
emulator calls the sandbox's receiver (tests/e2e/conftest.py) the way EventBridge calls an API
destination, with emulator_patches.api_destination_body_and_auth filling in what moto 5.2.5
leaves out. The partners must see exactly the matching events, once each, with the exact
transformed payload and headers. Retries, rate limiting and dead-lettering are not emulated:
modules/api-destinations' tests cover their configuration.
"""

from __future__ import annotations

import base64
import json
import random
from typing import Any

import pytest

from switchyard import envelope
from tests.e2e.conftest import Deployed

pytestmark = pytest.mark.e2e
EVENTS = 500
BASIC = "Basic " + base64.b64encode(b"switchyard:sandbox-tickets-password").decode()


def _user(plan: str, n: int, rng: random.Random) -> dict[str, Any]:
    return {
        "userId": f"usr-{rng.randbytes(16).hex()}",
        "email": f"user{n}@example.com",
        "displayName": f"User {n}",
        "plan": plan,
        "source": rng.choice(["web", "ios", "android", "partner"]),
        "registeredAt": "2026-12-01T18:00:00Z",
    }


def _mixed_events(rng: random.Random) -> list[dict[str, Any]]:
    events = []
    for n in range(EVENTS):
        kind = rng.choice(["pro", "free", "team", "ban", "audit", "ban-v2"])
        if kind in ("pro", "free", "team"):
            event = envelope.new_event("registration-api", "UserRegistered", _user(kind, n, rng)).to_dict()
        elif kind == "audit":
            event = envelope.new_event("audit", "AuditNoteRecorded", {"actor": "ops", "note": f"note {n}"}).to_dict()
        else:
            details = {
                "accountId": f"usr-{rng.randbytes(16).hex()}",
                "reason": f"spam #{n}",
                "banDurationSeconds": 3600 + n,
            }
            event = envelope.new_event("bans-api", "AccountDeactivationRequested", details).to_dict()
            if kind == "ban-v2":  # a version the rule does not route, as a newer producer would send it
                event["eventVersion"] = 2
        events.append(event)
    return events


def _contact(event: dict[str, Any]) -> dict[str, Any]:
    d = event["eventDetails"]
    return {
        "externalId": d["userId"],
        "email": d["email"],
        "name": d["displayName"],
        "lifecycleStage": "customer",
        "plan": "pro",
        "signupSource": d["source"],
        "createdAt": d["registeredAt"],
    }


def _ticket(event: dict[str, Any]) -> dict[str, Any]:
    d = event["eventDetails"]
    return {
        "type": "account-deactivation",
        "priority": "high",
        "accountId": d["accountId"],
        "reason": d["reason"],
        "banDurationSeconds": d["banDurationSeconds"],
        "requestedAt": event["occurredAt"],
        "sourceEventId": event["eventId"],
    }


def test_partners_get_exactly_the_matching_events_transformed(deployed: Deployed) -> None:
    receiver = deployed.webhooks
    assert receiver is not None
    bus = deployed.platforms["dev"]["webhooks"]["bus_name"]
    events_client = deployed.account("dev").client("events")
    sent = _mixed_events(random.Random(17))
    before = len(receiver.requests)
    for start in range(0, len(sent), 10):  # PutEvents takes up to 10 entries
        batch = sent[start : start + 10]
        entries = [
            {"EventBusName": bus, "Source": e["eventSource"], "DetailType": e["eventType"], "Detail": json.dumps(e)}
            for e in batch
        ]
        assert events_client.put_events(Entries=entries)["FailedEntryCount"] == 0
    calls = receiver.requests[before:]  # moto calls the destination within PutEvents

    pro = {e["eventId"]: e for e in sent if e["eventType"] == "UserRegistered" and e["eventDetails"]["plan"] == "pro"}
    bans = {
        e["eventId"]: e for e in sent if e["eventType"] == "AccountDeactivationRequested" and e["eventVersion"] == 1
    }
    assert pro and bans and len(pro) + len(bans) < len(sent)  # the mix has non-matching events
    crm = [c for c in calls if c.path == "/crm"]
    tickets = [c for c in calls if c.path == "/tickets"]
    assert len(crm) + len(tickets) == len(calls), {c.path for c in calls}  # no other endpoint is called
    # One call per matching event, keyed by the Idempotency-Key the partner deduplicates on.
    assert sorted(c.headers["idempotency-key"] for c in crm) == sorted(pro)
    assert sorted(c.headers["idempotency-key"] for c in tickets) == sorted(bans)
    for call in crm:
        assert call.method == "POST"
        assert json.loads(call.body) == _contact(pro[call.headers["idempotency-key"]])
        assert call.headers["x-api-key"] == "sandbox-crm-key" and "authorization" not in call.headers
        assert call.headers["content-type"] == "application/json; charset=utf-8"
    for call in tickets:
        assert json.loads(call.body) == _ticket(bans[call.headers["idempotency-key"]])
        assert call.headers["authorization"] == BASIC and "x-api-key" not in call.headers
    print(f"webhooks: {len(sent)} events, {len(crm)} contacts, {len(tickets)} tickets")  # noqa: T201 - shown with -s
