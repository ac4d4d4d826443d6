"""Every package `make setup` installs is pinned and hash-checked: the locks carry a sha256 for
each pin, and each install command in the setup recipes refuses a file without one."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LAYER_LOCK = ROOT / "lambdas" / "shared" / "requirements.txt"  # what the Lambda layer ships
LOCKS = [*sorted((ROOT / "requirements").glob("*.lock")), LAYER_LOCK]
IN_FILES = {
    "dev": (ROOT / "requirements" / "dev.in", ROOT / "requirements" / "dev.lock"),
    "checkov": (ROOT / "requirements" / "checkov.in", ROOT / "requirements" / "checkov.lock"),
    "bootstrap": (ROOT / "requirements" / "bootstrap.in", ROOT / "requirements" / "bootstrap.lock"),
    "layer": (ROOT / "lambdas" / "shared" / "requirements.in", LAYER_LOCK),
}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def requirements(lock: Path) -> dict[str, list[str]]:
    """Each requirement of a pip/uv lock (continuation lines joined) -> its --hash options."""
    text = re.sub(r"\\\n", " ", lock.read_text())
    found: dict[str, list[str]] = {}
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        found[line.split()[0]] = re.findall(r"--hash=sha256:[0-9a-f]{64}", line)
    return found


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    return {normalized(m[1]): m[2] for r in requirements(lock) if (m := PIN.match(r))}


def test_the_three_locks_exist() -> None:
    assert {p.name for p in LOCKS} >= {"bootstrap.lock", "dev.lock", "checkov.lock"}


@pytest.mark.parametrize("lock", LOCKS, ids=lambda p: p.parent.name + "/" + p.name)
def test_every_requirement_is_pinned_with_a_hash(lock: Path) -> None:
    found = requirements(lock)
    assert found, f"{lock.name} lists nothing"
    unpinned = [r for r in found if not PIN.match(r)]
    unhashed = [r for r, hashes in found.items() if not hashes]
    assert not unpinned, f"{lock.name}: not pinned with ==: {unpinned}"
    assert not unhashed, f"{lock.name}: no --hash (run `make lock`): {unhashed}"


def test_the_lock_parser_sees_a_missing_hash(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    lock.write_text("a==1 \\\n    --hash=sha256:" + "0" * 64 + "\n    # via b\nhypothesis==6.100.0\n")
    assert requirements(lock) == {"a==1": ["--hash=sha256:" + "0" * 64], "hypothesis==6.100.0": []}


@pytest.mark.parametrize("name", IN_FILES)
def test_every_top_level_requirement_is_in_its_lock(name: str) -> None:
    """A package added to a .in file but not locked yet fails here: run `make lock`."""
    source, lock = IN_FILES[name]
    wanted = [re.split(r"[\[=<>~! ;]", line.strip(), maxsplit=1)[0] for line in source.read_text().splitlines()]
    locked = pins(lock)
    missing = [w for w in wanted if w and not w.startswith("#") and normalized(w) not in locked]
    assert not missing, f"{source.relative_to(ROOT)} names {missing}, not in {lock.name}: run `make lock`"


def test_uv_is_pinned_alike_in_the_bootstrap_and_the_dev_lock() -> None:
    bootstrap = pins(ROOT / "requirements" / "bootstrap.lock")
    assert bootstrap["uv"] == pins(ROOT / "requirements" / "dev.lock")["uv"]


def test_make_setup_installs_only_locks_and_requires_their_hashes() -> None:
    """The commands `make setup` would run from nothing (dry run, every target forced)."""
    listed = subprocess.run(
        ["make", "--no-print-directory", "-n", "-B", "setup"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    installs = [line for line in listed.splitlines() if re.search(r"pip install|uv pip|\bsync\b", line)]
    assert len(installs) == 3, listed  # uv from the bootstrap lock, then the dev and the checkov venv
    for line in installs:
        assert "--require-hashes" in line, line
        assert re.search(r"requirements/\w+\.lock$", line), f"installs something else than a lock: {line}"
    assert "pip install" in installs[0] and "bootstrap.lock" in installs[0], "uv comes first, hash-checked by pip"
    assert all("uv pip sync" in line for line in installs[1:]), installs


def test_the_layer_installs_its_requirements_hash_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tools import package_lambdas

    seen: list[list[str]] = []

    def pip(command: list[str], **_: object) -> subprocess.CompletedProcess[str]:
        seen.append(command)
        return subprocess.CompletedProcess(command, 1, "", "stopped here by the test")

    monkeypatch.setattr(package_lambdas.subprocess, "run", pip)
    with pytest.raises(package_lambdas.BuildError):
        package_lambdas.build_layer(tmp_path / "layer.zip")
    assert "--require-hashes" in seen[0] and str(LAYER_LOCK) in seen[0], seen
