"""End to end, least privilege proven at run time: the emulator enforces IAM for this module.

With enforcement on (emulator_patches.iam_enforcement), every call a handler makes is signed
with its own role's sts:AssumeRole session and authorised against that role's identity
policies, as are the SQS pollers (the function's execution role, as Lambda's pollers) and the
API Gateway integrations (their integration and read roles). A slice of real traffic goes
through every workload; then every deployed function's role, and every integration role, must
have made calls and been denied none. Functions are listed from the emulator, so a new handler
without traffic here fails the test rather than going unchecked.

Then one grant is removed (IAM API, restored afterwards) from a consumer's role and from an
integration role: the consumer's write is denied (AccessDenied), its message comes back and is
applied once the grant is back; the integration's SendMessage is denied and nothing is queued.

What moto does not check (resource policies, KMS key policies, permissions boundaries, most
conditions) is listed in the README with what covers it instead.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from emulation.harness.apigateway import DeployedMethod
from emulation.harness.iam_enforcement import IamEnforcement
from emulation.harness.wiring import Harness
from emulation.traffic import audit, bans, ledger, registration, voting
from tests.e2e.conftest import WORKDIR, Deployed

pytestmark = [pytest.mark.e2e, pytest.mark.advances_clock]  # its bans slice moves the clock by days
ENV = "dev"


@pytest.fixture(scope="module")
def enforcement(deployed: Deployed) -> Iterator[IamEnforcement]:
    switch = IamEnforcement(deployed.endpoint_url)
    assert not switch.enabled, "the emulator starts without IAM enforcement"
    with switch.enforced():
        yield switch
    assert not switch.enabled


def _denials(decisions: dict[str, dict[str, Any]], role_arn: str) -> list[dict[str, str]]:
    return list(decisions.get(role_arn, {}).get("denied", []))


def _policy(iam: Any, role_name: str, sid: str | None = None) -> tuple[str, dict[str, Any]]:
    """The role's inline policy (the one holding statement `sid`, when given): name, document."""
    for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        if sid is None or any(s.get("Sid") == sid for s in document["Statement"]):
            return name, document
    raise LookupError(f"{role_name} has no inline policy with statement {sid}")


def test_every_function_and_integration_runs_under_its_own_role_with_iam_enforced(
    deployed: Deployed, enforcement: IamEnforcement
) -> None:
    account, platform = deployed.account(ENV), deployed.platforms[ENV]
    started = time.monotonic()
    audited = audit.run(account, platform, events=6)
    registered = registration.run(account, platform, registrations=10)
    voted = voting.run(account, platform, votes=30)
    ledgered = ledger.run(account, platform, orders=2, per_order=3)
    banned = bans.run(account, platform, accounts=200, bans=60, rebans=10, shorter_rebans=2, lifts=4, poison=2)
    seconds = time.monotonic() - started

    # The slice of traffic is fully accounted for, exactly as without enforcement.
    assert audited.accounted, audited.summary_lines()
    assert registered.accounted, registered.summary_lines()
    assert voted.accounted, voted.summary_lines()
    assert ledgered.balances == ledgered.expected_balances, ledgered.summary_lines()
    assert ledgered.ledger_entries == dict.fromkeys(ledgered.expected_balances, 3)
    assert banned.actual == banned.expected, banned.summary_lines()

    # Every deployed function's role, and the API's integration roles, were checked and never denied.
    decisions = enforcement.decisions()
    functions = [
        f for page in account.client("lambda").get_paginator("list_functions").paginate() for f in page["Functions"]
    ]
    roles = {f["FunctionName"]: f["Role"] for f in functions}
    harness = Harness.of(platform).voting
    roles["voting API integration"] = harness.integration_role_arn
    roles["voting API read"] = harness.read_role_arn
    summary = {name: decisions.get(arn, {"allowed": 0, "denied": []}) for name, arn in sorted(roles.items())}
    (WORKDIR / "least-privilege.txt").write_text(
        f"{seconds:.0f}s of traffic with IAM enforced\n" + json.dumps(summary, indent=1) + "\n"
    )
    print(f"\n{seconds:.0f}s of traffic with IAM enforced: {json.dumps(summary)}")  # noqa: T201 - shown with -s
    assert len(functions) >= 13, sorted(roles)  # audit, voting, registration api + 4 consumers, ledger x2, bans x4
    unchecked = [name for name, entry in summary.items() if entry["allowed"] == 0]
    assert not unchecked, f"no call checked under these roles (add their traffic here): {unchecked}"
    denied = {name: entry["denied"] for name, entry in summary.items() if entry["denied"]}
    assert not denied, denied


