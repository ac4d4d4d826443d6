"""The GitHub workflows pin every action by commit SHA, grant OIDC only where it is used, install
packages before any AWS credential exists and upload nothing that can carry a sensitive value."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+\.\d+\.\d+\s*$")


def uses_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]


def jobs(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text())
    return loaded.get("jobs", {})


def test_the_workflows_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml", "deploy-environment.yml", "drift.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_full_sha_with_its_version(path: Path) -> None:
    lines = uses_lines(path)
    assert lines, f"{path.name} uses no action"
    for line in lines:
        target = line.split("uses:", 1)[1].split("#", 1)[0].strip()
        if target.startswith(("$/", "./")):
            continue  # a reusable workflow of this repository (zizmor wants `$/`: the running commit)
        assert PINNED.match(target), f"{path.name}: {target} is not pinned to a 40-hex commit SHA"
        assert VERSION_COMMENT.search(line), f"{path.name}: {target} lacks its '# vX.Y.Z' comment"


def test_the_pin_check_rejects_tags_and_short_shas() -> None:
    assert not PINNED.match("actions/checkout@v4")
    assert not PINNED.match("actions/checkout@3d3c42e")
    assert PINNED.match("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_are_minimal_and_oidc_only_where_aws_is_used(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text())
    assert workflow.get("permissions") == {"contents": "read"}, f"{path.name}: top-level permissions must be read-only"
    for name, job in jobs(path).items():
        if "uses" in job:  # a reusable workflow call: its jobs are checked in their own file
            continue
        steps_text = yaml.safe_dump(job.get("steps", []))
        wants_oidc = "configure-aws-credentials" in steps_text
        has_oidc = job.get("permissions", {}).get("id-token") == "write"
        assert wants_oidc == has_oidc, f"{path.name}:{name}: id-token: write exactly when assuming an AWS role"


def test_apply_runs_behind_an_environment_with_the_deploy_role() -> None:
    apply = jobs(ROOT / ".github" / "workflows" / "deploy-environment.yml")["apply"]
    assert apply["environment"] == "${{ inputs.environment }}"
    text = yaml.safe_dump(apply["steps"])
    assert ":role/switchyard-deploy" in text and "make apply" in text
    order = [job.get("needs") for job in jobs(ROOT / ".github" / "workflows" / "deploy.yml").values()]
    assert order == [None, "test", "dev", "staging"], "promotion must be test -> dev -> staging -> prod"


# --- artifacts: `terraform show -json` and the .tfplan hold sensitive values in plain text ------

# Kinds of file that carry no resource values: a markdown plan summary (addresses and actions),
# checkov SARIF (rule, resource, line), JUnit XML (gate results), a change-set digest.
SAFE_UPLOAD = re.compile(r"\.(md|sarif|xml|sha256)$")


def can_carry_sensitive_values(path: str) -> bool:
    """True unless the path names one file of a safe kind. A folder or a glob is refused: what
    lands in it is decided at run time (checkov's JSON reports, for one, copy plan values)."""
    if path.startswith("!"):
        return False  # an exclusion uploads nothing
    return path.endswith("/") or any(c in path for c in "*?[") or not SAFE_UPLOAD.search(path)


def uploads(path: Path) -> list[tuple[str, str]]:
    found = []
    for name, job in jobs(path).items():
        for step in job.get("steps", []):
            if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                paths = str(step.get("with", {}).get("path", ""))
                found += [(name, line.strip()) for line in paths.splitlines() if line.strip()]
    return found


def test_the_artifact_check_refuses_plan_files_folders_and_globs() -> None:
    refused = [
        "build/plans/${{ inputs.environment }}.tfplan",
        "build/plans/${{ matrix.environment }}.json",
        "build/lambdas/",
        "reports/plan-dev/",
        "reports/policy/",
        "build/plans/*.md",
        "build",
    ]
    assert [p for p in refused if not can_carry_sensitive_values(p)] == []
    safe = ["build/plans/dev.summary.md", "build/plans/dev.sha256", "reports/policy/junit.xml", "plan-summary.md"]
    assert [p for p in safe if can_carry_sensitive_values(p)] == []


def test_checkov_sarif_of_a_plan_carries_no_value_but_its_json_report_does(tmp_path: Path) -> None:
    """Why SARIF may be uploaded and a checkov report folder may not."""
    from tools import run_checkov

    secret = "sk-live-0d5e-DO-NOT-PUBLISH"
    values = {"name": "q", "sqs_managed_sse_enabled": False, "tags": {"token": secret}}
    resource = {"address": "aws_sqs_queue.q", "mode": "managed", "type": "aws_sqs_queue", "name": "q"}
    provider = {"provider_name": "registry.terraform.io/hashicorp/aws"}
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {"root_module": {"resources": [{**resource, **provider, "values": values}]}},
        "resource_changes": [
            {**resource, **provider, "change": {"actions": ["create"], "before": None, "after": values}}
        ],
        "configuration": {"root_module": {"resources": [{**resource, "provider_config_key": "aws"}]}},
    }
    plan_json = tmp_path / "plan.json"
    plan_json.write_text(json.dumps(plan))
    result = run_checkov.run(plan_json, plan=True, reports=tmp_path / "reports")
    assert result.failed > 0 and result.sarif is not None, result.line()
    assert secret in (result.sarif.parent / "results_json.json").read_text()
    assert secret not in result.sarif.read_text()


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_uploaded_file_can_carry_a_sensitive_value(path: Path) -> None:
    bad = [f"{job}: {p}" for job, p in uploads(path) if can_carry_sensitive_values(p)]
    assert not bad, f"{path.name} uploads what may hold plan values (upload the summary/digest instead): {bad}"


