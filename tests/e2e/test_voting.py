"""End to end: the voting API's deployed templates and model, the queue, the mapping, exact tallies."""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
from botocore.credentials import Credentials

from emulation.harness.accounts import SimulatedAccount
from emulation.harness.apigateway import Call, DeployedMethod, signed_headers
from emulation.harness.iam_enforcement import operator_session
from emulation.harness.wiring import Harness, Method
from emulation.traffic import voting
from tests.e2e.conftest import REGION, WORKDIR, Deployed

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
        assert write.schema is not None
        if env == "dev":  # api_key: the body names the voter
            assert outputs["access_control"] == "api_key" and write.authorization_type == "NONE"
            assert write.method["apiKeyRequired"] is True
            assert write.schema["required"] == ["userId", "choice", "submittedAt"]
            assert "callerId" not in write.request_template
        else:  # iam, the platform's default: the signer is the voter, the body may not name one
            assert outputs["access_control"] == "iam" and write.authorization_type == "AWS_IAM"
            assert write.method["apiKeyRequired"] is False
            assert write.schema["required"] == ["choice", "submittedAt"] and "userId" not in write.schema["properties"]
            assert write.schema["additionalProperties"] is False
            assert "Name=callerId&" in write.request_template
            assert "$util.urlEncode($context.identity.caller)" in write.request_template
            # the caller role may call the two routes and nothing else
            caller = _inline_statements(account, outputs["caller_role_arn"])
            assert caller == [("execute-api:Invoke", sorted(outputs["route_arns"].values()))]
        # the integration role may send to this queue and do nothing else
        assert _inline_statements(account, harness.integration_role_arn) == [("sqs:SendMessage", outputs["queue_arn"])]


def _inline_statements(account: SimulatedAccount, role_arn: str) -> list[tuple[object, object]]:
    iam = account.client("iam")
    role = role_arn.split("/")[-1]
    (policy_name,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=policy_name)["PolicyDocument"]
    document = json.loads(document) if isinstance(document, str) else document
    return [
        (s["Action"], sorted(s["Resource"]) if isinstance(s["Resource"], list) else s["Resource"])
        for s in document["Statement"]
    ]


def _queued(account: SimulatedAccount, queue_url: str) -> dict[str, str]:
    return account.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]


def test_a_bad_body_is_a_400_and_nothing_is_queued(deployed: Deployed) -> None:
    outputs = deployed.platforms["prod"]["voting"]
    account = deployed.account("prod")
    write = deployed_method(account, Harness.of(deployed.platforms["prod"]).voting.write)
    voters = voting.Voters.of(account, outputs, {"bad-body"})
    before = _queued(account, outputs["queue_url"])
    for body in [
        "{",
        '{"choice":"a"}',
        '{"choice":"a","submittedAt":"2026-11-23T10:00:00Z","x":1}',
        # a body that names a user: with IAM access only the signer may be the voter
        '{"userId":"victim","choice":"a","submittedAt":"2026-11-23T10:00:00Z"}',
    ]:
        headers = voters.headers(write, "bad-body", {"pollId": "p1"}, body)
        response = write.send(body, {"pollId": "p1"}, request_time_ms=int(time.time() * 1000), headers=headers)
        assert response.status == 400, body
    assert _queued(account, outputs["queue_url"]) == before


def test_the_signed_api_admits_only_its_callers_and_counts_the_signer(deployed: Deployed) -> None:
    """IAM access (prod): unsigned, tampered, foreign-service and ungranted requests are 403 and
    queue nothing; a signed vote is counted for its signer (role-id:session), not for a name."""
    outputs = deployed.platforms["prod"]["voting"]
    account = deployed.account("prod")
    harness = Harness.of(deployed.platforms["prod"]).voting
    write, read = deployed_method(account, harness.write), deployed_method(account, harness.read)
    run = uuid.uuid4().hex[:8]
    poll, path = f"{run}-poll", {"pollId": f"{run}-poll"}
    voting.publish_polls(account, outputs["polls_table_name"], {poll: (["a", "b"], 2**52)})
    voters = voting.Voters.of(account, outputs, {f"{run}-alice"})
    now = int(time.time() * 1000)
    body = json.dumps({"choice": "a", "submittedAt": voting.iso(now)})
    signed = voters.headers(write, f"{run}-alice", path, body)
    before = _queued(account, outputs["queue_url"])

    # a role the emulator issued, signing correctly, without execute-api:Invoke (the voting
    # function's own role): refused by its identity policies
    sts = operator_session(account.region).client("sts", endpoint_url=account.endpoint_url)
    c = sts.assume_role(RoleArn=outputs["role_arn"], RoleSessionName="not-a-voter")["Credentials"]
    ungranted = signed_headers(
        Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]), "POST", write.url(path), body, REGION
    )
    sqs_scoped = {**signed, "Authorization": signed["Authorization"].replace("/execute-api/", "/sqs/")}
    refusals = {
        "unsigned": write.send(body, path, request_time_ms=now),
        "tampered": write.send(body.replace('"a"', '"b"'), path, request_time_ms=now, headers=signed),
        "other poll": write.send(body, {"pollId": f"{run}-other"}, request_time_ms=now, headers=signed),
        "other service": write.send(body, path, request_time_ms=now, headers=sqs_scoped),
        "ungranted": write.send(body, path, request_time_ms=now, headers=ungranted),
        "read unsigned": read.query(path, request_time_ms=now),
    }
    messages = {name: (r.status, r.json()["message"]) for name, r in refusals.items()}
    assert messages == {
        "unsigned": (403, "Missing Authentication Token"),
        "tampered": (403, "The request signature we calculated does not match the signature you provided."),
        "other poll": (403, "The request signature we calculated does not match the signature you provided."),
        "other service": (403, "Credential should be scoped to correct service: 'execute-api'. not 'sqs'"),
        "ungranted": (
            403,
            f"User: arn:aws:sts::{account.account_id}:assumed-role/{outputs['role_arn'].split('/')[-1]}/not-a-voter "
            f"is not authorized to perform: execute-api:Invoke on resource: {write.method_arn(path)}",
        ),
        "read unsigned": (403, "Missing Authentication Token"),
    }
    assert _queued(account, outputs["queue_url"]) == before

    # the signed vote: queued with the signer as callerId, counted for the signer
    assert write.send(body, path, request_time_ms=now, headers=signed).status == 202
    (player,) = account.sqs_players(outputs["function_name"])
    player.drain()
    stored = voting.stored_winners(account, outputs["votes_table_name"], run)
    assert list(stored) == [(poll, f"{voters.role_id}:{run}-alice")]
    answer = read.query(path, request_time_ms=now, headers=voters.headers(read, f"{run}-alice", path, ""))
    assert (answer.status, answer.json()["tallies"]) == (200, {"a": 1})


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
    voters = voting.Voters.of(account, outputs, {f"{run}-u{i}" for i in range(9)} | {f"{run}-x"})

    def call(user: str, poll: str, choice: str) -> Call:
        body, path = json.dumps({"choice": choice, "submittedAt": voting.iso(now)}), {"pollId": poll}
        return Call(body, path, now, voters.headers(write, user, path, body))

    requests = [call(f"{run}-u{i}", f"{run}-ok", "a") for i in range(9)]
    # (the run id in its body finds it in the DLQ, where the body is all that is left)
    requests.insert(4, call(f"{run}-x", f"{run}-broken", f"{run}-a"))
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
