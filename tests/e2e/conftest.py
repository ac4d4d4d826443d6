"""One sandbox apply for the whole end-to-end session, shared by every workload's tests.

Runs against its own emulator and Terraform state (default .sandbox/e2e, or
SWITCHYARD_E2E_WORKDIR), so it never touches what `make demo` deployed. Tests marked
`after_traffic` (the drift check) run after all others.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools import emulator
from tools.harness.accounts import SimulatedAccount
from tools.sandbox import ROOT, Sandbox

WORKDIR = Path(os.environ.get("SWITCHYARD_E2E_WORKDIR", ROOT / ".sandbox" / "e2e")).resolve()
REGION = "eu-west-1"


@dataclass
class Deployed:
    sandbox: Sandbox
    platforms: dict[str, Any]
    endpoint_url: str

    def account(self, env: str) -> SimulatedAccount:
        return SimulatedAccount(self.endpoint_url, self.platforms[env]["account_id"], REGION)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.get_closest_marker("after_traffic") is not None)


@pytest.fixture(scope="session")
def deployed() -> Iterator[Deployed]:
    state_file = WORKDIR / "emulator.json"
    emulator.stop(state_file)  # a leftover from an interrupted run holds stale resources
    state = emulator.start(state_file)
    sandbox = Sandbox(WORKDIR, str(state["url"]))
    (WORKDIR / "sandbox.tfstate").unlink(missing_ok=True)
    try:
        sandbox.init()
        seconds = sandbox.apply()
        print(f"sandbox applied in {seconds:.0f}s")  # noqa: T201 - shown with -s, the slow step
        yield Deployed(sandbox, sandbox.outputs()["platforms"], str(state["url"]))
        sandbox.destroy()
        assert sandbox.outputs() == {}, "destroy left outputs behind"
    finally:
        emulator.stop(state_file)
