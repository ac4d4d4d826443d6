"""Run several checkov scans in one interpreter (run by .venv-checkov's Python, not imported).

    .venv-checkov/bin/python tools/checkov_batch.py '[["--directory", "modules", ...], ...]'

Each element is one scan's checkov arguments. Importing checkov and loading its checks costs
about 2.5 s of CPU; a process per scan paid it once per folder. checkov's own repeated
`--directory` reuses the first folder's parse for the next ones (its runners keep their
definitions), so every scan here gets fresh runners for its framework, and `sys.argv` is set
to the scan's own arguments because the CKV2_SWY checks read their scan root from it
(policies/swy_graph.py). Reports go where each scan's `--output-file-path` says; the exit code
is 0 when every scan ran (findings are read from the reports), 2 when one crashed.
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any


def framework(args: list[str]) -> str:
    index = args.index("--framework")
    return args[index + 1]


def scan(args: list[str]) -> None:
    # Imported here, so that the arguments are checked (and --help answers) before checkov loads.
    from checkov.main import Checkov
    from checkov.terraform.plan_runner import Runner as PlanRunner
    from checkov.terraform.runner import Runner as TerraformRunner

    runners: dict[str, Any] = {"terraform": TerraformRunner, "terraform_plan": PlanRunner}
    sys.argv = ["checkov", *args]
    checkov = Checkov(argv=args)
    checkov.runners = [runners[framework(args)]()]
    try:
        checkov.run()
    except SystemExit as stop:  # checkov exits on some errors; the missing report says which
        if stop.code not in (None, 0, 1):
            raise


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="tools/checkov_batch.py", description=__doc__.split("\n")[0])
    parser.add_argument("scans", type=json.loads, help="a JSON list of checkov argument lists")
    scans: list[list[str]] = parser.parse_args(argv).scans
    crashed = 0
    for args in scans:
        try:
            scan(args)
        except BaseException:  # one broken scan must not hide the others' reports
            crashed += 1
            print(f"checkov {' '.join(args)} crashed:\n{traceback.format_exc()}", file=sys.stderr)
    return 2 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
