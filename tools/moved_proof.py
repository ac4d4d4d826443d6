"""Prove that a Terraform refactoring moves resources instead of destroying and recreating them.

    python -m tools.moved_proof apply-base [--base <commit>]   # once: emulator + apply at <commit>
    python -m tools.moved_proof plan                           # plan this tree against that state
    python -m tools.moved_proof stop                           # stop the private emulator

`apply-base` starts a private emulator (in .sandbox/moved-proof), bootstraps both simulated
accounts, and applies `environments/sandbox` as it was at the base commit (an exported copy of
that tree, sharing this tree's build/). `plan` plans this tree's sandbox root against the same
state and prints, per simulated account, how many resources would be added, changed, destroyed
or replaced and how many were moved; it exits 1 when anything would be destroyed or replaced.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
from collections import Counter
from io import BytesIO
from pathlib import Path

from emulation import emulator
from emulation.sandbox import ROOT, SANDBOX_ROOT, Sandbox, bootstrap, wait_for_deploy_roles

WORKDIR = ROOT / ".sandbox" / "moved-proof"
STATE_FILE = WORKDIR / "emulator.json"
SIMULATED = ["sandbox-dev", "sandbox-prod"]
ACCOUNTS = {"module.platform_dev": "111111111111 (dev)", "module.platform_prod": "222222222222 (prod)"}


def _export(commit: str) -> Path:
    """The tree at `commit`, unpacked under WORKDIR, with this tree's build/ (same zips)."""
    target = WORKDIR / f"base-{commit[:12]}"
    if not target.exists():
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
        (target / "build").symlink_to(ROOT / "build")
    return target


def apply_base(commit: str) -> int:
    emulator.stop(STATE_FILE)
    for stale in WORKDIR.glob("*.tfstate"):
        stale.unlink()
    url = str(emulator.start(STATE_FILE)["url"])
    base = Sandbox(WORKDIR, url, root=_export(commit) / "environments" / "sandbox", data_dir_name="tfdata-base")
    base.init()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        bootstrapping = pool.submit(bootstrap, WORKDIR, url, SIMULATED, False)
        wait_for_deploy_roles(url, SIMULATED, bootstrapping)
        seconds = base.apply(verbose=False)
        bootstrapping.result()
    print(f"applied environments/sandbox at {commit} in {seconds:.0f}s (emulator {url})")
    return 0


def summarize(plan: dict[str, object]) -> dict[str, Counter[str]]:
    """Per account prefix: counts of create/update/delete/replace/moved (no-ops left out)."""
    figures: dict[str, Counter[str]] = {prefix: Counter() for prefix in ACCOUNTS}
    changes = plan.get("resource_changes", [])
    assert isinstance(changes, list)
    for change in changes:
        prefix = next((p for p in ACCOUNTS if change["address"].startswith(p + ".")), None)
        if prefix is None:
            continue
        actions = change["change"]["actions"]
        if change.get("previous_address"):
            figures[prefix]["moved"] += 1
        if "delete" in actions and "create" in actions:
            figures[prefix]["replace"] += 1
        elif actions == ["create"]:
            figures[prefix]["add"] += 1
        elif actions == ["update"]:
            figures[prefix]["change"] += 1
        elif actions == ["delete"]:
            figures[prefix]["destroy"] += 1
    return figures


def plan_head() -> int:
    state = emulator.read_state(STATE_FILE)
    if not emulator.is_healthy(state) or state is None:
        print("moved_proof: no emulator with a base state; run `apply-base` first", file=sys.stderr)
        return 1
    head = Sandbox(WORKDIR, str(state["url"]), root=SANDBOX_ROOT, data_dir_name="tfdata-head")
    head.init()
    plan_file = WORKDIR / "head.tfplan"
    head.terraform("plan", "-input=false", "-no-color", "-parallelism=30", f"-out={plan_file}")
    plan = json.loads(head.terraform("show", "-json", str(plan_file)).stdout)
    failed = False
    for prefix, counts in summarize(plan).items():
        print(
            f"{ACCOUNTS[prefix]}: {counts['add']} to add, {counts['change']} to change, "
            f"{counts['destroy']} to destroy, {counts['replace']} to replace, {counts['moved']} moved"
        )
        failed = failed or counts["destroy"] > 0 or counts["replace"] > 0
    for change in plan.get("resource_changes", []):
        actions = change["change"]["actions"]
        if "delete" in actions:
            print(f"  {'/'.join(actions)}: {change['address']}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["apply-base", "plan", "stop"])
    parser.add_argument("--base", default="main", help="commit whose environments/sandbox is applied first")
    args = parser.parse_args(argv)
    if args.command == "apply-base":
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", args.base], check=True, capture_output=True, text=True
        ).stdout.strip()
        return apply_base(commit)
    if args.command == "plan":
        return plan_head()
    emulator.stop(STATE_FILE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
