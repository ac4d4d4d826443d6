"""The bootstrapped CI roles, judged as IAM would judge them: every privilege-escalation attempt
of the deploy role is refused, the calls a platform apply makes are allowed, and the pull-request
plan role reads configuration and state but no data.

The policies are read back from the emulator after the session's real bootstrap (infra/ ->
account-baseline), so a regression in the module fails here. moto does not evaluate permissions boundaries or
condition keys (moto/iam/access_control.py), so tools.iam_eval decides (README of the module).
Also: the S3 backend configuration `make plan|apply` writes stores state encrypted with the
state key.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from emulation.harness.accounts import SimulatedAccount
from infra import app as infra_app
from tests.e2e.conftest import Deployed
from tools import envctl
from tools.iam_eval import Policy, Principal, Request

pytestmark = pytest.mark.e2e
ENV = "sandbox-dev"
ACCOUNT = infra_app.load_registry().accounts[ENV]
IAM = f"arn:aws:iam::{ACCOUNT.account_id}"
BOUNDARY = f"{IAM}:policy/switchyard-boundary"
PLATFORM_ROLE = f"{IAM}:role/swy-dev-audit-role"
STATE_BUCKET = f"arn:aws:s3:::{ACCOUNT.state_bucket}"


def aws_managed(arn: str) -> Policy:
    """AWS-managed policies are not served by the emulator; moto ships their documents."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    document: Policy = json.loads(aws_managed_policies_data)[arn.rsplit("/", 1)[1]]["Document"]
    return document


