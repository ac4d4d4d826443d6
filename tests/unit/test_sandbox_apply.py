"""Sandbox.apply imports a create the emulator did but the provider never saw, then applies again."""

# ruff: noqa: E501 - Terraform's output, verbatim

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from emulation.sandbox import (
    LostResponseWarning,
    Sandbox,
    TerraformError,
    lost_creates,
    lost_deletes,
    refused_as_existing,
)

# What `terraform apply -no-color` printed in an e2e session (2026-12-02): the emulator logged
# 201 for both creates, then 409 for the SDK's retries of them.
LOST = """module.platform_dev.module.bans_topic[0].aws_sns_topic_subscription.this["accounts"]: Creation complete after 0s

Error: creating Lambda Function (swy-prod-voting): operation error Lambda: CreateFunction, https response error StatusCode: 409, RequestID: Mie1qscXnm0H6BpavqP1HxyHolXfMb2aLfc6vHCKdhUgoLEjAhq9, ResourceConflictException: Function already exist: swy-prod-voting

  with module.platform_prod.module.voting_function.aws_lambda_function.this,
  on ../../modules/lambda-function/main.tf line 140, in resource "aws_lambda_function" "this":
 140: resource "aws_lambda_function" "this" {


Error: creating Lambda Function (swy-dev-registration-sales-lead): operation error Lambda: CreateFunction, https response error StatusCode: 409, RequestID: PM6L, ResourceConflictException: Function already exist: swy-dev-registration-sales-lead

  with module.platform_dev.module.registration.module.subscriber["sales-lead"].module.function.aws_lambda_function.this,
  on ../../modules/lambda-function/main.tf line 140, in resource "aws_lambda_function" "this":
 140: resource "aws_lambda_function" "this" {

"""

ROLE = """Error: creating IAM Role (swy-dev-audit): operation error IAM: CreateRole, https response error StatusCode: 409, RequestID: X, EntityAlreadyExists: Role with name swy-dev-audit already exists.

  with module.platform_dev.module.audit_function.aws_iam_role.this,
  on ../../modules/lambda-function/main.tf line 60, in resource "aws_iam_role" "this":
"""

OTHER = """Error: creating SQS Queue (swy-dev-audit): operation error SQS: CreateQueue, https response error StatusCode: 400, QueueAlreadyExists

  with module.platform_dev.module.audit.aws_sqs_queue.this,
"""


def test_lost_creates_names_each_address_and_its_import_id() -> None:
    assert lost_creates(LOST) == [
        ("module.platform_prod.module.voting_function.aws_lambda_function.this", "swy-prod-voting"),
        (
            'module.platform_dev.module.registration.module.subscriber["sales-lead"].module.function.aws_lambda_function.this',
            "swy-dev-registration-sales-lead",
        ),
    ]
    assert lost_creates(ROLE) == [("module.platform_dev.module.audit_function.aws_iam_role.this", "swy-dev-audit")]


def test_other_errors_are_not_lost_creates() -> None:
    assert lost_creates(OTHER) == []
    assert (
        lost_creates("Error: creating Lambda Function (x): InvalidParameterValueException: bad role\n\n  with a.b,\n")
        == []
    )


class ScriptedSandbox(Sandbox):
    """Sandbox whose terraform commands answer from a script instead of running: the first
    `failing` commands (apply or destroy) fail with the scripted outputs, in order."""

    def __init__(self, tmp_path: Path, failures: list[str], failing: str = "apply") -> None:
        super().__init__(tmp_path, "http://127.0.0.1:1")
        self.failures = failures
        self.failing = failing
        self.calls: list[tuple[str, ...]] = []

    def terraform(self, *args: str, **_: Any) -> subprocess.CompletedProcess[str]:
        self.calls.append(args)
        if args[0] == self.failing and self.failures:
            raise TerraformError(f"terraform {self.failing} exited 1", self.failures.pop(0))
        return subprocess.CompletedProcess(args, 0, "", "")


