"""Benchmark `make package-lambdas`: clean build, reproducibility, and the no-op run.

    python bench/package_lambdas.py [--runs N]

Prints the full build time, whether two clean builds gave byte-identical zips (sha256 per
zip), and the no-op run's time as a ratio of the full build (goal: under 2%).
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"


def make_package() -> float:
    started = time.perf_counter()
    subprocess.run(["make", "-s", "package-lambdas"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def digests() -> dict[str, str]:
    return {str(p.relative_to(BUILD)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(BUILD.rglob("*.zip"))}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10, help="no-op runs to time")
    args = parser.parse_args()
    builds = []
    for _ in range(2):
        shutil.rmtree(BUILD, ignore_errors=True)
        seconds = make_package()
        builds.append((seconds, digests()))
    (first_s, first), (second_s, second) = builds
    noop = [make_package() for _ in range(args.runs)]
    noop_median = statistics.median(noop)
    full = statistics.mean([first_s, second_s])
    print(f"clean builds: {first_s:.2f}s and {second_s:.2f}s ({len(first)} zips)")
    for name, digest in first.items():
        same = "identical" if second.get(name) == digest else f"DIFFERS ({second.get(name)})"
        print(f"  {name:32} {digest[:16]}…  {same}")
    print(f"no-op run: median {noop_median * 1000:.0f} ms over {args.runs} runs")
    print(f"no-op / full build: {noop_median / full:.2%} (goal < 2%)")
    reproducible = first == second
    print(f"reproducible: {'yes' if reproducible else 'NO'}")
    return 0 if reproducible and noop_median / full < 0.02 else 1


if __name__ == "__main__":
    sys.exit(main())
