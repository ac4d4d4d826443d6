"""Benchmark `make policy` as CI runs it: cold caches, every gate, wall and CPU time.

    python bench/policy_gates.py [--runs N]
    python bench/policy_gates.py --per-gate   # one cold run, one gate at a time: CPU per gate

Each run starts like a fresh clone's: no mypy cache, no policy work folder (build/policy:
provider wrapper, validate and test data dirs, sandbox plan). Prints every run's wall and
CPU seconds (the runner's own figures: itself and every child process, the shared provider
and the emulator included), their median and worst, and exits 1 when the median wall time
misses the goal (under 60 s on 2 cores) or a run fails.

`--per-gate` runs the gates one at a time (`tools.policy --jobs 1 --cpu`), so each gate's CPU
seconds (user+sys of every process it ran) are its own, and prints them heaviest first with the
2-core estimate max(heaviest gate, total CPU / 2): on a shared machine wall time follows the
neighbours, CPU seconds do not. The first gate that needs the shared provider also pays for
verifying it (init of the generated root); the provider process itself is its own line.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_SECONDS = 60.0
TOTAL = re.compile(r"^total \(wall / cpu\)\s+(?P<result>PASS|FAIL)\s+(?P<wall>[\d.]+)\s+cpu (?P<cpu>[\d.]+) s", re.M)


def one_run() -> tuple[str, float, float]:
    cold()
    process = subprocess.run(["make", "-s", "policy"], cwd=ROOT, capture_output=True, text=True)
    found = TOTAL.search(process.stdout)
    if not found:
        sys.stderr.write(process.stdout[-3000:] + process.stderr[-2000:])
        return "FAIL", float("nan"), float("nan")
    if found["result"] == "FAIL":
        sys.stderr.write(process.stdout[-6000:])
    return found["result"], float(found["wall"]), float(found["cpu"])


GATE = re.compile(r"^(?P<name>\S.*?)\s+(?P<result>PASS|FAIL|SKIP)?\s+(?P<wall>[\d.]+)?\s+cpu\s+(?P<cpu>[\d.]+)", re.M)


def cold() -> None:
    shutil.rmtree(ROOT / ".mypy_cache", ignore_errors=True)
    shutil.rmtree(ROOT / "build" / "policy", ignore_errors=True)


def per_gate() -> int:
    cold()
    process = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "tools.policy", "--jobs", "1", "--cpu"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    table = process.stdout[process.stdout.rfind("\ngate ") :]
    rows = [(m["name"].strip(), m["result"] or "", float(m["cpu"])) for m in GATE.finditer(table)]
    gates = [row for row in rows if not row[0].startswith("total")]
    total = next((cpu for name, _, cpu in rows if name.startswith("total")), float("nan"))
    if not gates:
        sys.stderr.write(process.stdout[-3000:] + process.stderr[-2000:])
        return 1
    width = max(len(name) for name, _, _ in gates)
    print(f"make policy gates one at a time, cold, on {os.cpu_count()} CPUs (CPU seconds, user+sys)")
    for name, result, cpu in sorted(gates, key=lambda row: -row[2]):
        print(f"  {name:<{width}}  {result:<4}  {cpu:6.1f}")
    heaviest = max(cpu for _, _, cpu in gates)
    print(f"  {'total':<{width}}        {total:6.1f}")
    estimate = max(heaviest, total / 2)
    print(f"2-core estimate: max(heaviest gate {heaviest:.1f}, total / 2 {total / 2:.1f}) = {estimate:.1f} s")
    return 0 if process.returncode == 0 else 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--per-gate", action="store_true", help="one cold run, one gate at a time, CPU per gate")
    args = parser.parse_args()
    if args.per_gate:
        return per_gate()
    print(f"make policy, {args.runs} cold runs on {os.cpu_count()} CPUs")
    runs = []
    for index in range(args.runs):
        result, wall, cpu = one_run()
        runs.append((result, wall, cpu))
        print(f"  run {index + 1}: {result} {wall:5.1f} s wall, {cpu:6.1f} s CPU", flush=True)
    walls = [wall for _, wall, _ in runs]
    median = statistics.median(walls)
    print(f"wall: median {median:.1f} s, worst {max(walls):.1f} s (goal: under {GOAL_SECONDS:.0f} s)")
    print(f"cpu:  median {statistics.median(cpu for _, _, cpu in runs):.1f} s")
    failed = any(result != "PASS" for result, _, _ in runs)
    return 1 if failed or not median < GOAL_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