def test_apply_plans_again_and_applies_only_the_reviewed_change_set() -> None:
    steps = jobs(ROOT / ".github" / "workflows" / "deploy-environment.yml")["apply"]["steps"]
    runs = [str(step.get("run", "")) for step in steps]
    downloads = [step for step in steps if str(step.get("uses", "")).startswith("actions/download-artifact@")]
    assert [d["with"]["name"] for d in downloads] == ["reviewed-plan-${{ inputs.environment }}"]

    def index(text: str) -> int:
        return next(i for i, run in enumerate(runs) if text in run)

    assert index("make plan") < index("--check-digest") < index("make apply")


# --- install before credentials ------------------------------------------------------------------

INSTALLS = re.compile(r"make setup|package-lambdas|pip install|uv pip|npm (ci|install)")
# Targets whose make prerequisites install packages (setup) or build zips with pip (package-lambdas).
INSTALLING_TARGETS = re.compile(r"make (plan|apply|test|policy|bootstrap)\b|\.ci/run")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_packages_are_installed_before_aws_credentials_are_configured(path: Path) -> None:
    for name, job in jobs(path).items():
        steps = job.get("steps", [])
        credentials = [i for i, s in enumerate(steps) if "configure-aws-credentials" in str(s.get("uses", ""))]
        if not credentials:
            continue
        before = " ".join(str(s.get("run", "")) for s in steps[: credentials[0]])
        after = [str(s.get("run", "")) for s in steps[credentials[0] :]]
        late = [run for run in after if INSTALLS.search(run)]
        assert not late, f"{path.name}:{name}: installs with AWS credentials in the environment: {late}"
        if any(INSTALLING_TARGETS.search(run) for run in after):
            assert "make setup" in before and "package-lambdas" in before, (
                f"{path.name}:{name}: run `make setup package-lambdas` before configure-aws-credentials, "
                "or the later make target installs them with credentials present"
            )


def test_pull_requests_plan_dev_only_with_the_pull_request_plan_role() -> None:
    """Pull-request code runs with the credentials it gets: never a role that reads staging or prod."""
    plan = jobs(ROOT / ".github" / "workflows" / "pull-request.yml")["plan"]
    assert plan["strategy"]["matrix"]["environment"] == ["dev"]
    roles = re.findall(r":role/([\w+=,.@-]+)", yaml.safe_dump(plan["steps"]))
    assert roles == ["switchyard-pr-plan"], roles
    registry = yaml.safe_load((ROOT / "environments" / "accounts.json").read_text())["environments"]
    opted_in = sorted(e for e, entry in registry.items() if entry.get("pull_request_plans") and not entry["emulated"])
    assert opted_in == plan["strategy"]["matrix"]["environment"], "the matrix must be the accounts with a pr-plan role"


def test_only_the_deploy_workflow_assumes_the_deploy_role() -> None:
    """The deploy trust pins job_workflow_ref to deploy-environment.yml: no other workflow may try."""
    for path in WORKFLOWS:
        if path.name != "deploy-environment.yml":
            assert ":role/switchyard-deploy" not in path.read_text(), path.name
