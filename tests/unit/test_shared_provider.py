"""tools.shared_provider: one verified AWS provider process that validate and terraform test reuse."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tools.shared_provider import LOCK_FILE, ProviderError, SharedProvider, reference_lock

ROOT = Path(__file__).resolve().parents[2]
CLI_CONFIG = ROOT / ".terraform.d" / "cli.tfrc"
LOCK = ROOT / "environments" / "dev" / LOCK_FILE


def env() -> dict[str, str]:
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(CLI_CONFIG), "TF_IN_AUTOMATION": "1"}


def module(path: Path, constraint: str) -> Path:
    path.mkdir(parents=True)
    (path / "main.tf").write_text(
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n'
        f'      version = "{constraint}"\n    }}\n  }}\n}}\n\n'
        'variable "name" {\n  type = string\n}\n\n'
        'resource "aws_sqs_queue" "this" {\n  name                    = var.name\n'
        "  sqs_managed_sse_enabled = true\n}\n"
    )
    return path


def root_with_lock(path: Path, lock: bytes) -> Path:
    path.mkdir(parents=True)
    (path / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    (path / LOCK_FILE).write_bytes(lock)
    return path


def test_the_lock_most_roots_commit_is_the_reference(tmp_path: Path) -> None:
    a = root_with_lock(tmp_path / "a", b"one")
    root_with_lock(tmp_path / "b", b"one")
    c = root_with_lock(tmp_path / "c", b"two")
    reference = reference_lock([a, tmp_path / "b", c])
    assert reference is not None and reference.read_bytes() == b"one"
    provider = SharedProvider(tmp_path, tmp_path / "work", [], [a, tmp_path / "b", c], env())
    # A root pinning another lock keeps its own provider; so does a folder outside the set.
    assert provider.shares(a) and not provider.shares(c)
    assert provider.env_for(c) == {} and provider.env_for(tmp_path / "elsewhere") == {}
    assert reference_lock([tmp_path / "no-lock-here"]) is None


def test_validate_runs_on_the_shared_process_and_close_stops_it(tmp_path: Path) -> None:
    if not CLI_CONFIG.is_file():
        pytest.fail(f"{CLI_CONFIG} is missing: run `make setup`")
    root = root_with_lock(tmp_path / "envs" / "dev", LOCK.read_bytes())
    fixture = module(tmp_path / "modules" / "queue", ">= 5.100")
    provider = SharedProvider(tmp_path, tmp_path / "work", [fixture], [root], env())
    try:
        extra = provider.env_for(fixture)
        reattach = json.loads(extra["TF_REATTACH_PROVIDERS"])
        pid = reattach["registry.terraform.io/hashicorp/aws"]["Pid"]
        os.kill(pid, 0)  # running
        data = {**env(), **extra, "TF_DATA_DIR": str(tmp_path / "tfdata")}
        for args in (["init", "-backend=false", "-input=false"], ["validate"]):
            result = subprocess.run(
                ["terraform", f"-chdir={fixture}", *args, "-no-color"], env=data, capture_output=True, text=True
            )
            assert result.returncode == 0, result.stdout + result.stderr
        # The same process serves the next command: started once.
        assert provider.env_for(root) == extra
    finally:
        provider.close()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(pid, 0)
            subprocess.run(["sleep", "0.1"], check=True)


def test_a_constraint_the_lock_cannot_meet_stops_every_gate_that_needs_it(tmp_path: Path) -> None:
    if not shutil.which("terraform"):
        pytest.fail("terraform is not installed: run `make setup`")
    root = root_with_lock(tmp_path / "envs" / "dev", LOCK.read_bytes())
    too_new = module(tmp_path / "modules" / "queue", ">= 99.0")
    provider = SharedProvider(tmp_path, tmp_path / "work", [too_new], [root], env())
    try:
        with pytest.raises(ProviderError, match=r"5.100.0 does not match\s+configured version constraint >= 99.0.0"):
            provider.env_for(too_new)
        # Remembered: the next gate fails the same way without trying again.
        with pytest.raises(ProviderError):
            provider.start()
    finally:
        provider.close()
