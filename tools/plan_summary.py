"""Markdown summary of a `terraform show -json` plan, for the PR comment and the job summary.

python -m tools.plan_summary build/plans/dev.json --title "dev (210987654321)"
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+", "read": "<="}
MAX_ROWS = 60


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
            lines.append(f"| ... | {len(changes) - MAX_ROWS} more (see the plan artifact) |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.plan_summary", description=__doc__.split("\n")[0])
    parser.add_argument("plan_json", type=Path)
    parser.add_argument("--title", default="")
    args = parser.parse_args(argv)
    if not args.plan_json.is_file():
        print(f"plan_summary: {args.plan_json} does not exist; run `make plan ENV=<env>` first", file=sys.stderr)
        return 1
    print(summarize(json.loads(args.plan_json.read_text()), args.title or args.plan_json.stem), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
