"""The GitHub workflows pin every action by commit SHA and grant OIDC only where it is used."""

from __future__ import annotations

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
        if target.startswith("./"):
            continue  # a reusable workflow of this repository
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
