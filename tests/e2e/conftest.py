"""One sandbox apply for the whole end-to-end session, shared by every workload's tests.

Runs against its own emulator and Terraform state (default .sandbox/e2e, or
SWITCHYARD_E2E_WORKDIR), so it never touches what `make demo` deployed. Each simulated account
is bootstrapped first (infra/, the cdktn stacks over modules/account-baseline); the platform
apply starts once the switchyard-deploy roles it assumes exist. Tests marked `advances_clock`
(TTL expiry moves the simulated clock by days) run after the other traffic, and tests marked
`after_traffic` (the drift check) last.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from emulation import access_log, emulator
from emulation.harness.accounts import SimulatedAccount
from emulation.sandbox import ROOT, Sandbox, bootstrap, wait_for_deploy_roles
from emulation.webhook_receiver import WebhookReceiver

WORKDIR = Path(os.environ.get("SWITCHYARD_E2E_WORKDIR", ROOT / ".sandbox" / "e2e")).resolve()
REGION = "eu-west-1"
SIMULATED = ["sandbox-dev", "sandbox-prod"]  # registry entries of the simulated accounts


@dataclass
class Deployed:
    sandbox: Sandbox
    platforms: dict[str, Any]
    endpoint_url: str
    bootstrap: dict[str, Any] = field(default_factory=dict)  # registry env -> bootstrap stack outputs
    webhooks: WebhookReceiver | None = None  # the partners' endpoint the sandbox's webhooks call

    def account(self, env: str) -> SimulatedAccount:
        return SimulatedAccount(self.endpoint_url, self.platforms[env]["account_id"], REGION)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that move the simulated clock far forward (TTL expiry: days) run after the others,
    whose queues, polls and retention periods live on today's clock; the drift check runs last."""

    def phase(item: pytest.Item) -> int:
        if item.get_closest_marker("after_traffic"):
            return 2
        return 1 if item.get_closest_marker("advances_clock") else 0

    items.sort(key=phase)


def _deploy(state_file: Path, webhooks: WebhookReceiver) -> tuple[Sandbox, str, dict[str, Any]]:
    """A fresh emulator, both accounts bootstrapped, the sandbox applied."""
    emulator.stop(state_file)  # a leftover from an interrupted run holds stale resources
    (WORKDIR / "access.log").unlink(missing_ok=True)  # this session's requests only
    url = str(emulator.start(state_file)["url"])
    sandbox = Sandbox(WORKDIR, url)
    sandbox.env["TF_VAR_webhook_receiver_url"] = webhooks.url
    for stale in ("sandbox.tfstate", *(f"bootstrap-{env}.tfstate" for env in SIMULATED)):
        (WORKDIR / stale).unlink(missing_ok=True)
    sandbox.init()  # before the bootstrap's inits: Terraform's plugin cache is not concurrency-safe
    with ThreadPoolExecutor(max_workers=1) as pool:
        bootstrapping = pool.submit(bootstrap, WORKDIR, url, SIMULATED, False)
        waited = wait_for_deploy_roles(url, SIMULATED, bootstrapping)
        seconds = sandbox.apply()
        bootstrapped = bootstrapping.result()
    print(f"deploy roles after {waited:.0f}s; sandbox applied in {seconds:.0f}s")  # noqa: T201 - shown with -s
    return sandbox, url, bootstrapped


@pytest.fixture(scope="session")
def deployed() -> Iterator[Deployed]:
    state_file = WORKDIR / "emulator.json"
    # The partners' endpoint for the session's every plan and apply (bounded: stops itself).
    webhooks = WebhookReceiver(max_requests=5_000, lifetime_s=3 * 3600).start()
    try:
        sandbox, url, bootstrapped = _deploy(state_file, webhooks)
        yield Deployed(sandbox, sandbox.outputs()["platforms"], url, bootstrapped, webhooks)
        # The state holds all Terraform created (traffic makes no managed resources, and the drift
        # check refreshed it last): destroy from it without reading every resource again.
        sandbox.destroy(refresh=False)
        assert sandbox.outputs() == {}, "destroy left outputs behind"
        # Every response the emulator gave reached its client: a call the SDK attempted again
        # after a success is a lost response (emulation/README.md, "Transport").
        lost = access_log.lost_responses(access_log.read(WORKDIR / "access.log"))
        assert not lost, "lost responses (the emulator answered, the client retried):\n" + "\n".join(map(str, lost))
    finally:
        webhooks.stop()
        emulator.stop(state_file)
