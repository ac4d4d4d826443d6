"""The webhooks traffic's own expectations (what each partner must receive), the receiver's fixed
port and the demo's choice of it, without an emulator."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from emulation import demo
from emulation.traffic import webhooks
from emulation.webhook_receiver import Request, WebhookReceiver


def _call(path: str, event: dict[str, Any], body: dict[str, Any], **headers: str) -> Request:
    """A partner call as the emulator makes it for `event`."""
    return Request(
        method="POST",
        path=path,
        query={},
        headers={"content-type": "application/json; charset=utf-8", "idempotency-key": event["eventId"], **headers},
        body=json.dumps(body).encode(),
    )


def _expected_calls(sent: list[dict[str, Any]]) -> list[Request]:
    pro, bans = webhooks.matching(sent)
    return [_call("/crm", e, webhooks.contact(e), **{"x-api-key": webhooks.CRM_API_KEY}) for e in pro.values()] + [
        _call("/tickets", e, webhooks.ticket(e), authorization=webhooks.BASIC) for e in bans.values()
    ]


def test_the_mix_holds_each_kind_and_only_pro_sign_ups_and_v1_deactivations_match() -> None:
    sent = webhooks.mixed_events(random.Random(17), 40)
    kinds = {webhooks.kind_of(e) for e in sent}
    assert kinds == set(webhooks.KINDS)
    pro, bans = webhooks.matching(sent)
    assert {webhooks.kind_of(e) for e in pro.values()} == {"pro"}
    assert {webhooks.kind_of(e) for e in bans.values()} == {"ban"}
    assert len(pro) + len(bans) < len(sent)
    assert len({e["eventId"] for e in sent}) == len(sent)  # the Idempotency-Key the accounting keys on
    again = webhooks.mixed_events(random.Random(17), 40)  # a second run: same mix, new event ids
    assert [webhooks.kind_of(e) for e in again] == [webhooks.kind_of(e) for e in sent]
    assert not {e["eventId"] for e in again} & {e["eventId"] for e in sent}


def test_exactly_the_expected_calls_have_no_problem_and_each_departure_is_named() -> None:
    sent = webhooks.mixed_events(random.Random(5), 30)
    pro, bans = webhooks.matching(sent)
    calls = _expected_calls(sent)
    assert webhooks.check_calls(calls, pro, bans) == []
    crm = next(c for c in calls if c.path == "/crm")
    ticket = next(c for c in calls if c.path == "/tickets")
    # a matching event that reached nobody, or reached its partner twice
    assert webhooks.check_calls([c for c in calls if c is not crm], pro, bans) == [
        f"/crm: {len(pro) - 1} calls for {len(pro)} events (missing ['{crm.headers['idempotency-key']}'], extra [])"
    ]
    assert webhooks.check_calls([*calls, ticket], pro, bans) == [
        f"/tickets: {len(bans) + 1} calls for {len(bans)} events (missing [], extra [])"
    ]
    # a non-matching event delivered
    audit = next(e for e in sent if webhooks.kind_of(e) == "audit")
    assert webhooks.check_calls([*calls, _call("/audit", audit, {})], pro, bans) == [
        "calls to other endpoints: ['/audit']"
    ]
    # a body not transformed as the partner expects, and a call without the partner's credentials
    wrong = Request(crm.method, crm.path, crm.query, crm.headers, json.dumps({"email": "x"}).encode())
    assert any("body" in p for p in webhooks.check_calls([wrong if c is crm else c for c in calls], pro, bans))
    anonymous = Request(ticket.method, ticket.path, ticket.query, {"idempotency-key": "k"}, ticket.body)
    found = webhooks.check_calls([anonymous if c is ticket else c for c in calls], pro, bans)
    assert any("basic auth" in p for p in found)


def test_the_receiver_binds_the_port_asked_for_and_refuses_a_taken_one() -> None:
    with WebhookReceiver(max_requests=1, lifetime_s=30) as first:
        port = int(first.url.rsplit(":", 1)[1])
        with pytest.raises(OSError):
            WebhookReceiver(lifetime_s=30, port=port)
    with WebhookReceiver(max_requests=1, lifetime_s=30, port=port) as again:  # free again: the same URL
        assert again.url == first.url


def test_the_demo_keeps_its_receiver_port_and_takes_another_only_when_it_is_taken(tmp_path: Path) -> None:
    port_file = tmp_path / "webhook-receiver.json"
    first = demo.start_receiver(port_file)
    first.stop()
    stored = json.loads(port_file.read_text())["port"]
    assert first.url == f"http://127.0.0.1:{stored}"
    second = demo.start_receiver(port_file)  # the next run: the URL the destinations name
    try:
        assert second.url == first.url
        third = demo.start_receiver(port_file)  # taken (by the second): a free port, remembered
        third.stop()
        assert third.url != second.url and json.loads(port_file.read_text())["port"] == int(third.url.split(":")[-1])
    finally:
        second.stop()


def test_a_stored_port_that_is_not_a_port_is_replaced(tmp_path: Path) -> None:
    port_file = tmp_path / "webhook-receiver.json"
    port_file.write_text("{not json")
    receiver = demo.start_receiver(port_file)
    receiver.stop()
    assert json.loads(port_file.read_text())["port"] == int(receiver.url.split(":")[-1])
