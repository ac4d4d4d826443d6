"""Benchmark `make policy` as CI runs it: cold caches, every gate, wall and CPU time.

    python bench/policy_gates.py [--runs N]

Each run starts like a fresh clone's: no mypy cache, no policy work folder (build/policy:
provider wrapper, validate and test data dirs, sandbox plan). Prints every run's wall and
CPU seconds (the runner's own figures: itself and every child process, the shared provider
and the emulator included), their median and worst, and exits 1 when the median wall time
misses the goal (under 60 s on 2 cores) or a run fails.
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
    shutil.rmtree(ROOT / ".mypy_cache", ignore_errors=True)
    shutil.rmtree(ROOT / "build" / "policy", ignore_errors=True)
    process = subprocess.run(["make", "-s", "policy"], cwd=ROOT, capture_output=True, text=True)
    found = TOTAL.search(process.stdout)
    if not found:
        sys.stderr.write(process.stdout[-3000:] + process.stderr[-2000:])
        return "FAIL", float("nan"), float("nan")
    if found["result"] == "FAIL":
        sys.stderr.write(process.stdout[-6000:])
    return found["result"], float(found["wall"]), float(found["cpu"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
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
