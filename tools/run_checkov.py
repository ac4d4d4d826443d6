"""Run checkov on Terraform folders or a plan JSON, offline, and fail on what checkov lets pass.

checkov 3.3 exits 0 on a folder that does not exist, on files it cannot parse and on a folder
with no Terraform in it; all three are failures here. `--skip-download` keeps it offline.
The custom policies in policies/ (CKV2_SWY_*) always run with the built-in checks. All the
scans of one call share one checkov process (tools/checkov_batch.py).

    python -m tools.run_checkov modules environments          # Terraform source
    python -m tools.run_checkov --plan build/plan.json        # a `terraform show -json` plan
    python -m tools.run_checkov --reports reports/policy ...  # also write JSON + SARIF there
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHECKOV_PYTHON = ROOT / ".venv-checkov" / "bin" / "python"
BATCH = ROOT / "tools" / "checkov_batch.py"
POLICIES = ROOT / "policies"


@dataclass
class Result:
    target: str
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    resources: int = 0
    problems: list[str] = field(default_factory=list)
    sarif: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        return (
            f"checkov {self.target}: {self.resources} resources, {self.passed} passed, "
            f"{self.failed} failed, {self.skipped} skipped"
        )


def command(target: Path, *, plan: bool, out_dir: Path) -> list[str]:
    args = ["--skip-download", "--compact", "--output", "json", "--output", "sarif"]
    args += ["--output-file-path", str(out_dir)]
    if plan:
        args += ["--file", str(target), "--framework", "terraform_plan", "--repo-root-for-plan-enrichment", str(ROOT)]
    else:
        args += ["--directory", str(target), "--framework", "terraform"]
    if POLICIES.is_dir():
        args += ["--external-checks-dir", str(POLICIES)]
    return args


def _reports(out_dir: Path) -> list[dict[str, Any]]:
    raw = json.loads((out_dir / "results_json.json").read_text())
    return raw if isinstance(raw, list) else [raw]


@dataclass(frozen=True)
class Scan:
    target: Path
    plan: bool = False

    @property
    def name(self) -> str:
        return str(self.target.relative_to(ROOT)) if self.target.is_relative_to(ROOT) else str(self.target)


def run(target: Path, *, plan: bool = False, reports: Path | None = None) -> Result:
    return run_many([Scan(target, plan)], reports=reports)[0]


def run_many(scans: list[Scan], *, reports: Path | None = None) -> list[Result]:
    """Every scan in one checkov process (tools/checkov_batch.py), one Result per scan."""
    results = [Result(s.name) for s in scans]
    out_dirs: dict[int, Path] = {}
    for index, scan in enumerate(scans):
        if scan.plan and not scan.target.is_file():
            results[index].problems.append(f"{scan.name}: no such plan file")
        elif not scan.plan and not scan.target.is_dir():
            results[index].problems.append(f"{scan.name}: no such directory")
        else:
            kind = "plan" if scan.plan else "src"
            out_dir = (reports or ROOT / "build" / "checkov") / f"{kind}-{scan.name.replace('/', '_')}"
            out_dir.mkdir(parents=True, exist_ok=True)
            for stale in out_dir.glob("results_*"):
                stale.unlink()
            out_dirs[index] = out_dir
    if not out_dirs:
        return results
    env = {**os.environ, "CKV_PARSE_ERROR_FAIL": "true", "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "WARNING"}
    # Plan scans judge attributes known only after apply as set (e.g. a mapping's computed
    # blocks); only checkov's plan parser reads this.
    env["EVAL_TF_PLAN_AFTER_UNKNOWN"] = "true"
    batch = [command(scans[i].target, plan=scans[i].plan, out_dir=out_dir) for i, out_dir in out_dirs.items()]
    process = subprocess.run(
        [str(CHECKOV_PYTHON), str(BATCH), json.dumps(batch)], capture_output=True, text=True, env=env
    )
    for index, out_dir in out_dirs.items():
        result = results[index]
        if not (out_dir / "results_json.json").is_file():
            result.problems.append(f"{result.target}: checkov wrote no report (exit {process.returncode}):")
            result.problems.append(process.stderr[-2000:])
            continue
        _read(result, out_dir)
    return results


def _read(result: Result, out_dir: Path) -> None:
    for report in _reports(out_dir):
        summary = report.get("summary", {})
        result.passed += summary.get("passed", 0)
        result.failed += summary.get("failed", 0)
        result.skipped += summary.get("skipped", 0)
        result.resources += summary.get("resource_count", 0)
        if summary.get("parsing_errors", 0):
            result.problems.append(f"{result.target}: checkov could not parse {summary['parsing_errors']} file(s)")
        checks = report.get("results", {})
        for check in checks.get("failed_checks", []):
            details = "; ".join(check.get("details") or [])
            result.problems.append(
                f"{check['check_id']} {check['resource']} ({check['file_path']}:{check['file_line_range'][0]}): "
                f"{check['check_name']}{' -- ' + details if details else ''}"
            )
    if result.resources == 0:
        result.problems.append(f"{result.target}: checkov found no Terraform resources (the scan would pass vacuously)")
    sarif = out_dir / "results_sarif.sarif"
    result.sarif = sarif if sarif.is_file() else None


def merge_sarif(files: list[Path], destination: Path) -> None:
    """One SARIF log with one run per scan, for code scanning uploads."""
    runs: list[Any] = []
    for path in files:
        runs += json.loads(path.read_text()).get("runs", [])
    destination.parent.mkdir(parents=True, exist_ok=True)
    log = {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": runs}
    destination.write_text(json.dumps(log, indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.run_checkov", description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", help="Terraform folders, relative to the repository root")
    parser.add_argument("--plan", action="append", default=[], help="a plan JSON from `terraform show -json`")
    parser.add_argument("--reports", type=Path, help="folder for JSON/SARIF reports (default build/checkov)")
    args = parser.parse_args(argv)
    if not args.targets and not args.plan:
        parser.error("give at least one folder or --plan file")
    scans = [Scan(ROOT / t) for t in args.targets] + [Scan(Path(p).resolve(), plan=True) for p in args.plan]
    results = run_many(scans)
    failed = False
    for result in results:
        print(result.line())
        for problem in result.problems:
            print(f"  FAIL {problem}")
        failed |= not result.ok
    if args.reports:
        merge_sarif([r.sarif for r in results if r.sarif], args.reports / "checkov.sarif")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