def test_a_consumer_missing_one_grant_is_denied_and_its_message_is_retried_not_lost(
    deployed: Deployed, enforcement: IamEnforcement
) -> None:
    # GIVEN the audit function's role without its one table grant (dynamodb:PutItem on the audit log)
    account, outputs = deployed.account(ENV), deployed.platforms[ENV]["audit"]
    iam, role_name = account.client("iam"), outputs["role_arn"].split("/")[-1]
    policy_name, document = _policy(iam, role_name, "WriteAuditLog")
    reduced = [s for s in document["Statement"] if s.get("Sid") != "WriteAuditLog"]
    assert len(reduced) == len(document["Statement"]) - 1
    (player,) = account.sqs_players(outputs["function_name"])
    event_id = f"least-privilege-{uuid.uuid4().hex[:8]}"
    before = len(_denials(enforcement.decisions(), outputs["role_arn"]))
    iam.put_role_policy(
        RoleName=role_name, PolicyName=policy_name, PolicyDocument=json.dumps({**document, "Statement": reduced})
    )
    try:
        # WHEN one event arrives
        account.client("sqs").send_message(
            QueueUrl=outputs["queue_url"], MessageBody=audit.envelope(event_id, account.account_id, 1)
        )
        assert player.poll_once() == 1
        # THEN the write is denied, the record fails its batch and nothing is written
        denials = _denials(enforcement.decisions(), outputs["role_arn"])[before:]
        assert denials == [{"action": "dynamodb:PutItem", "resource": outputs["table_arn"]}]
        assert player.stats.retried == 1 and player.stats.deleted == 0
        key = {"eventId": {"S": event_id}}
        assert "Item" not in account.client("dynamodb").get_item(TableName=outputs["table_name"], Key=key)
    finally:
        iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=json.dumps(document))
    # AND once the grant is back, the same message comes back after its visibility timeout and is applied
    player.drain()
    item = account.client("dynamodb").get_item(TableName=outputs["table_name"], Key=key, ConsistentRead=True)
    assert item["Item"]["eventId"]["S"] == event_id
    assert player.stats.deleted == 1
    assert len(_denials(enforcement.decisions(), outputs["role_arn"])) == before + 1


def test_an_integration_role_missing_its_grant_is_denied_and_nothing_is_queued(
    deployed: Deployed, enforcement: IamEnforcement
) -> None:
    # GIVEN the voting API's integration role without its policy (sqs:SendMessage on the queue)
    account, outputs = deployed.account(ENV), deployed.platforms[ENV]["voting"]
    harness = Harness.of(deployed.platforms[ENV]).voting
    iam, role_arn = account.client("iam"), harness.integration_role_arn
    role_name = role_arn.split("/")[-1]
    policy_name, document = _policy(iam, role_name)
    write = DeployedMethod(account, harness.write.rest_api_id, harness.write.resource_id, harness.write.http_method)
    now = int(time.time() * 1000)
    body = json.dumps({"userId": f"lp-{uuid.uuid4().hex[:8]}", "choice": "a", "submittedAt": voting.iso(now)})
    sqs = account.client("sqs")

    def queued() -> int:
        attributes = sqs.get_queue_attributes(
            QueueUrl=outputs["queue_url"], AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"])

    depth, before = queued(), len(_denials(enforcement.decisions(), role_arn))
    iam.delete_role_policy(RoleName=role_name, PolicyName=policy_name)
    try:
        # WHEN a valid vote is posted
        with pytest.raises(RuntimeError, match="AccessDenied"):
            write.send(body, {"pollId": "least-privilege"}, request_time_ms=now)
        # THEN SendMessage was denied to the integration role and nothing reached the queue
        denials = _denials(enforcement.decisions(), role_arn)[before:]
        assert denials == [{"action": "sqs:SendMessage", "resource": outputs["queue_arn"]}]
        assert queued() == depth
    finally:
        iam.put_role_policy(RoleName=role_name, PolicyName=policy_name, PolicyDocument=json.dumps(document))
    # AND with the grant back the same request is accepted (the drain below leaves the queue as found)
    assert write.send(body, {"pollId": "least-privilege"}, request_time_ms=now).status == 202
    (player,) = account.sqs_players(outputs["function_name"])
    player.drain()
