"""End to end: apply the sandbox into two simulated accounts, drive traffic, check drift, destroy.

Runs against its own emulator and Terraform state (under .sandbox/e2e), so it never touches
what `make demo` deployed. Needs `make package-lambdas` first (the Makefile sees to it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tools import emulator
from tools.harness.accounts import SimulatedAccount
from tools.sandbox import ROOT, Sandbox
from tools.traffic import audit

pytestmark = pytest.mark.e2e
WORKDIR = ROOT / ".sandbox" / "e2e"
REGION = "eu-west-1"
EXPECTED_ACCOUNTS = {"dev": "111111111111", "prod": "222222222222"}


@dataclass
class Deployed:
    sandbox: Sandbox
    platforms: dict[str, Any]
    endpoint_url: str

    def account(self, env: str) -> SimulatedAccount:
        return SimulatedAccount(self.endpoint_url, self.platforms[env]["account_id"], REGION)


@pytest.fixture(scope="module")
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


def test_each_platform_lands_in_its_own_account(deployed: Deployed) -> None:
    for env, account_id in EXPECTED_ACCOUNTS.items():
        platform = deployed.platforms[env]
        assert platform["account_id"] == account_id
        arns = [platform["audit"][key] for key in ("queue_arn", "dlq_arn", "table_arn", "function_arn", "role_arn")]
        arns.append(platform["platform_kms_key_arn"])
        assert all(f":{account_id}:" in arn for arn in arns), arns
        # And the other account cannot see it.
        other = deployed.account("prod" if env == "dev" else "dev")
        assert platform["audit"]["queue_url"] not in other.client("sqs").list_queues().get("QueueUrls", [])


def test_audit_traffic_is_fully_accounted_for_in_both_accounts(deployed: Deployed) -> None:
    for env in EXPECTED_ACCOUNTS:
        result = audit.run(deployed.account(env), deployed.platforms[env], events=300)
        assert result.recorded_in_table == result.unique_valid == 300
        assert result.parked_in_dlq == result.malformed_sent == 3
        assert result.metrics == {
            "EventsRecorded": 300,
            "DuplicatesIgnored": result.duplicates_sent,
            "EventsRejected": 3,
        }
        assert all(reason != "<redriven>" for reason in result.parked_reasons.values()), result.parked_reasons
        assert result.accounted


def test_no_drift_after_apply_and_traffic(deployed: Deployed) -> None:
    result = deployed.sandbox.plan_exit_code()
    assert result.returncode == 0, result.stdout[-3000:]


def test_a_deploy_role_in_the_wrong_account_is_refused(deployed: Deployed) -> None:
    result = deployed.sandbox.plan_exit_code(
        "-var", 'account_ids={dev="333333333333", prod="222222222222"}', "-refresh=false"
    )
    assert result.returncode == 1
    assert "AWS account ID not allowed: 333333333333" in result.stdout


def test_state_stays_out_of_the_repository(deployed: Deployed) -> None:
    assert Path(WORKDIR / "sandbox.tfstate").is_file()
    assert not list((ROOT / "environments" / "sandbox").glob("*.tfstate"))
