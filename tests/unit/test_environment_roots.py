"""environments/dev, staging and prod: byte-identical code, one tfvars and one backend key apart.

`make policy` validates them: one `validate` for the three, as their configuration is the same
(tools/policy.validate_gates), against the committed lock file (tools/shared_provider.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "staging", "prod")
PER_ENVIRONMENT = {"terraform.tfvars", "backend.tf"}
KEY = re.compile(r'^\s*key\s*=\s*"(?P<key>[^"]+)"\s*$', re.MULTILINE)


def root_files(root: Path) -> dict[str, bytes]:
    names = [
        p for p in root.iterdir() if p.is_file() and (p.suffix in {".tf", ".tfvars"} or p.name == ".terraform.lock.hcl")
    ]
    return {p.name: p.read_bytes() for p in names}


def differences(reference: Path, other: Path) -> list[str]:
    """What differs between two roots beyond terraform.tfvars and the backend key."""
    ours, theirs = root_files(reference), root_files(other)
    problems = [f"only in {reference.name}: {n}" for n in sorted(ours.keys() - theirs.keys())]
    problems += [f"only in {other.name}: {n}" for n in sorted(theirs.keys() - ours.keys())]
    for name in sorted((ours.keys() & theirs.keys()) - PER_ENVIRONMENT):
        if ours[name] != theirs[name]:
            problems.append(f"{name} differs")
    if "backend.tf" in ours and "backend.tf" in theirs:
        strip = lambda text: KEY.sub("key = <key>", text.decode())  # noqa: E731
        if strip(ours["backend.tf"]) != strip(theirs["backend.tf"]):
            problems.append("backend.tf differs beyond its key")
    return problems


def test_the_diff_catches_a_changed_file_and_a_changed_backend(tmp_path: Path) -> None:
    a, b = tmp_path / "dev", tmp_path / "prod"
    for root, key in ((a, "dev"), (b, "prod")):
        root.mkdir()
        (root / "main.tf").write_text('module "platform" {}\n')
        (root / "backend.tf").write_text(f'terraform {{\n  backend "s3" {{\n    key = "{key}/p.tfstate"\n  }}\n}}\n')
        (root / "terraform.tfvars").write_text(f'environment = "{key}"\n')
    assert differences(a, b) == []
    (b / "main.tf").write_text('module "platform" { source = "x" }\n')
    (b / "backend.tf").write_text(
        'terraform {\n  backend "s3" {\n    key = "prod/p.tfstate"\n    region = "x"\n  }\n}\n'
    )
    (b / "extra.tf").write_text("")
    assert differences(a, b) == ["only in prod: extra.tf", "main.tf differs", "backend.tf differs beyond its key"]


@pytest.mark.parametrize("env", ENVIRONMENTS[1:])
def test_roots_differ_only_in_tfvars_and_backend_key(env: str) -> None:
    reference = ROOT / "environments" / "dev"
    assert {"main.tf", "variables.tf", "versions.tf", "backend.tf", ".terraform.lock.hcl"} <= root_files(
        reference
    ).keys()
    assert differences(reference, ROOT / "environments" / env) == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_each_root_names_its_own_environment_and_state_key(env: str) -> None:
    root = ROOT / "environments" / env
    keys = KEY.findall((root / "backend.tf").read_text())
    assert keys == [f"{env}/platform.tfstate"]
    assert re.search(r"^\s*use_lockfile\s*=\s*true\s*$", (root / "backend.tf").read_text(), re.MULTILINE)
    assert re.search(rf'^environment\s*=\s*"{env}"\s*$', (root / "terraform.tfvars").read_text(), re.MULTILINE)
    entry = json.loads((ROOT / "environments" / "accounts.json").read_text())["environments"][env]
    assert re.fullmatch(r"[0-9]{12}", entry["account_id"]) and entry["emulated"] is False
