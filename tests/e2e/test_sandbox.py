"""End to end, platform-wide: accounts, the audit workload, the account guard (the drift check is
tests/e2e/test_bootstrap.py's `make plan -detailed-exitcode` after all traffic)."""

from __future__ import annotations

import json

import pytest

from emulation.sandbox import ROOT
from emulation.traffic import audit
from tests.e2e.conftest import WORKDIR, Deployed

pytestmark = pytest.mark.e2e
EXPECTED_ACCOUNTS = {"dev": "111111111111", "prod": "222222222222"}


def test_each_platform_lands_in_its_own_account(deployed: Deployed) -> None:
    for env, account_id in EXPECTED_ACCOUNTS.items():
        platform = deployed.platforms[env]
        assert platform["account_id"] == account_id
        arns = [platform["audit"][key] for key in ("queue_arn", "dlq_arn", "table_arn", "function_arn", "role_arn")]
        arns.append(platform["platform_kms_key_arn"])
        assert all(f":{account_id}:" in arn for arn in arns), arns
        # And the other account cannot see it.
        other = deployed.account("prod" if env == "dev" else "dev")
        assert platform["audit"]["queue_url"] not in other.client("sqs").list_queues().get("QueueUrls", [])


def test_every_deployed_alarm_notifies_the_accounts_encrypted_tls_only_alarm_topic(deployed: Deployed) -> None:
    for env in EXPECTED_ACCOUNTS:
        account, topic = deployed.account(env), deployed.platforms[env]["alarm_topic_arn"]
        attributes = account.client("sns").get_topic_attributes(TopicArn=topic)["Attributes"]
        assert attributes["KmsMasterKeyId"] == deployed.platforms[env]["alarm_topic_kms_key_arn"]
        denies = [s for s in json.loads(attributes["Policy"])["Statement"] if s["Effect"] == "Deny"]
        assert any(s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} for s in denies), denies
        pages = account.client("cloudwatch").get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"])
        alarms = [a for page in pages for a in page["MetricAlarms"]]
        assert len(alarms) >= 16, [a["AlarmName"] for a in alarms]  # audit 4, voting 4, registration 8: not vacuous
        silent = [a["AlarmName"] for a in alarms if a["AlarmActions"] != [topic] or a["OKActions"] != [topic]]
        assert not silent, (env, silent)


def test_audit_traffic_is_fully_accounted_for_in_both_accounts(deployed: Deployed) -> None:
    for env in EXPECTED_ACCOUNTS:
        result = audit.run(deployed.account(env), deployed.platforms[env], events=300)
        assert result.recorded_in_table == result.unique_valid == 300
        assert result.parked_in_dlq == result.malformed_sent == 3
        assert result.metrics == {
            "EventsRecorded": 300,
            "DuplicatesIgnored": result.duplicates_sent,
            "EventsRejected": 3,
        }
        assert all(reason != "<redriven>" for reason in result.parked_reasons.values()), result.parked_reasons
        assert result.accounted


def test_a_deploy_role_in_the_wrong_account_is_refused(deployed: Deployed) -> None:
    result = deployed.sandbox.plan_exit_code(
        "-var", 'account_ids={dev="333333333333", prod="222222222222"}', "-refresh=false"
    )
    assert result.returncode == 1
    assert "AWS account ID not allowed: 333333333333" in result.stdout


def test_the_other_accounts_bootstrapped_deploy_role_is_refused(deployed: Deployed) -> None:
    # The role exists (the bootstrap made it in 222222222222), so only the guard can stop this.
    prod_role = deployed.bootstrap["sandbox-prod"]["deploy_role_arn"]
    assert prod_role == "arn:aws:iam::222222222222:role/switchyard-deploy"
    assert deployed.account("prod").client("iam").get_role(RoleName="switchyard-deploy")["Role"]["Arn"] == prod_role
    result = deployed.sandbox.plan_exit_code(
        "-var", 'account_ids={dev="222222222222", prod="222222222222"}', "-refresh=false"
    )
    assert result.returncode == 1
    assert "AWS account ID not allowed: 222222222222" in result.stdout


def test_state_stays_out_of_the_repository(deployed: Deployed) -> None:
    assert (WORKDIR / "sandbox.tfstate").is_file()
    assert not list((ROOT / "environments" / "sandbox").glob("*.tfstate"))