def test_apply_imports_the_lost_creates_then_applies_once_more(tmp_path: Path) -> None:
    sandbox = ScriptedSandbox(tmp_path, [LOST])
    with pytest.warns(LostResponseWarning) as warned:  # pytest lists them in its summary
        sandbox.apply(verbose=False)
    assert ["swy-prod-voting" in str(w.message) for w in warned] == [True, False]
    assert [c[0] for c in sandbox.calls] == ["apply", "import", "import", "apply"]
    assert sandbox.calls[1][-2:] == (
        "module.platform_prod.module.voting_function.aws_lambda_function.this",
        "swy-prod-voting",
    )


def test_apply_recovers_once_and_never_from_other_errors_or_a_saved_plan(tmp_path: Path) -> None:
    with pytest.raises(TerraformError), pytest.warns(LostResponseWarning):
        ScriptedSandbox(tmp_path, [LOST, LOST]).apply(verbose=False)  # the second apply fails too
    other = ScriptedSandbox(tmp_path, [OTHER])
    with pytest.raises(TerraformError):
        other.apply(verbose=False)
    assert [c[0] for c in other.calls] == ["apply"]
    saved = ScriptedSandbox(tmp_path, [LOST])
    with pytest.raises(TerraformError):
        saved.apply("sandbox.tfplan", verbose=False)
    assert [c[0] for c in saved.calls] == ["apply"]


# What `terraform destroy -no-color` printed in an e2e session (2026-12-02, make test).
LOST_DELETE = """module.platform_prod.aws_kms_key.platform: Destruction complete after 0s

Error: deleting AWS DynamoDB Table (swy-dev-bans-banned-accounts): operation error DynamoDB: DeleteTable, https response error StatusCode: 400, RequestID: 0YTD, ResourceNotFoundException: Requested resource not found

"""


def test_lost_deletes_only_when_every_error_is_a_delete_that_found_nothing() -> None:
    assert lost_deletes(LOST_DELETE) == ["AWS DynamoDB Table (swy-dev-bans-banned-accounts)"]
    other = "Error: deleting IAM Role (r): operation error IAM: DeleteRole, DeleteConflict: policies attached\n"
    assert lost_deletes(other) == []
    assert lost_deletes(LOST_DELETE + other) == []


def test_destroy_runs_once_more_with_refresh_after_a_lost_delete(tmp_path: Path) -> None:
    sandbox = ScriptedSandbox(tmp_path, [LOST_DELETE], failing="destroy")
    with pytest.warns(LostResponseWarning, match="swy-dev-bans-banned-accounts"):
        sandbox.destroy(verbose=False, refresh=False)
    assert [("-refresh=false" in c) for c in sandbox.calls] == [True, False]
    with pytest.raises(TerraformError), pytest.warns(LostResponseWarning):
        ScriptedSandbox(tmp_path, [LOST_DELETE, LOST_DELETE], failing="destroy").destroy(verbose=False)
    other = ScriptedSandbox(tmp_path, [OTHER], failing="destroy")
    with pytest.raises(TerraformError):
        other.destroy(verbose=False)
    assert len(other.calls) == 1


def test_refused_as_existing_covers_every_kind_of_create() -> None:
    for line in (
        LOST.splitlines()[2],
        "Error: creating IAM Policy (x): operation error IAM: CreatePolicy, EntityAlreadyExists: A policy called x already exists.",
        "Error: creating CloudWatch Logs Log Group (x): ResourceAlreadyExistsException: The specified log group already exists",
        "Error: creating DynamoDB Table (t): ResourceInUseException: Table already exists: t",
        "Error: creating API Gateway Resource: ConflictException: Another resource with the same parent already has this name",
    ):
        assert refused_as_existing(f"x\n{line}\n\n  with a.b,\n") == line
    assert refused_as_existing(OTHER)  # a queue that exists with other attributes: the same signature
    invalid = "Error: creating SQS Queue (q): operation error SQS: CreateQueue, InvalidAttributeValue: bad\n"
    assert refused_as_existing(invalid) is None and refused_as_existing(LOST_DELETE) is None
