"""End to end: the voting API's deployed templates and model, the queue, the mapping, exact tallies."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest

from emulation.harness.accounts import SimulatedAccount
from emulation.harness.apigateway import DeployedMethod
from emulation.harness.wiring import Harness, Method
from emulation.traffic import voting
from tests.e2e.conftest import WORKDIR, Deployed

pytestmark = pytest.mark.e2e
# The full run in one account, a smaller one in the other. SWITCHYARD_VOTING_E2E_VOTES
# lowers the big run for a quick local check; CI keeps the default.
VOLUME = {"dev": int(os.environ.get("SWITCHYARD_VOTING_E2E_VOTES", "10000")), "prod": 1_000}


def deployed_method(account: SimulatedAccount, method: Method) -> DeployedMethod:
    return DeployedMethod(account, method.rest_api_id, method.resource_id, method.http_method)


def test_voting_api_is_deployed_as_designed(deployed: Deployed) -> None:
    for env in VOLUME:
        outputs = deployed.platforms[env]["voting"]
        harness = Harness.of(deployed.platforms[env]).voting
        account = deployed.account(env)
        assert harness.write.rest_api_id == outputs["rest_api_id"] and harness.write.http_method == "POST"
        write = deployed_method(account, harness.write)
        assert write.integration["uri"].endswith(
            f":sqs:path/{account.account_id}/{outputs['queue_arn'].split(':')[-1]}"
        )
        assert write.integration["credentials"] == harness.integration_role_arn
        assert write.success_status == "202"
        assert write.method["apiKeyRequired"] is True
        assert write.schema is not None and write.schema["required"] == ["userId", "choice", "submittedAt"]
        # the integration role may send to this queue and do nothing else
        iam = account.client("iam")
        role = harness.integration_role_arn.split("/")[-1]
        (policy_name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
        document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        assert [(s["Action"], s["Resource"]) for s in document["Statement"]] == [
            ("sqs:SendMessage", outputs["queue_arn"])
        ]


def test_a_bad_body_is_a_400_and_nothing_is_queued(deployed: Deployed) -> None:
    outputs = deployed.platforms["prod"]["voting"]
    account = deployed.account("prod")
    write = deployed_method(account, Harness.of(deployed.platforms["prod"]).voting.write)
    sqs = account.client("sqs")
    before = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"], AttributeNames=["ApproximateNumberOfMessages"])
    for body in [
        "{",
        '{"userId":"u1","choice":"a"}',
        '{"userId":"u 1","choice":"a","submittedAt":"2026-11-23T10:00:00Z"}',
    ]:
        response = write.send(body, {"pollId": "p1"}, request_time_ms=int(time.time() * 1000))
        assert response.status == 400, body
    after = sqs.get_queue_attributes(QueueUrl=outputs["queue_url"], AttributeNames=["ApproximateNumberOfMessages"])
    assert after["Attributes"] == before["Attributes"]


@pytest.mark.parametrize("env", list(VOLUME))
def test_voting_traffic_gives_exact_tallies_and_loses_nothing(deployed: Deployed, env: str) -> None:
    started = time.monotonic()
    result = voting.run(deployed.account(env), deployed.platforms[env], votes=VOLUME[env])
    summary = f"[{env}] {time.monotonic() - started:.0f}s\n  " + "\n  ".join(result.summary_lines())
    (WORKDIR / f"voting-{env}.txt").write_text(summary + "\n")  # the figures, also without -s
    print("\n" + summary)  # noqa: T201
    expected = result.expected
    assert result.plan_size == VOLUME[env]
    assert result.status_counts[202] == expected.accepted and result.status_counts[400] == expected.refused_at_edge
    assert result.distinct_request_ids == expected.accepted
    # accepted = counted + rejected + dead-lettered, each exactly as predicted; the counts come
    # from the functions' EMF metrics (one store per execution environment, as in Lambda)
    assert result.counted == expected.admissible
    assert result.metrics["VotesRecorded"] == len(expected.winners)
    assert result.rejected == dict(expected.rejected)
    assert result.dead_lettered == expected.dead_lettered == result.metrics["VotesMalformed"]
    assert all(reason != "<redriven>" for reason in result.dead_letter_reasons)
    assert result.status_counts[202] == result.counted + sum(result.rejected.values()) + result.dead_lettered
    # the tallies the API answers equal the independent computation, and so does every stored vote
    assert result.api_tallies == result.expected_tallies
    assert result.stored_winners == expected.winners
    assert result.queue_left == 0
    assert result.accounted
    # dev's mapping gathers batches of up to 100, which the function splits into transactions
    # of at most 25 voters; prod's batches of 10 are one transaction each
    assert result.batch_size == {"dev": 100, "prod": 10}[env]
    if env == "dev":
        assert 25 < result.largest_batch <= 100
    else:
        assert result.largest_batch <= 10


def test_a_failing_vote_is_retried_then_redriven_without_blocking_its_batch(deployed: Deployed) -> None:
    # GIVEN a poll whose definition is broken (no closing time), so reading it fails every time
    outputs = deployed.platforms["prod"]["voting"]
    account = deployed.account("prod")
    run = uuid.uuid4().hex[:8]
    account.client("dynamodb").put_item(
        TableName=outputs["polls_table_name"], Item={"pollId": {"S": f"{run}-broken"}, "choices": {"SS": ["a"]}}
    )
    voting.publish_polls(account, outputs["polls_table_name"], {f"{run}-ok": (["a", "b"], 2**52)})
    write = deployed_method(account, Harness.of(deployed.platforms["prod"]).voting.write)
    now = int(time.time() * 1000)
    requests = [
        (
            json.dumps({"userId": f"{run}-u{i}", "choice": "a", "submittedAt": voting.iso(now)}),
            {"pollId": f"{run}-ok"},
            now,
        )
        for i in range(9)
    ]
    requests.insert(
        4,
        (
            json.dumps({"userId": f"{run}-x", "choice": "a", "submittedAt": voting.iso(now)}),
            {"pollId": f"{run}-broken"},
            now,
        ),
    )
    assert [r.status for r in write.send_batched(requests)] == [202] * 10
    # WHEN the mapping drains the queue
    (player,) = account.sqs_players(outputs["function_name"])
    stats = player.drain()
    # THEN the nine votes counted at once, and the failing one came back until SQS redrove it
    max_receive_count = 5
    assert stats.retried == max_receive_count and stats.deleted == 9
    assert player.environment.logs.metric_totals()["VotesRecorded"] == 9
    reasons = voting.collect_dead_letters(account.client("sqs"), outputs["dlq_url"], run)
    assert reasons == {"<redriven>": 1}  # moved by the queue's redrive policy, not parked by the function
