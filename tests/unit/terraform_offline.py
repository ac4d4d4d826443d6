"""Run `terraform init -backend=false` + `validate` on a root, offline, from tests (xdist-safe)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tools.tf_cli_config import plugin_cache_lock

ROOT = Path(__file__).resolve().parents[2]
CLI_CONFIG = ROOT / ".terraform.d" / "cli.tfrc"  # the project's, as the Makefile sets it


def init_and_validate(root: Path, data_dir: Path, *init_args: str) -> list[str]:
    """Returns the failures (empty when both steps pass). The working copy stays clean."""
    environ = {
        **os.environ,
        "TF_DATA_DIR": str(data_dir),
        "TF_CLI_CONFIG_FILE": str(CLI_CONFIG),
        "TF_IN_AUTOMATION": "1",
    }
    failures = []
    for command in (["init", "-backend=false", "-input=false", *init_args], ["validate"]):
        run = ["terraform", f"-chdir={root}", *command, "-no-color"]
        if command[0] == "init":
            with plugin_cache_lock(CLI_CONFIG):
                result = subprocess.run(run, env=environ, capture_output=True, text=True)
        else:
            result = subprocess.run(run, env=environ, capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"terraform {command[0]} in {root}:\n{result.stdout}{result.stderr}")
            break
    return failures
