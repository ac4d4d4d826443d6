"""Every custom policy flags its bad fixture (naming the resource) and passes its good one.

One checkov run over tests/policies/<CHECK_ID>/{bad,good}/ with only the CKV2_SWY_* checks. A
policy without fixtures, a bad fixture that is not flagged, or a good fixture that is, fails
here: so a policy that cannot fail is caught.
"""

from __future__ import annotations

import json
import os
import re
import shutil
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
        assert list((FIXTURES / check_id / kind).rglob("*.tf")), f"tests/policies/{check_id}/{kind}/ has no .tf file"


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


def test_swy7_flags_a_boundary_of_whole_services_built_by_a_for_expression(failures: list[dict[str, Any]]) -> None:
    """The account baseline's boundary before issue 14 passed: checkov renders the list empty."""
    flagged = {f["resource"] for f in failures if f["check_id"] == "CKV2_SWY_7" and "/bad/boundary/" in f["file_path"]}
    assert flagged == {"aws_iam_policy.bad", "aws_iam_policy_document.bad"}, flagged


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


def test_one_checkov_process_scans_each_target_on_its_own(tmp_path: Path) -> None:
    """tools/checkov_batch.py runs every scan in one interpreter: a scan must not see the one
    before it (checkov's own repeated --directory reuses the first parse), and the CKV2_SWY
    checks must see each scan's own root (a folder named sandbox* is exempt from CKV2_SWY_10)."""
    from tools import run_checkov

    sandbox_copy = tmp_path / "sandbox-copy"
    shutil.copytree(FIXTURES / "CKV2_SWY_10" / "bad", sandbox_copy)
    scans = [
        run_checkov.Scan(FIXTURES / "CKV2_SWY_4" / "bad"),
        run_checkov.Scan(FIXTURES / "CKV2_SWY_4" / "good"),
        run_checkov.Scan(sandbox_copy),
        run_checkov.Scan(FIXTURES / "CKV2_SWY_10" / "bad"),
        run_checkov.Scan(FIXTURES / "plan" / "dlq_without_alarm.plan.json", plan=True),
        run_checkov.Scan(FIXTURES / "CKV2_SWY_4" / "bad"),
    ]
    results = run_checkov.run_many(scans, reports=tmp_path / "reports")

    def flagged(result: run_checkov.Result, check_id: str) -> list[str]:
        return sorted(p.split(" (")[0] for p in result.problems if p.startswith(check_id + " "))

    first_bad, good, sandbox, bad_10, plan, second_bad = results
    assert flagged(first_bad, "CKV2_SWY_4") == ["CKV2_SWY_4 aws_sqs_queue.bad"]
    assert flagged(good, "CKV2_SWY_4") == [] and good.resources > 0
    assert flagged(sandbox, "CKV2_SWY_10") == []
    assert flagged(bad_10, "CKV2_SWY_10") == ["CKV2_SWY_10 aws_dynamodb_table.bad"]
    assert flagged(plan, "CKV2_SWY_4") == ["CKV2_SWY_4 module.orders.aws_sqs_queue.bad"]
    assert (second_bad.passed, second_bad.failed, second_bad.problems) == (
        first_bad.passed,
        first_bad.failed,
        first_bad.problems,
    )
    assert all(r.sarif is not None and r.sarif.is_file() for r in results)


def test_a_missing_target_fails_without_stopping_the_others(tmp_path: Path) -> None:
    from tools import run_checkov

    missing, good = run_checkov.run_many(
        [run_checkov.Scan(tmp_path / "nope"), run_checkov.Scan(FIXTURES / "CKV2_SWY_4" / "good")], reports=tmp_path
    )
    assert missing.problems == [f"{tmp_path / 'nope'}: no such directory"]
    assert good.resources > 0 and not [p for p in good.problems if p.startswith("CKV2_SWY_4 ")]
