"""Markdown summary of a `terraform show -json` plan, for the PR comment and the job summary.

    python -m tools.plan_summary build/plans/dev.json --title "dev (210987654321)"
    python -m tools.plan_summary build/plans/dev.json --write-digest build/plans/dev.sha256
    python -m tools.plan_summary build/plans/dev.json --check-digest reviewed/dev.sha256

The summary names resources and actions only, never a value: it is what CI may publish. The
plan JSON (and the .tfplan) carry every sensitive value in plain text and never leave the job.
Instead of shipping the saved plan to the apply job, the plan job publishes the summary and a
digest of the change set (sensitive parts redacted); the apply job plans again with the deploy
role and applies only when its change set has the digest the reviewers approved.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<="}
MAX_ROWS = 60
SENSITIVE = "(sensitive)"


def action(change: dict[str, Any]) -> str:
    actions = change.get("actions", [])
    if "create" in actions and "delete" in actions:
        return "replace"
    return actions[0] if actions else "no-op"


def summarize(plan: dict[str, Any], title: str) -> str:
    changes = [
        (action(rc["change"]), rc["address"])
        for rc in plan.get("resource_changes", [])
        if action(rc["change"]) not in ("no-op", "read")
    ]
    counts = Counter(kind for kind, _ in changes)
    drift = len(plan.get("resource_drift", []))
    kinds = ("create", "update", "replace", "delete")
    headline = ", ".join(f"{counts[k]} to {k}" for k in kinds if counts[k]) or "no changes"
    lines = [
        f"### Terraform plan: {title}",
        "",
        f"**{headline}**" + (f" (drift outside Terraform: {drift})" if drift else ""),
    ]
    if counts["delete"] or counts["replace"]:
        lines += ["", "> :warning: this plan destroys resources: read it before approving."]
    if changes:
        lines += ["", "| action | resource |", "|---|---|"]
        order = {"delete": 0, "replace": 1, "update": 2, "create": 3}
        for kind, address in sorted(changes, key=lambda c: (order.get(c[0], 9), c[1]))[:MAX_ROWS]:
            lines.append(f"| `{SYMBOL.get(kind, kind)}` {kind} | `{address}` |")
        if len(changes) > MAX_ROWS:
            lines.append(f"| ... | {len(changes) - MAX_ROWS} more (run `make plan` to see them all) |")
    return "\n".join(lines) + "\n"


def redacted(value: Any, sensitive: Any) -> Any:
    """value with every part that Terraform's `*_sensitive` mask marks replaced by SENSITIVE."""
    if sensitive is True:
        return SENSITIVE
    if isinstance(value, dict) and isinstance(sensitive, dict):
        return {key: redacted(item, sensitive.get(key, False)) for key, item in value.items()}
    if isinstance(value, list) and isinstance(sensitive, list):
        return [redacted(item, sensitive[i] if i < len(sensitive) else False) for i, item in enumerate(value)]
    return value


def change_set(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """What a reviewer approves: every resource and output that changes, with its actions and its
    before/after values, sensitive parts redacted (reviewers never see those either)."""
    found = []
    for kind, key in (("resource", "resource_changes"), ("output", "output_changes")):
        entries = plan.get(key, [])
        items = entries.items() if isinstance(entries, dict) else ((rc["address"], rc["change"]) for rc in entries)
        for address, change in items:
            if change.get("actions", []) == ["no-op"]:
                continue
            found.append(
                {
                    "kind": kind,
                    "address": address,
                    "actions": change.get("actions", []),
                    "before": redacted(change.get("before"), change.get("before_sensitive", False)),
                    "after": redacted(change.get("after"), change.get("after_sensitive", False)),
                    "after_unknown": change.get("after_unknown", False),
                }
            )
    return sorted(found, key=lambda entry: (entry["kind"], entry["address"]))


def digest(plan: dict[str, Any]) -> str:
    """SHA-256 of the change set: equal for two plans that would make the same changes."""
    canonical = json.dumps(change_set(plan), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan_summary", description=__doc__.split("\n")[0])
    parser.add_argument("plan_json", type=Path)
    parser.add_argument("--title", default="")
    parser.add_argument("--write-digest", type=Path, metavar="FILE", help="also write the change-set digest here")
    parser.add_argument(
        "--check-digest", type=Path, metavar="FILE", help="only compare the change set with this reviewed digest"
    )
    args = parser.parse_args(argv)
    if not args.plan_json.is_file():
        print(f"plan_summary: {args.plan_json} does not exist; run `make plan ENV=<env>` first", file=sys.stderr)
        return 1
    plan = json.loads(args.plan_json.read_text())
    if args.check_digest:
        reviewed = args.check_digest.read_text().strip() if args.check_digest.is_file() else "(missing)"
        if digest(plan) != reviewed:
            print(
                f"plan_summary: {args.plan_json} is not the reviewed plan (digest {digest(plan)}, reviewed "
                f"{reviewed} in {args.check_digest}): state or code moved since the review; plan and review again",
                file=sys.stderr,
            )
            return 1
        print(f"plan_summary: {args.plan_json} makes exactly the reviewed changes ({reviewed})")
        return 0
    if args.write_digest:
        args.write_digest.parent.mkdir(parents=True, exist_ok=True)
        args.write_digest.write_text(digest(plan) + "\n")
    print(summarize(plan, args.title or args.plan_json.stem), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
