"""End to end: the account bootstrap (infra/, cdktn over modules/account-baseline) in each
simulated account, and the platform running under the deploy role it created."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from emulation.harness.accounts import SimulatedAccount
from emulation.sandbox import ROOT, bootstrap_stack
from emulation.unmanaged import unmanaged_resources
from infra import app as infra_app
from tests.e2e.conftest import SIMULATED, WORKDIR, Deployed

pytestmark = pytest.mark.e2e
REGISTRY = infra_app.load_registry()


def operator(deployed: Deployed, env: str) -> SimulatedAccount:
    """The bootstrap operator's view of a simulated account."""
    account = REGISTRY.accounts[env]
    return SimulatedAccount(deployed.endpoint_url, account.account_id, account.region, account.bootstrap_role_name)


@pytest.mark.parametrize("env", SIMULATED)
def test_bootstrap_created_the_ci_roles_in_each_account(deployed: Deployed, env: str) -> None:
    account = REGISTRY.accounts[env]
    iam = operator(deployed, env).client("iam")
    boundary = f"arn:aws:iam::{account.account_id}:policy/switchyard-boundary"
    deploy = iam.get_role(RoleName="switchyard-deploy")["Role"]
    plan = iam.get_role(RoleName="switchyard-plan")["Role"]
    assert (
        deploy["Arn"]
        == deployed.bootstrap[env]["deploy_role_arn"]
        == f"arn:aws:iam::{account.account_id}:role/switchyard-deploy"
    )
    assert deploy["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    assert plan["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary
    trust = deploy["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    subjects = trust["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
    assert subjects == [f"repo:{REGISTRY.github_repository}:environment:{env}"]
    providers = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert [p["Arn"] for p in providers] == [deployed.bootstrap[env]["oidc_provider_arn"]]


@pytest.mark.parametrize("env", SIMULATED)
def test_bootstrap_state_bucket_is_versioned_encrypted_and_private(deployed: Deployed, env: str) -> None:
    s3 = operator(deployed, env).client("s3")
    bucket = deployed.bootstrap[env]["state_bucket_name"]
    assert bucket == REGISTRY.accounts[env].state_bucket
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())


@pytest.mark.parametrize("env", SIMULATED)
def test_bootstrap_set_api_gateways_logging_role_for_the_account(deployed: Deployed, env: str) -> None:
    """REST API stages with access/execution logging need the account-level role in real AWS."""
    account = REGISTRY.accounts[env]
    role_arn = deployed.bootstrap[env]["api_gateway_cloudwatch_role_arn"]
    assert role_arn == f"arn:aws:iam::{account.account_id}:role/switchyard-apigateway-cloudwatch"
    assert operator(deployed, env).client("apigateway").get_account()["cloudwatchRoleArn"] == role_arn
    role = operator(deployed, env).client("iam").get_role(RoleName="switchyard-apigateway-cloudwatch")["Role"]
    trust = role["AssumeRolePolicyDocument"]
    statement = (json.loads(trust) if isinstance(trust, str) else trust)["Statement"][0]
    assert statement["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": account.account_id}}


def test_the_platform_runs_under_the_bootstrapped_deploy_role(deployed: Deployed) -> None:
    for platform_env, env in (("dev", "sandbox-dev"), ("prod", "sandbox-prod")):
        identity = deployed.account(platform_env).client("sts").get_caller_identity()
        account_id = REGISTRY.accounts[env].account_id
        assert identity["Account"] == deployed.platforms[platform_env]["account_id"] == account_id
        assert f":assumed-role/{REGISTRY.accounts[env].deploy_role_name}/" in identity["Arn"]


@pytest.mark.parametrize("env", SIMULATED)
def test_bootstrap_has_no_drift(deployed: Deployed, env: str) -> None:
    stack = bootstrap_stack(WORKDIR, deployed.endpoint_url, env, WORKDIR / "infra" / "stacks")
    result = stack.plan_exit_code()
    assert result.returncode == 0, result.stdout[-3000:]


def envctl(deployed: Deployed, plans: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`make plan|apply ENV=...` as the Makefile runs it, pointed at the e2e emulator and state,
    with the variables the e2e's own applies set (the webhook receiver's URL)."""
    environ = {
        **os.environ,
        **{name: value for name, value in deployed.sandbox.env.items() if name.startswith("TF_VAR_")},
        "SWITCHYARD_EMULATOR_STATE": str(WORKDIR / "emulator.json"),
        "SWITCHYARD_SANDBOX_WORKDIR": str(WORKDIR),
        "SWITCHYARD_PLANS_DIR": str(plans),
    }
    command = [sys.executable, "-m", "tools.envctl", *args]
    return subprocess.run(command, cwd=ROOT, env=environ, capture_output=True, text=True)


@pytest.mark.after_traffic
def test_no_drift_after_traffic_and_make_apply_env_sandbox_dev_applies_the_saved_plan(
    deployed: Deployed, tmp_path: Path
) -> None:
    """The drift check, as a user runs it: after every workload's traffic, `make plan` with
    `-detailed-exitcode` exits 0 (no changes in either account), and `make apply` applies the
    saved plan it wrote."""
    planned = envctl(deployed, tmp_path, "plan", "sandbox-dev", "-detailed-exitcode")
    assert planned.returncode == 0, planned.stdout[-3000:] + planned.stderr[-2000:]
    assert (tmp_path / "sandbox-dev.tfplan").is_file()
    changes = json.loads((tmp_path / "sandbox-dev.json").read_text())["resource_changes"]
    assert changes and all(c["change"]["actions"] in (["no-op"], ["read"]) for c in changes), "the apply left a diff"
    applied = envctl(deployed, tmp_path, "apply", "sandbox-dev")
    assert applied.returncode == 0, applied.stdout[-3000:]
    assert "Apply complete! Resources: 0 added, 0 changed, 0 destroyed." in applied.stdout


@pytest.mark.after_traffic
def test_no_event_wiring_outside_terraform_state_after_traffic(deployed: Deployed) -> None:
    """What the drift check cannot see: after every workload's traffic, each simulated account's
    event source mappings, SNS subscriptions, EventBridge rules and targets (every bus) and pipes
    are all in a Terraform state (the sandbox's or the account's bootstrap). A create whose
    response the provider lost and retried would leave a second one here, unrecorded."""
    names = ["sandbox.tfstate", *(f"bootstrap-{env}.tfstate" for env in SIMULATED)]
    states = [json.loads((WORKDIR / name).read_text()) for name in names]
    accounts = {platform["account_id"]: deployed.account(env).client for env, platform in deployed.platforms.items()}
    assert len(accounts) == len(SIMULATED), accounts
    extras = unmanaged_resources(states, accounts)
    assert extras == [], "in the emulator but in no Terraform state:\n" + "\n".join(f"  {extra}" for extra in extras)


def test_make_plan_env_sandbox_prod_with_the_other_accounts_role_is_refused(deployed: Deployed, tmp_path: Path) -> None:
    refused = envctl(
        deployed, tmp_path, "plan", "sandbox-prod", "-var", 'account_ids={dev="111111111111", prod="111111111111"}'
    )
    assert refused.returncode == 1
    assert "AWS account ID not allowed: 111111111111" in refused.stdout
    assert not (tmp_path / "sandbox-prod.tfplan").exists()
