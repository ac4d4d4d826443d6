"""`make demo`: apply the sandbox into two simulated accounts, drive traffic, show what happened."""

from __future__ import annotations

import sys
import time

from tools import emulator
from tools.harness.accounts import SimulatedAccount
from tools.sandbox import ROOT, Sandbox
from tools.traffic import WORKLOADS

REGION = "eu-west-1"


def main() -> int:
    state = emulator.read_state()
    if not emulator.is_healthy(state) or state is None:
        print("demo: the emulator is not running; `make demo` starts it via `make sandbox-up`", file=sys.stderr)
        return 1
    url = str(state["url"])
    print(f"emulator at {url}")
    sandbox = Sandbox(ROOT / ".sandbox" / "demo", url)
    sandbox.init()
    print(
        "applying environments/sandbox into two simulated accounts "
        "(each SQS queue takes ~25 s in the emulator; queues are created in parallel)"
    )
    seconds = sandbox.apply()
    print(f"applied in {seconds:.0f}s\n")
    platforms = sandbox.outputs()["platforms"]

    all_accounted = True
    for env, platform in platforms.items():
        account = SimulatedAccount(url, platform["account_id"], REGION)
        print(f"== sandbox-{env}: account {account.caller_account()}, key {platform['platform_kms_key_arn']}")
        for workload in WORKLOADS:
            outputs = platform[workload.NAME]
            print(f"-- {workload.NAME}: function {outputs['function_arn']}")
            started = time.monotonic()
            result = workload.run(account, platform)
            for line in result.summary_lines():
                print(f"   {line}")
            verdict = "every message accounted for" if result.accounted else "MISMATCH"
            print(f"   {verdict} ({time.monotonic() - started:.1f}s)")
            all_accounted &= result.accounted
        print()

    drift = sandbox.plan_exit_code()
    print("drift check: " + ("no changes" if drift.returncode == 0 else f"plan exit {drift.returncode}"))
    print("\nstop the emulator with `make sandbox-down` (state stays in .sandbox/demo)")
    return 0 if drift.returncode == 0 and all_accounted else 1


if __name__ == "__main__":
    raise SystemExit(main())
