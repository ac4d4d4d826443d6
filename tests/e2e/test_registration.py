"""End to end, registration fan-out: SNS -> filtered SQS subscribers -> idempotent consumers.

Volumes: SWITCHYARD_REGISTRATION_E2E (default 200 in dev, 80 in prod) keeps this
under ~3 minutes on a loaded 2-core machine; the 5,000-registration acceptance run is
`python -m emulation.traffic.registration --registrations 5000` against `make demo`'s sandbox
(same code, same accounting). Prod also runs with a consumer that fails half the time.
"""

from __future__ import annotations

import json
import os

import pytest

from emulation.traffic import registration
from tests.e2e.conftest import REGION, Deployed
from tools.iam_eval import Request, key_policy_allows

pytestmark = pytest.mark.e2e
VOLUME = int(os.environ.get("SWITCHYARD_REGISTRATION_E2E", "200"))


def assert_fully_accounted(result: registration.RegistrationResult, expected_registrations: int) -> None:
    summary = "\n".join(result.summary_lines())
    assert result.registrations == expected_registrations, summary
    assert result.counter_delta_by_source == result.signups_by_source, summary  # each user counted once
    for name, consumer in result.consumers.items():
        expected = result.pro_users if name == "sales-lead" else result.registrations
        assert consumer.expected_users == consumer.applied_users == expected, (name, summary)
        assert consumer.applied_metric_ok, (name, consumer.metrics, consumer.timed_out)  # exactly once
        assert consumer.poison_parked_with_reason == consumer.poison_expected > 0, (name, summary)
        assert consumer.reasons_ok, name
        assert consumer.left_in_queue == 0 and consumer.unexpected_users == 0, (name, consumer)
    assert result.consumers["sales-lead"].poison_expected == result.poison_pro
    assert result.accounted, summary


def test_subscriptions_are_wired_as_declared(deployed: Deployed) -> None:
    for env in ("dev", "prod"):
        account = deployed.account(env)
        wiring = deployed.platforms[env]["registration"]
        sns = account.client("sns")
        assert (
            sns.get_topic_attributes(TopicArn=wiring["topic_arn"])["Attributes"]["KmsMasterKeyId"]
            == (wiring["kms_key_arn"])
        )
        for name, sub in wiring["subscribers"].items():
            attributes = sns.get_subscription_attributes(SubscriptionArn=sub["subscription_arn"])["Attributes"]
            assert attributes["RawMessageDelivery"] == "true"
            assert json.loads(attributes["RedrivePolicy"]) == {"deadLetterTargetArn": sub["dlq_arn"]}
            if name == "sales-lead":
                assert json.loads(attributes["FilterPolicy"]) == {"plan": ["pro"]}
                assert attributes["FilterPolicyScope"] == "MessageAttributes"
            else:
                assert "FilterPolicy" not in attributes
            queue = account.client("sqs").get_queue_attributes(QueueUrl=sub["queue_url"], AttributeNames=["All"])
            assert queue["Attributes"]["KmsMasterKeyId"] == wiring["kms_key_arn"]


def test_the_dlq_operator_may_decrypt_dead_letters_through_sqs_only(deployed: Deployed) -> None:
    # moto stores key policies but never evaluates them: tools.iam_eval judges the applied one.
    for env in ("dev", "prod"):
        account = deployed.account(env)
        wiring = deployed.platforms[env]["registration"]
        operators = wiring["dlq_operator_role_arns"]
        assert operators == [f"arn:aws:iam::{account.account_id}:role/switchyard-deploy"], operators
        key = wiring["kms_key_arn"]
        policy = json.loads(account.client("kms").get_key_policy(KeyId=key, PolicyName="default")["Policy"])
        via_sqs = {"kms:ViaService": f"sqs.{REGION}.amazonaws.com"}
        for action in ("kms:Decrypt", "kms:GenerateDataKey"):  # read a dead letter; send it back
            assert key_policy_allows(policy, operators[0], Request(action, key, via_sqs)), (env, action)
        assert not key_policy_allows(policy, operators[0], Request("kms:Decrypt", key)), env  # not directly
        via_sns = {"kms:ViaService": f"sns.{REGION}.amazonaws.com"}
        assert not key_policy_allows(policy, operators[0], Request("kms:Decrypt", key, via_sns)), env
        stranger = f"arn:aws:iam::{account.account_id}:role/swy-{env}-audit-role"
        assert not key_policy_allows(policy, stranger, Request("kms:Decrypt", key, via_sqs)), env


def test_every_consumer_applies_each_user_once_and_parks_poison_in_dev(deployed: Deployed) -> None:
    result = registration.run(deployed.account("dev"), deployed.platforms["dev"], registrations=VOLUME)
    print("\n".join(result.summary_lines()))  # noqa: T201 - figures for the closing note (-s)
    assert_fully_accounted(result, VOLUME)
    assert all(c.metrics["DuplicatesIgnored"] >= 1 for c in result.consumers.values())


def test_a_consumer_failing_half_the_time_still_ends_with_everything_processed_or_redriven(
    deployed: Deployed,
) -> None:
    volume = max(60, VOLUME * 2 // 5)
    result = registration.run(
        deployed.account("prod"), deployed.platforms["prod"], registrations=volume, faults={"mailing": 6}
    )
    print("\n".join(result.summary_lines()))  # noqa: T201
    mailing = result.consumers["mailing"]
    assert mailing.faults_injected >= 5, mailing  # the faults really happened
    # the DLQs were read and redriven by the operator role, not the harness's own identity
    operator = deployed.platforms["prod"]["registration"]["dlq_operator_role_arns"][0]
    assert result.redriven_by.startswith(operator.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/")
    assert_fully_accounted(result, volume)
