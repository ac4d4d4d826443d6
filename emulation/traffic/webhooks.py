"""Traffic for the partner webhooks (modules/api-destinations): events on the webhooks bus reach
the partners' HTTP endpoints, transformed, through EventBridge rules and API destinations.

The partners are one local receiver (emulation/webhook_receiver.py) whose URL the sandbox was
applied with (`TF_VAR_webhook_receiver_url`): `/crm` gets pro users' UserRegistered as CRM
contacts (API key header), `/tickets` gets AccountDeactivationRequested v1 as trust-and-safety
tickets (basic auth). The emulator calls them within PutEvents, the way EventBridge calls an API
destination (emulator_patches.api_destination_body_and_auth fills in what moto 5.2.5 leaves out).

1. The bus: `events` envelopes of mixed types (UserRegistered free/team/pro,
   AccountDeactivationRequested v1, the same in a version the rule does not route, and
   AuditNoteRecorded) are put on the bus. Exactly the matching ones must reach the receiver,
   once each (keyed by the Idempotency-Key header, the envelope's eventId), with the exact
   transformed body and the partner's credentials.
2. The registration feed (when `signups` > 0): the deployed registration function publishes
   sign-ups to its topic, SNS delivers them raw to the bus queue, and the deployed EventBridge
   Pipe, which moto stores but never runs, is played by emulation/harness/pipe_source.py with the
   pipe's own role. First the pipe is drained of what earlier traffic left in its queue (the
   registration workload's sign-ups: reported, not checked); then each new pro sign-up must reach
   the CRM as one contact, and nothing else.

Every event id is new on every run (uuid4), and only calls made during this run are read, so
runs on the same emulator are independent. Retries, rate limiting and dead-lettering are not
emulated: modules/api-destinations' tests cover their configuration.
"""

from __future__ import annotations

import base64
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from emulation.harness.accounts import SimulatedAccount
from emulation.traffic import registration
from emulation.webhook_receiver import Request, WebhookReceiver
from switchyard import envelope

NAME = "webhooks"
# The sandbox's fake partner credentials (environments/sandbox/main.tf, webhook_credentials).
CRM_API_KEY = "sandbox-crm-key"
BASIC = "Basic " + base64.b64encode(b"switchyard:sandbox-tickets-password").decode()
KINDS = ["pro", "free", "team", "ban", "audit", "ban-v2"]


def user(plan: str, n: int, rng: random.Random) -> dict[str, Any]:
    return {
        "userId": f"usr-{rng.randbytes(16).hex()}",
        "email": f"user{n}@example.com",
        "displayName": f"User {n}",
        "plan": plan,
        "source": rng.choice(["web", "ios", "android", "partner"]),
        "registeredAt": "2026-12-01T18:00:00Z",
    }


def mixed_events(rng: random.Random, count: int) -> list[dict[str, Any]]:
    """`count` envelopes, each kind drawn from KINDS: some match a partner's rule, some must not."""
    events = []
    for n in range(count):
        kind = rng.choice(KINDS)
        if kind in ("pro", "free", "team"):
            event = envelope.new_event("registration-api", "UserRegistered", user(kind, n, rng)).to_dict()
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


def kind_of(event: dict[str, Any]) -> str:
    """The KINDS name of an envelope mixed_events made."""
    if event["eventType"] == "UserRegistered":
        return str(event["eventDetails"]["plan"])
    if event["eventType"] == "AccountDeactivationRequested":
        return "ban" if event["eventVersion"] == 1 else f"ban-v{event['eventVersion']}"
    return "audit"


def contact(event: dict[str, Any]) -> dict[str, Any]:
    """The CRM's body for a pro UserRegistered (the crm destination's input transformer)."""
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


def ticket(event: dict[str, Any]) -> dict[str, Any]:
    """Trust-and-safety's body for an AccountDeactivationRequested v1."""
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


