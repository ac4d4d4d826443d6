"""tools.policy: the infra gate never passes silently, a crashing gate fails, JUnit is well formed,
every root and module gets its gates, identical configurations are validated once."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools import policy
from tools.shared_provider import SharedProvider


def no_provider(tmp_path: Path) -> SharedProvider:
    return SharedProvider(tmp_path, tmp_path / "work", [], [], {})


def test_infra_gate_is_skipped_by_name_without_an_infra_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Makefile").write_text("test:\n\ttrue\n")
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    outcome = policy.infra_stacks(no_provider(tmp_path))
    assert (outcome.status, outcome.output.startswith("skipped: no infra app")) == ("SKIP", True)


def test_infra_folder_without_synth_target_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Makefile").write_text("test:\n\ttrue\n")
    (tmp_path / "infra").mkdir()
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    assert policy.infra_stacks(no_provider(tmp_path)).status == "FAIL"


def test_synth_that_writes_no_stack_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "Makefile").write_text("synth:\n\t@true\n")
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    outcome = policy.infra_stacks(no_provider(tmp_path))
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
    gates = policy.gates(policy.shared_provider())
    names = [gate.name for gate in gates]
    assert "checkov plan environments/sandbox" in names and "workflow schema" in names
    assert "checkov source modules, environments/*" in names
    validates = " ".join(n for n in names if n.startswith("validate environments/"))
    for root in policy.environment_roots():
        assert root.name in validates, (root, validates)
    for module in (policy.ROOT / "modules").glob("*/main.tf"):
        name = f"terraform test {module.parent.relative_to(policy.ROOT)}"
        if module.parent.name in policy.TESTS_PER_FILE:  # one gate per test file, each file once
            files = sorted((module.parent / "tests").glob("*.tftest.hcl"))
            assert files and sorted(n for n in names if n.startswith(f"{name} ")) == [f"{name} {f.name}" for f in files]
            assert name not in names
        else:
            assert name in names


def test_module_examples_and_readme_tables_have_gates() -> None:
    names = [gate.name for gate in policy.gates(policy.shared_provider())]
    assert "validate module examples" in names and "README tables (make docs)" in names


def test_examples_are_found_generically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every module of the repository has at least one example ...
    modules = {p.parent for p in (policy.ROOT / "modules").glob("*/main.tf")}
    assert {example.parent.parent for example in policy.examples()} == modules
    # ... and a new module's examples are picked up without touching the gate.
    (tmp_path / "modules" / "sqs-consumer" / "examples" / "fifo").mkdir(parents=True)
    (tmp_path / "modules" / "sqs-consumer" / "examples" / "fifo" / "main.tf").write_text("")
    (tmp_path / "modules" / "sqs-consumer" / "examples" / "notes").mkdir()  # no .tf: not an example
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    assert policy.examples() == [tmp_path / "modules" / "sqs-consumer" / "examples" / "fifo"]


def test_dev_staging_and_prod_are_validated_once_and_say_so() -> None:
    names = [g.name for g in policy.validate_gates(policy.environment_roots(), policy.shared_provider())]
    assert "validate environments/dev (= prod, staging)" in names and "validate environments/sandbox" in names


BACKEND = """terraform {
  backend "s3" {
    key = "KEY"
    assume_role {
      role_arn = "x"
    }
  }
"""


def write_root(path: Path, main: str, backend_key: str = "a", tfvars: str = "") -> Path:
    path.mkdir(parents=True)
    (path / "main.tf").write_text(main)
    (path / "backend.tf").write_text(BACKEND.replace("KEY", backend_key) + "}\n")
    (path / "terraform.tfvars").write_text(tfvars)
    return path


def test_configuration_ignores_tfvars_and_backend_bodies_but_not_code_or_folder(tmp_path: Path) -> None:
    dev = write_root(tmp_path / "envs" / "dev", 'output "x" { value = 1 }\n', "dev", 'a = "1"')
    prod = write_root(tmp_path / "envs" / "prod", 'output "x" { value = 1 }\n', "prod", 'a = "2"')
    other = write_root(tmp_path / "envs" / "other", 'output "x" { value = 2 }\n')
    deeper = write_root(tmp_path / "envs" / "eu" / "dev", 'output "x" { value = 1 }\n', "dev")
    assert policy.configuration(dev) == policy.configuration(prod)
    assert policy.configuration(dev) != policy.configuration(other)
    # Relative module sources resolve from the folder: the same files one level down differ.
    assert policy.configuration(dev) != policy.configuration(deeper)
    (prod / ".terraform.lock.hcl").write_text("# another lock\n")
    assert policy.configuration(dev) != policy.configuration(prod)


def test_backend_bodies_are_emptied_even_with_nested_blocks() -> None:
    text = BACKEND.replace("KEY", "a") + '  required_version = ">= 1.11"\n}\n'
    assert policy.without_backend_bodies(text) == 'terraform {\n  backend "s3" {}\n  required_version = ">= 1.11"\n}\n'


CALLER = """name: caller
on: push
permissions:
  contents: read
jobs:
  deploy:
    uses: {target}/.github/workflows/called.yml
    permissions:
      contents: read
"""
CALLED = """name: called
on: workflow_call
permissions:
  contents: read
jobs:
  noop:
    name: noop
    runs-on: ubuntu-24.04
    steps:
      - run: echo ok
"""


def workflows_in(root: Path, caller: str) -> None:
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "caller.yml").write_text(caller)
    (root / ".github" / "workflows" / "called.yml").write_text(CALLED)


def test_the_zizmor_gate_runs_offline_with_the_pedantic_persona() -> None:
    assert "zizmor workflows (offline)" in [gate.name for gate in policy.gates(policy.shared_provider())]
    assert "--offline" in policy.ZIZMOR and "--persona=pedantic" in policy.ZIZMOR


@pytest.mark.parametrize(
    ("caller", "status", "says"),
    [
        (CALLER.format(target="."), "FAIL", "self-repository"),  # the finding this repository had
        (CALLER.format(target="$").replace("id-token", ""), "PASS", "No findings"),
        (CALLER.format(target="$").replace("contents: read\n", "id-token: write\n", 2), "FAIL", "permissions"),
    ],
    ids=["relative-self-reference", "clean", "undocumented-permission"],
)
def test_the_zizmor_gate_fails_on_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caller: str, status: str, says: str
) -> None:
    workflows_in(tmp_path, caller)
    monkeypatch.setattr(policy, "ROOT", tmp_path)
    outcome = policy.zizmor()
    assert outcome.status == status and says in outcome.output, outcome.output


def test_cpu_is_measured_per_gate_only_when_asked() -> None:
    busy = policy.run_gate(
        policy.Gate("busy", lambda: policy.commands(("python3", "-c", "sum(range(3_000_000))"))), True
    )
    plain = policy.run_gate(policy.Gate("plain", lambda: policy.Outcome("PASS")))
    assert busy.cpu is not None and busy.cpu > 0.0
    assert plain.cpu is None


def test_cpu_column_needs_one_gate_at_a_time() -> None:
    with pytest.raises(SystemExit):
        policy.main(["--cpu", "--jobs", "2", "--list"])
