"""Every custom policy flags its bad fixture (naming the resource) and passes its good one.

One checkov run over tests/policies/<CHECK_ID>/{bad,good}/ with only the CKV2_SWY_* checks. A
policy without fixtures, a bad fixture that is not flagged, or a good fixture that is, fails
here: so a policy that cannot fail is caught.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "policies"
POLICIES = ROOT / "policies"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


def policy_ids() -> list[str]:
    ids = set()
    for source in POLICIES.glob("*.py"):
        ids |= set(re.findall(r"\"(CKV2_SWY_\d+)\"", source.read_text()))
    return sorted(ids, key=lambda i: int(i.rsplit("_", 1)[1]))


@pytest.fixture(scope="module")
def failures() -> list[dict[str, Any]]:
    if not CHECKOV.exists():
        pytest.fail(f"{CHECKOV} is missing: run `make setup`")
    result = subprocess.run(
        [
            str(CHECKOV),
            "-d",
            str(FIXTURES),
            "--framework",
            "terraform",
            "--skip-download",
            "--quiet",
            "--compact",
            "--external-checks-dir",
            str(POLICIES),
            "--check",
            ",".join(policy_ids()),
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CKV_PARSE_ERROR_FAIL": "true"},
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["summary"]["parsing_errors"] == 0
    failed: list[dict[str, Any]] = report["results"]["failed_checks"]
    return failed


def test_policies_are_found() -> None:
    assert len(policy_ids()) >= 12, policy_ids()


@pytest.mark.parametrize("check_id", policy_ids())
def test_each_policy_has_a_bad_and_a_good_fixture(check_id: str) -> None:
    for kind in ("bad", "good"):
        assert list((FIXTURES / check_id / kind).glob("*.tf")), f"tests/policies/{check_id}/{kind}/ has no .tf file"


@pytest.mark.parametrize("check_id", policy_ids())
def test_policy_flags_its_bad_fixture_naming_the_resource(check_id: str, failures: list[dict[str, Any]]) -> None:
    flagged = [f for f in failures if f["check_id"] == check_id and f["file_path"].startswith(f"/{check_id}/bad/")]
    assert flagged, f"{check_id} did not flag anything in tests/policies/{check_id}/bad"
    # The offending resources in bad fixtures are all labelled "bad", and each failure says why.
    assert {f["resource"].rsplit(".", 1)[1] for f in flagged} == {"bad"}, [f["resource"] for f in flagged]
    assert all(f.get("details") for f in flagged), "a failure must say what is wrong"


@pytest.mark.parametrize("check_id", policy_ids())
def test_policy_passes_its_good_fixture(check_id: str, failures: list[dict[str, Any]]) -> None:
    flagged = [f for f in failures if f["check_id"] == check_id and f["file_path"].startswith(f"/{check_id}/good/")]
    assert flagged == [], [(f["resource"], f.get("details")) for f in flagged]


def test_the_deny_insecure_transport_statement_passes(failures: list[dict[str, Any]]) -> None:
    assert not [f for f in failures if f["resource"].endswith("aws_iam_policy_document.tls_only")]


def test_plan_json_scans_see_references_inside_modules(tmp_path: Path) -> None:
    """In a plan, the DLQ is known by the configuration's references, not by its name, and
    computed blocks ("true_after_unknown") do not hide an SQS mapping."""
    from tools import run_checkov

    result = run_checkov.run(FIXTURES / "plan" / "dlq_without_alarm.plan.json", plan=True, reports=tmp_path)
    swy = sorted(p.split(" (")[0] for p in result.problems if p.startswith("CKV2_SWY"))
    assert swy == [
        "CKV2_SWY_1 module.orders.aws_lambda_event_source_mapping.bad",
        "CKV2_SWY_4 module.orders.aws_sqs_queue.bad",
    ], result.problems