def matching(sent: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(pro sign-ups, v1 deactivations) by eventId: what the crm and trust-and-safety rules route."""
    pro = {e["eventId"]: e for e in sent if e["eventType"] == "UserRegistered" and e["eventDetails"]["plan"] == "pro"}
    bans = {
        e["eventId"]: e for e in sent if e["eventType"] == "AccountDeactivationRequested" and e["eventVersion"] == 1
    }
    return pro, bans


def _body(call: Request) -> Any:
    try:
        return json.loads(call.body)
    except ValueError:
        return call.body[:80]


def check_calls(calls: list[Request], pro: dict[str, dict[str, Any]], bans: dict[str, dict[str, Any]]) -> list[str]:
    """What differs between the partners' calls and one call per matching event, transformed and
    authenticated as each partner expects; [] when nothing does."""
    problems = []
    crm = [c for c in calls if c.path == "/crm"]
    tickets = [c for c in calls if c.path == "/tickets"]
    if other := sorted({c.path for c in calls} - {"/crm", "/tickets"}):
        problems.append(f"calls to other endpoints: {other}")
    for path, got, expected in (("/crm", crm, pro), ("/tickets", tickets, bans)):
        keys = sorted(c.headers.get("idempotency-key", "") for c in got)
        if keys != sorted(expected):
            missing, extra = sorted(set(expected) - set(keys)), sorted(set(keys) - set(expected))
            problems.append(f"{path}: {len(got)} calls for {len(expected)} events (missing {missing}, extra {extra})")
    for call in crm:
        event = pro.get(call.headers.get("idempotency-key", ""))
        if event is not None and _body(call) != contact(event):
            problems.append(f"/crm {event['eventId']}: body {_body(call)!r}, expected {contact(event)!r}")
        if call.method != "POST" or call.headers.get("content-type") != "application/json; charset=utf-8":
            problems.append(f"/crm: {call.method} with content-type {call.headers.get('content-type')!r}")
        if call.headers.get("x-api-key") != CRM_API_KEY or "authorization" in call.headers:
            problems.append("/crm: not authenticated with the CRM's API key alone")
    for call in tickets:
        event = bans.get(call.headers.get("idempotency-key", ""))
        if event is not None and _body(call) != ticket(event):
            problems.append(f"/tickets {event['eventId']}: body {_body(call)!r}, expected {ticket(event)!r}")
        if call.headers.get("authorization") != BASIC or "x-api-key" in call.headers:
            problems.append("/tickets: not authenticated with trust-and-safety's basic auth alone")
    return problems


def put_on_bus(events_client: Any, bus: str, events: list[dict[str, Any]]) -> None:
    """Each envelope as the producers put it: Source = eventSource, DetailType = eventType."""
    for start in range(0, len(events), 10):  # PutEvents takes up to 10 entries
        batch = events[start : start + 10]
        entries = [
            {"EventBusName": bus, "Source": e["eventSource"], "DetailType": e["eventType"], "Detail": json.dumps(e)}
            for e in batch
        ]
        response = events_client.put_events(Entries=entries)
        if response["FailedEntryCount"]:
            raise RuntimeError(f"put_events failed: {[e for e in response['Entries'] if 'ErrorCode' in e]}")


@dataclass
class FeedResult:
    """The registration feed: sign-ups -> topic -> bus queue -> pipe -> bus -> CRM."""

    settled: int  # messages earlier traffic had left in the bus queue, put on the bus first
    settled_calls: int  # partner calls those made (not checked: not this run's events)
    signups: int
    pro: int
    put: int  # of this run's sign-ups, put on the bus by the pipe
    crm_calls: int  # partner calls this run's sign-ups made (all must be CRM contacts of pro users)
    left_in_queue: int
    dlq_delta: int
    problems: list[str] = field(default_factory=list)

    @property
    def accounted(self) -> bool:
        return self.put == self.signups and not self.problems and self.left_in_queue == 0 and self.dlq_delta == 0


@dataclass
class WebhooksResult:
    sent: int
    kinds: dict[str, int]
    crm_calls: int
    ticket_calls: int
    expected_crm: int
    expected_tickets: int
    problems: list[str]
    dlq_depths: dict[str, int]
    feed: FeedResult | None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def accounted(self) -> bool:
        return not self.problems and (self.feed is None or self.feed.accounted)

    def summary_lines(self) -> list[str]:
        lines = [
            f"put {self.sent} events on the bus {dict(sorted(self.kinds.items()))}: "
            f"{self.crm_calls} CRM contacts (expected {self.expected_crm}), "
            f"{self.ticket_calls} tickets (expected {self.expected_tickets}), every body as transformed: "
            f"{not self.problems}; partner DLQs {self.dlq_depths}"
        ]
        if self.feed is not None:
            f = self.feed
            lines.append(
                f"registration feed: the pipe first put the {f.settled} messages earlier traffic left in its queue "
                f"({f.settled_calls} partner calls); then {f.signups} sign-ups ({f.pro} pro): put {f.put} on the bus, "
                f"{f.crm_calls} partner calls (expected {f.pro} CRM contacts); queue left {f.left_in_queue}, "
                f"DLQ +{f.dlq_delta}"
            )
        lines += [f"problem: {p}" for p in self.problems + (self.feed.problems if self.feed else [])][:10]
        lines.append("timings " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return lines


def _depth(sqs: Any, url: str) -> int:
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(attributes[n]) for n in names)


def feed(account: SimulatedAccount, outputs: dict[str, Any], receiver: WebhookReceiver, signups: int) -> FeedResult:
    glue = outputs["registration_bus"]
    sqs = account.client("sqs")
    pipe = account.pipe_player(glue["pipe_name"])
    if not pipe.running:
        raise RuntimeError(f"the pipe {glue['pipe_name']} is not RUNNING")
    before = len(receiver.requests)
    settled = pipe.drain().put  # what earlier traffic left reaches the partners first
    settled_calls = len(receiver.requests) - before
    before, put_before, dlq_before = len(receiver.requests), pipe.stats.put, _depth(sqs, glue["dlq_url"])
    signed_up = registration.sign_up(account, outputs, users=signups)
    pipe.drain()
    pro, _ = matching(signed_up)
    calls = receiver.requests[before:]
    return FeedResult(
        settled=settled,
        settled_calls=settled_calls,
        signups=len(signed_up),
        pro=len(pro),
        put=pipe.stats.put - put_before,
        crm_calls=len(calls),
        left_in_queue=_depth(sqs, glue["queue_url"]),
        dlq_delta=_depth(sqs, glue["dlq_url"]) - dlq_before,
        problems=check_calls(calls, pro, {}),
    )


def run(
    account: SimulatedAccount,
    outputs: dict[str, Any],
    *,
    receiver: WebhookReceiver,
    events: int = 40,
    signups: int = 8,
    seed: int = 17,
) -> WebhooksResult:
    """`receiver` must be the one whose URL the sandbox was applied with."""
    webhooks = outputs[NAME]
    rng = random.Random(seed)
    seconds: dict[str, float] = {}
    started = time.monotonic()
    sent = mixed_events(rng, events)
    before = len(receiver.requests)
    put_on_bus(account.client("events"), webhooks["bus_name"], sent)
    calls = receiver.requests[before:]  # the emulator calls the destinations within PutEvents
    seconds["bus"] = time.monotonic() - started
    pro, bans = matching(sent)
    sqs = account.client("sqs")
    result = WebhooksResult(
        sent=len(sent),
        kinds=dict(Counter(kind_of(e) for e in sent)),
        crm_calls=sum(1 for c in calls if c.path == "/crm"),
        ticket_calls=sum(1 for c in calls if c.path == "/tickets"),
        expected_crm=len(pro),
        expected_tickets=len(bans),
        problems=check_calls(calls, pro, bans),
        dlq_depths={name: _depth(sqs, url) for name, url in sorted(webhooks["dlq_urls"].items())},
        feed=None,
        seconds=seconds,
    )
    if signups > 0 and outputs.get("registration_bus") is not None:
        started = time.monotonic()
        result.feed = feed(account, outputs, receiver, signups)
        seconds["registration feed"] = time.monotonic() - started
    return result
