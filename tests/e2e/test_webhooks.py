"""End to end, partner webhooks: events on the webhooks bus -> rules -> API destinations -> partners.

Registration feeds the bus with no Lambda (modules/platform/registration_bus.tf): the deployed
registration function publishes to the topic, SNS delivers raw to the bus queue, and the
deployed EventBridge Pipe, which moto stores but never runs, is played by
emulation/harness/pipe_source.py with the pipe's own role (DescribePipe: filter, template,
dynamic Source/DetailType), so each pro sign-up reaches the CRM receiver as one contact.

500 events of mixed types (UserRegistered free/team/pro, AccountDeactivationRequested,
AuditNoteRecorded, and look-alikes that must not match) are put on the dev platform's bus. The
emulator calls the sandbox's receiver (tests/e2e/conftest.py) the way EventBridge calls an API
destination, with emulator_patches.api_destination_body_and_auth filling in what moto 5.2.5
leaves out. The partners must see exactly the matching events, once each, with the exact
transformed payload and headers. Retries, rate limiting and dead-lettering are not emulated:
modules/api-destinations' tests cover their configuration.
"""

from __future__ import annotations

import json
import random
import time
from typing import Any

import pytest

from emulation.traffic import registration
from emulation.traffic.webhooks import BASIC, contact, matching, mixed_events, ticket
from tests.e2e.conftest import Deployed

pytestmark = pytest.mark.e2e
EVENTS = 500


def test_partners_get_exactly_the_matching_events_transformed(deployed: Deployed) -> None:
    receiver = deployed.webhooks
    assert receiver is not None
    bus = deployed.platforms["dev"]["webhooks"]["bus_name"]
    events_client = deployed.account("dev").client("events")
    sent = mixed_events(random.Random(17), EVENTS)
    before = len(receiver.requests)
    for start in range(0, len(sent), 10):  # PutEvents takes up to 10 entries
        batch = sent[start : start + 10]
        entries = [
            {"EventBusName": bus, "Source": e["eventSource"], "DetailType": e["eventType"], "Detail": json.dumps(e)}
            for e in batch
        ]
        assert events_client.put_events(Entries=entries)["FailedEntryCount"] == 0
    calls = receiver.requests[before:]  # moto calls the destination within PutEvents

    pro, bans = matching(sent)  # what the crm and trust-and-safety rules route
    assert pro and bans and len(pro) + len(bans) < len(sent)  # the mix has non-matching events
    crm = [c for c in calls if c.path == "/crm"]
    tickets = [c for c in calls if c.path == "/tickets"]
    assert len(crm) + len(tickets) == len(calls), {c.path for c in calls}  # no other endpoint is called
    # One call per matching event, keyed by the Idempotency-Key the partner deduplicates on.
    assert sorted(c.headers["idempotency-key"] for c in crm) == sorted(pro)
    assert sorted(c.headers["idempotency-key"] for c in tickets) == sorted(bans)
    for call in crm:
        assert call.method == "POST"
        assert json.loads(call.body) == contact(pro[call.headers["idempotency-key"]])
        assert call.headers["x-api-key"] == "sandbox-crm-key" and "authorization" not in call.headers
        assert call.headers["content-type"] == "application/json; charset=utf-8"
    for call in tickets:
        assert json.loads(call.body) == ticket(bans[call.headers["idempotency-key"]])
        assert call.headers["authorization"] == BASIC and "x-api-key" not in call.headers
    print(f"webhooks: {len(sent)} events, {len(crm)} contacts, {len(tickets)} tickets")  # noqa: T201 - shown with -s


def _depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_registration_reaches_the_crm_through_sns_sqs_pipe_and_bus(deployed: Deployed) -> None:
    receiver = deployed.webhooks
    assert receiver is not None
    account, wiring = deployed.account("dev"), deployed.platforms["dev"]
    glue = wiring["registration_bus"]
    sns, sqs = account.client("sns"), account.client("sqs")
    subscription = sns.get_subscription_attributes(SubscriptionArn=glue["subscription_arn"])["Attributes"]
    assert subscription["RawMessageDelivery"] == "true" and subscription["Endpoint"] == glue["queue_arn"]
    assert subscription["TopicArn"] == wiring["registration"]["topic_arn"]
    pipe = account.pipe_player(glue["pipe_name"])
    assert pipe.running and pipe.queue_arn == glue["queue_arn"]
    assert pipe.target == wiring["webhooks"]["bus_arn"]
    assert pipe.identity().split("/")[1] == glue["role_arn"].split("/")[-1]  # calls AWS as the pipe role
    pipe.drain()  # what other tests' sign-ups left in the queue reaches the partners first
    before, put_before, dlq_before = len(receiver.requests), pipe.stats.put, _depth(sqs, glue["dlq_url"])

    started = time.monotonic()
    signed_up = registration.sign_up(account, wiring, users=40)
    stats = pipe.drain()
    seconds = time.monotonic() - started

    calls = receiver.requests[before:]
    pro = {e["eventId"]: e for e in signed_up if e["eventDetails"]["plan"] == "pro"}
    assert pro and len(pro) < len(signed_up)  # free and team users too, who must reach nobody
    assert stats.put - put_before == len(signed_up)  # every UserRegistered is on the bus
    assert {c.path for c in calls} == {"/crm"}  # no ticket for a sign-up
    # Exactly one CRM call per pro user, with the contact the CRM expects.
    assert sorted(c.headers["idempotency-key"] for c in calls) == sorted(pro)
    for call in calls:
        assert json.loads(call.body) == contact(pro[call.headers["idempotency-key"]])
        assert call.headers["x-api-key"] == "sandbox-crm-key"
    assert _depth(sqs, glue["queue_url"]) == 0 and _depth(sqs, glue["dlq_url"]) == dlq_before  # nothing failed
    figures = f"{len(signed_up)} sign-ups, {len(calls)} CRM contacts, {stats.batches} pipe batches, {seconds:.1f}s"
    print(f"registration -> bus: {figures}")  # noqa: T201 - shown with -s
