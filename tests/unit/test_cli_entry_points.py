"""Every command-line entry point of tools/ and emulation/ parses with argparse: `--help` prints
usage and runs nothing, and an unknown command or option is refused (exit 2) before anything runs."""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# module -> an argument list that is not a command it knows (commands first, then options)
ENTRY_POINTS = {
    "emulation.emulator": ["launch-everything"],
    "emulation.sandbox": ["nuke"],
    "emulation.access_log": ["access.log", "--follow"],
    "emulation.demo": ["--fast"],
    "emulation.traffic.registration": ["--votes", "5"],
    "tools.envctl": ["deploy", "dev"],
    "tools.package_lambdas": ["everything", "out.zip"],
    "tools.policy": ["--everything"],
    "tools.plan_summary": ["plan.json", "--colour"],
    "tools.run_checkov": ["--no-such-option"],
    "tools.checkov_skips": ["fix"],
    "tools.tf_cli_config": ["cli.tfrc", "--force"],
    "tools.checkov_batch": ["scan everything"],  # its argument is a JSON list of scans
    "tools.tfdocs": ["--all-modules"],
    "tools.moved_proof": ["destroy-everything"],
    "tools.convoy_replay": ["--dlq-url", "d", "--queue-url", "q", "--all", "--everything"],
}


def test_every_entry_point_is_listed() -> None:
    scripts = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for folder in ("tools", "emulation")
        for p in (ROOT / folder).rglob("*.py")
        if 'if __name__ == "__main__":' in p.read_text()
    }
    assert scripts == set(ENTRY_POINTS)


def run_main(module: str, args: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """`python -m module *args`, in-process: main() reads sys.argv as it does from the shell."""
    monkeypatch.setattr(sys, "argv", [module, *args])
    with pytest.raises(SystemExit) as exited:
        import_module(module).main()
    return int(exited.value.code or 0)


@pytest.mark.parametrize("module", sorted(ENTRY_POINTS))
def test_help_prints_usage_and_runs_nothing(
    module: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(module, ["--help"], monkeypatch) == 0
    assert capsys.readouterr().out.startswith("usage: ")


@pytest.mark.parametrize("module", sorted(ENTRY_POINTS))
def test_an_unknown_command_or_option_is_refused(
    module: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(module, ENTRY_POINTS[module], monkeypatch) == 2
    err = capsys.readouterr().err
    assert "usage: " in err and ("invalid choice" in err or "unrecognized" in err or "invalid loads" in err), err
