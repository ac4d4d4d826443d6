"""Run checkov on Terraform folders, offline, and fail on what checkov itself lets pass.

checkov 3.3 exits 0 on a folder that does not exist and on files it cannot parse; both are
failures here. `--skip-download` keeps it offline (otherwise it tries the network).

    python -m tools.run_checkov modules environments
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
POLICIES = ROOT / "policies"


def run(directory: Path) -> tuple[int, int, int, list[str]]:
    """Returns (passed, failed, skipped, problems) for one folder."""
    if not directory.is_dir():
        return 0, 0, 0, [f"{directory}: no such directory"]
    command = [
        str(CHECKOV),
        "--directory",
        str(directory),
        "--framework",
        "terraform",
        "--skip-download",
        "--quiet",
        "--compact",
        "--output",
        "json",
    ]
    if any(POLICIES.glob("*.yaml")) or any(POLICIES.glob("*.py")):
        command += ["--external-checks-dir", str(POLICIES)]
    env = {**os.environ, "CKV_PARSE_ERROR_FAIL": "true", "BC_SKIP_MAPPING": "TRUE"}
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    try:
        reports = json.loads(result.stdout)
    except json.JSONDecodeError:
        return 0, 0, 0, [f"{directory}: checkov printed no report (exit {result.returncode}):\n{result.stderr[-2000:]}"]
    reports = reports if isinstance(reports, list) else [reports]
    passed = failed = skipped = 0
    problems = []
    for report in reports:
        summary = report.get("summary", {})
        passed += summary.get("passed", 0)
        failed += summary.get("failed", 0)
        skipped += summary.get("skipped", 0)
        if summary.get("parsing_errors", 0):
            problems.append(f"{directory}: checkov could not parse {summary['parsing_errors']} file(s)")
        for check in report.get("results", {}).get("failed_checks", []):
            problems.append(
                f"{check['check_id']} {check['resource']} ({check['file_path']}:{check['file_line_range'][0]}): "
                f"{check['check_name']}"
            )
    if result.returncode not in (0, 1):
        problems.append(f"{directory}: checkov exited {result.returncode}: {result.stderr[-2000:]}")
    return passed, failed, skipped, problems


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m tools.run_checkov DIR [DIR ...]", file=sys.stderr)
        return 2
    all_problems: list[str] = []
    for name in argv:
        passed, failed, skipped, problems = run(ROOT / name)
        print(f"checkov {name}: {passed} passed, {failed} failed, {skipped} skipped")
        all_problems += problems
    for problem in all_problems:
        print(f"  FAIL {problem}")
    return 1 if all_problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