def role_principal(iam: Any, name: str) -> Principal:
    role = iam.get_role(RoleName=name)["Role"]
    policies: list[Policy] = []
    for attached in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
        arn = attached["PolicyArn"]
        if arn.startswith("arn:aws:iam::aws:policy/"):
            policies.append(aws_managed(arn))
            continue
        version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
        policies.append(iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"])
    for policy_name in iam.list_role_policies(RoleName=name)["PolicyNames"]:
        policies.append(iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"])
    boundary_arn = role["PermissionsBoundary"]["PermissionsBoundaryArn"]
    version = iam.get_policy(PolicyArn=boundary_arn)["Policy"]["DefaultVersionId"]
    boundary = iam.get_policy_version(PolicyArn=boundary_arn, VersionId=version)["PolicyVersion"]["Document"]
    loaded = [json.loads(p) if isinstance(p, str) else p for p in policies]
    return Principal(tuple(loaded), json.loads(boundary) if isinstance(boundary, str) else boundary)


class Bootstrapped:
    def __init__(self, url: str, outputs: dict[str, Any]) -> None:
        self.url = url
        self.outputs = outputs
        self.operator = SimulatedAccount(url, ACCOUNT.account_id, ACCOUNT.region, ACCOUNT.bootstrap_role_name)
        self.deploy = role_principal(self.operator.client("iam"), ACCOUNT.deploy_role_name)

    @property
    def pr_plan(self) -> Principal:
        return role_principal(self.operator.client("iam"), "switchyard-pr-plan")

    @property
    def plan(self) -> Principal:
        return role_principal(self.operator.client("iam"), "switchyard-plan")


@pytest.fixture(scope="module")
def bootstrapped(deployed: Deployed) -> Bootstrapped:
    """The session's bootstrap of sandbox-dev (tests/e2e/conftest.py), read back from the emulator."""
    return Bootstrapped(deployed.endpoint_url, deployed.bootstrap[ENV])


WITH_BOUNDARY = {"iam:PermissionsBoundary": BOUNDARY}
ESCALATIONS = {
    "create a role without the boundary": Request("iam:CreateRole", f"{IAM}:role/swy-dev-escalate"),
    "create a role with the boundary outside the platform prefix": Request(
        "iam:CreateRole", f"{IAM}:role/escalate", WITH_BOUNDARY
    ),
    "attach AdministratorAccess to a new role without the boundary": Request(
        "iam:AttachRolePolicy",
        f"{IAM}:role/swy-dev-escalate",
        {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"},
    ),
    "assume the new role": Request("sts:AssumeRole", f"{IAM}:role/swy-dev-escalate"),
    "create an IAM user": Request("iam:CreateUser", f"{IAM}:user/escalate"),
    "create access keys": Request("iam:CreateAccessKey", f"{IAM}:user/escalate"),
    "create a login profile": Request("iam:CreateLoginProfile", f"{IAM}:user/escalate"),
    "rewrite OrganizationAccountAccessRole's trust": Request(
        "iam:UpdateAssumeRolePolicy", f"{IAM}:role/OrganizationAccountAccessRole"
    ),
    "attach a policy to OrganizationAccountAccessRole": Request(
        "iam:AttachRolePolicy", f"{IAM}:role/OrganizationAccountAccessRole", WITH_BOUNDARY
    ),
    "delete the boundary policy": Request("iam:DeletePolicy", BOUNDARY),
    "change the boundary policy": Request("iam:CreatePolicyVersion", BOUNDARY),
    "make another version the boundary's default": Request("iam:SetDefaultPolicyVersion", BOUNDARY),
    "take the boundary off a platform role": Request("iam:DeleteRolePermissionsBoundary", PLATFORM_ROLE),
    "take the boundary off the deploy role": Request(
        "iam:DeleteRolePermissionsBoundary", f"{IAM}:role/switchyard-deploy"
    ),
    "widen the deploy role's own policy": Request("iam:PutRolePolicy", f"{IAM}:role/switchyard-deploy", WITH_BOUNDARY),
    "rewrite the deploy role's trust": Request("iam:UpdateAssumeRolePolicy", f"{IAM}:role/switchyard-deploy"),
    "pass an arbitrary role to EC2": Request(
        "iam:PassRole", f"{IAM}:role/OrganizationAccountAccessRole", {"iam:PassedToService": "ec2.amazonaws.com"}
    ),
    "pass a platform role to EC2": Request("iam:PassRole", PLATFORM_ROLE, {"iam:PassedToService": "ec2.amazonaws.com"}),
    "use a service outside the platform": Request(
        "ec2:RunInstances", f"arn:aws:ec2:eu-west-1:{ACCOUNT.account_id}:instance/*"
    ),
    "turn off the state bucket's versioning": Request("s3:PutBucketVersioning", STATE_BUCKET),
    "destroy an old state version": Request("s3:DeleteObjectVersion", f"{STATE_BUCKET}/{ENV}/platform.tfstate"),
}
PLATFORM_APPLY = {
    "create a platform role with the boundary": Request("iam:CreateRole", PLATFORM_ROLE, WITH_BOUNDARY),
    "write its inline policy": Request("iam:PutRolePolicy", PLATFORM_ROLE, WITH_BOUNDARY),
    "delete its inline policy": Request("iam:DeleteRolePolicy", PLATFORM_ROLE, WITH_BOUNDARY),
    "tag it": Request("iam:TagRole", PLATFORM_ROLE),
    "delete it": Request("iam:DeleteRole", PLATFORM_ROLE),
    "refresh it": Request("iam:GetRole", PLATFORM_ROLE),
    "pass it to Lambda": Request("iam:PassRole", PLATFORM_ROLE, {"iam:PassedToService": "lambda.amazonaws.com"}),
    "pass an integration role to API Gateway": Request(
        "iam:PassRole", f"{IAM}:role/swy-dev-voting-apigw-sqs", {"iam:PassedToService": "apigateway.amazonaws.com"}
    ),
    "pass an API destination target role to EventBridge": Request(
        "iam:PassRole", f"{IAM}:role/swy-dev-webhooks-crm", {"iam:PassedToService": "events.amazonaws.com"}
    ),
    "pass the registration bus pipe role to EventBridge Pipes": Request(
        "iam:PassRole", f"{IAM}:role/swy-dev-registration-bus-pipe", {"iam:PassedToService": "pipes.amazonaws.com"}
    ),
    "create a pipe": Request(
        "pipes:CreatePipe", f"arn:aws:pipes:eu-west-1:{ACCOUNT.account_id}:pipe/swy-dev-registration-bus"
    ),
    "create a queue": Request("sqs:CreateQueue", f"arn:aws:sqs:eu-west-1:{ACCOUNT.account_id}:swy-dev-audit"),
    "create a topic": Request("sns:CreateTopic", f"arn:aws:sns:eu-west-1:{ACCOUNT.account_id}:swy-dev-registration"),
    "create a table": Request(
        "dynamodb:CreateTable", f"arn:aws:dynamodb:eu-west-1:{ACCOUNT.account_id}:table/swy-dev-polls"
    ),
    "create a function": Request(
        "lambda:CreateFunction", f"arn:aws:lambda:eu-west-1:{ACCOUNT.account_id}:function:swy-dev-audit"
    ),
    "create a key": Request("kms:CreateKey", "*"),
    "create a log group": Request(
        "logs:CreateLogGroup", f"arn:aws:logs:eu-west-1:{ACCOUNT.account_id}:log-group:/aws/lambda/x"
    ),
    "create a REST API": Request("apigateway:POST", "arn:aws:apigateway:eu-west-1::/restapis"),
    "write state": Request("s3:PutObject", f"{STATE_BUCKET}/dev/platform.tfstate"),
}


@pytest.mark.parametrize("attempt", ESCALATIONS)
def test_the_deploy_role_cannot_escalate(bootstrapped: Bootstrapped, attempt: str) -> None:
    decision = bootstrapped.deploy.decide(ESCALATIONS[attempt])
    assert decision != "allowed", f"the deploy role may {attempt}"


@pytest.mark.parametrize("call", PLATFORM_APPLY)
def test_the_deploy_role_can_apply_the_platform(bootstrapped: Bootstrapped, call: str) -> None:
    assert bootstrapped.deploy.decide(PLATFORM_APPLY[call]) == "allowed", f"the deploy role may not {call}"


def test_the_pull_request_plan_role_reads_configuration_and_state_but_no_data(bootstrapped: Bootstrapped) -> None:
    table = f"arn:aws:dynamodb:eu-west-1:{ACCOUNT.account_id}:table/swy-dev-votes"
    queue = f"arn:aws:sqs:eu-west-1:{ACCOUNT.account_id}:swy-dev-audit"
    pr = bootstrapped.pr_plan
    for refresh in (
        Request("dynamodb:DescribeTable", table),
        Request("sqs:GetQueueAttributes", queue),
        Request("iam:GetRole", PLATFORM_ROLE),
        Request("s3:GetObject", f"{STATE_BUCKET}/dev/platform.tfstate"),
        Request("s3:PutObject", f"{STATE_BUCKET}/{ENV}/platform.tfstate.tflock"),
        Request("s3:DeleteObject", f"{STATE_BUCKET}/{ENV}/platform.tfstate.tflock"),
    ):
        assert pr.allows(refresh), refresh
    # Its own environment's lock only: breaking another root's lock (or the bootstrap's) is refused.
    for role in (pr, bootstrapped.plan):
        for lock in ("prod/platform.tfstate.tflock", "bootstrap/account-baseline.tfstate.tflock"):
            assert not role.allows(Request("s3:DeleteObject", f"{STATE_BUCKET}/{lock}")), lock
    for data in (
        Request("dynamodb:GetItem", table),
        Request("dynamodb:Scan", table),
        Request("dynamodb:Query", table),
        Request("sqs:ReceiveMessage", queue),
        Request("s3:GetObject", "arn:aws:s3:::some-data-bucket/export.csv"),
        Request("logs:GetLogEvents", f"arn:aws:logs:eu-west-1:{ACCOUNT.account_id}:log-group:/aws/lambda/x"),
        Request("s3:PutObject", f"{STATE_BUCKET}/dev/platform.tfstate"),
    ):
        assert not pr.allows(data), data


def test_state_written_through_the_backend_configuration_is_encrypted_with_the_state_key(
    bootstrapped: Bootstrapped, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make plan|apply ENV=<real env>` initialises the S3 backend with envctl.backend_config."""
    key_arn = bootstrapped.outputs["state_kms_key_arn"]
    environ = {
        **os.environ,
        "AWS_ENDPOINT_URL": bootstrapped.url,
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "TF_CLI_CONFIG_FILE": str(envctl.CLI_CONFIG),
    }
    for name in ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, environ[name])  # envctl.state_key_arn uses boto3's defaults
    assert envctl.state_key_arn(ACCOUNT, assume_deploy_role=True) == key_arn
    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text(
        'terraform {\n  backend "s3" {\n    key          = "probe/platform.tfstate"\n    encrypt      = true\n'
        '    use_lockfile = true\n  }\n}\n\noutput "probe" {\n  value = "written"\n}\n'
    )
    (root / "backend.tfbackend").write_text(envctl.backend_config(ACCOUNT, True, key_arn) + "use_path_style = true\n")
    # moto's bucket-policy check turns every statement with a condition it cannot evaluate into a
    # Deny (moto/iam/access_control.py: IAMPolicyStatement._check_conditions), which refuses all
    # of the backend's requests; the policy's own test is the next one.
    s3 = bootstrapped.operator.client("s3")
    policy = s3.get_bucket_policy(Bucket=ACCOUNT.state_bucket)["Policy"]
    s3.delete_bucket_policy(Bucket=ACCOUNT.state_bucket)
    try:
        for args in (
            ["init", "-input=false", "-backend-config=backend.tfbackend"],
            ["apply", "-input=false", "-auto-approve"],
        ):
            done = subprocess.run(["terraform", f"-chdir={root}", *args], env=environ, capture_output=True, text=True)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        head = s3.head_object(Bucket=ACCOUNT.state_bucket, Key="probe/platform.tfstate")
    finally:
        s3.put_bucket_policy(Bucket=ACCOUNT.state_bucket, Policy=policy)
    assert head["ServerSideEncryption"] == "aws:kms"
    assert head["SSEKMSKeyId"] == key_arn


def test_the_state_bucket_refuses_puts_not_encrypted_with_the_state_key(bootstrapped: Bootstrapped) -> None:
    """The bucket policy as applied, its Deny statements judged by tools.iam_eval."""
    s3 = bootstrapped.operator.client("s3")
    policy = json.loads(s3.get_bucket_policy(Bucket=ACCOUNT.state_bucket)["Policy"])
    denies = {
        "Version": "2012-10-17",
        "Statement": [
            {k: v for k, v in statement.items() if k != "Principal"}
            for statement in policy["Statement"]
            if statement["Effect"] == "Deny" and statement["Principal"] == "*"
        ],
    }
    writer = Principal(({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}, denies))
    key = bootstrapped.outputs["state_kms_key_arn"]
    state = f"{STATE_BUCKET}/dev/platform.tfstate"
    tls = {"aws:SecureTransport": "true"}
    sse = "s3:x-amz-server-side-encryption"
    kms = {**tls, sse: "aws:kms", f"{sse}-aws-kms-key-id": key}
    assert writer.allows(Request("s3:PutObject", state, kms))
    assert writer.allows(Request("s3:PutObject", state, tls)), "no headers: the bucket default (the state key) applies"
    for refused in (
        {**tls, sse: "AES256"},  # what the S3 backend sends with encrypt = true and no kms_key_id
        {**tls, sse: "aws:kms"},  # S3 would use aws/s3
        {**kms, f"{sse}-aws-kms-key-id": key.replace(key.rsplit("/", 1)[1], "00000000-0000-0000-0000-000000000000")},
        {**kms, "aws:SecureTransport": "false"},
    ):
        assert writer.decide(Request("s3:PutObject", state, refused)) == "explicit deny", refused
