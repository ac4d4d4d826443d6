"""tools.policy: the infra gate never passes silently, a crashing gate fails, JUnit is well formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import policy


def test_infra_gate_is_skipped_by_name_without_an_infra_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Makefile").write_text("test:\n\ttrue\n")
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    outcome = policy.infra_stacks()
    assert (outcome.status, outcome.output.startswith("skipped: no infra app")) == ("SKIP", True)


def test_infra_folder_without_synth_target_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Makefile").write_text("test:\n\ttrue\n")
    (tmp_path / "infra").mkdir()
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    assert policy.infra_stacks().status == "FAIL"


def test_synth_that_writes_no_stack_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Makefile").write_text("synth:\n\t@true\n")
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    outcome = policy.infra_stacks()
    assert outcome.status == "FAIL" and "no build/infra/stacks" in outcome.output


def test_a_crashing_gate_is_a_failed_gate_and_junit_says_so(tmp_path: Path) -> None:
    def boom() -> policy.Outcome:
        raise RuntimeError("kaput")

    done = [
        policy.run_gate(policy.Gate("crashes", boom)),
        policy.run_gate(policy.Gate("passes", lambda: policy.Outcome("PASS", "fine"))),
        policy.run_gate(policy.Gate("skips", lambda: policy.Outcome("SKIP", "skipped: nothing to do"))),
    ]
    assert done[0].outcome is not None and done[0].outcome.status == "FAIL" and "kaput" in done[0].outcome.output
    policy.write_junit(done, tmp_path / "junit.xml", wall=1.0)
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    cases = {case.get("name"): case for case in suite}
    assert cases["crashes"].find("failure") is not None and cases["skips"].find("skipped") is not None


def test_every_environment_root_and_module_gets_its_gates() -> None:
    names = [gate.name for gate in policy.gates()]
    assert "checkov plan environments/sandbox" in names and "workflow schema" in names
    for root in policy.environment_roots():
        assert f"validate {root.relative_to(policy.ROOT)}" in names
        assert f"checkov {root.relative_to(policy.ROOT)}" in names
    for module in (policy.ROOT / "modules").glob("*/main.tf"):
        assert f"terraform test {module.parent.relative_to(policy.ROOT)}" in names
