"""`make demo`: bootstrap two simulated accounts, apply the sandbox into them, drive traffic, show what happened."""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from emulation import emulator
from emulation.harness.accounts import SimulatedAccount
from emulation.sandbox import ROOT, Sandbox, bootstrap, wait_for_deploy_roles
from emulation.traffic import WORKLOADS, bans

REGION = "eu-west-1"
SIMULATED = ["sandbox-dev", "sandbox-prod"]  # registry entries of the simulated accounts


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m emulation.demo", description=__doc__).parse_args(argv)
    state = emulator.read_state()
    if not emulator.is_healthy(state) or state is None:
        print("demo: the emulator is not running; `make demo` starts it via `make sandbox-up`", file=sys.stderr)
        return 1
    url = str(state["url"])
    print(f"emulator at {url}")
    workdir = ROOT / ".sandbox" / "demo"
    sandbox = Sandbox(workdir, url)
    sandbox.init()
    print(
        f"bootstrapping {', '.join(SIMULATED)}: infra/ (cdktn) synthesizes one stack per account over "
        "modules/account-baseline; each creates the state bucket, the GitHub OIDC provider and the "
        "switchyard-plan / switchyard-deploy roles"
    )
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        bootstrapping = pool.submit(bootstrap, workdir, url, SIMULATED, False)
        waited = wait_for_deploy_roles(url, SIMULATED, bootstrapping)
        print(
            f"deploy roles exist after {waited:.0f}s; applying environments/sandbox into two simulated accounts "
            "through them (each SQS queue takes ~25 s in the emulator; queues are created in parallel)"
        )
        seconds = sandbox.apply()
        baselines = bootstrapping.result()
    print(f"bootstrap + platform applied in {time.monotonic() - started:.0f}s (platform {seconds:.0f}s)")
    for env, outputs in baselines.items():
        print(f"  {env}: {outputs['deploy_role_arn']}, state bucket {outputs['state_bucket_name']}")
    print()
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
        if platform.get("bans") is not None:  # the account-banning workload (dev only)
            print(f"-- bans: reactivation {platform['bans']['reactivation_function_name']} (TTL scheduler)")
            started = time.monotonic()
            banned = bans.run(account, platform, accounts=200, bans=60, rebans=10, shorter_rebans=2, lifts=4, poison=2)
            for line in banned.summary_lines():
                print(f"   {line}")
            verdict = "every account as computed" if banned.accounted else "MISMATCH"
            print(f"   {verdict} ({time.monotonic() - started:.1f}s)")
            all_accounted &= banned.accounted
        print()

    drift = sandbox.plan_exit_code()
    print("drift check: " + ("no changes" if drift.returncode == 0 else f"plan exit {drift.returncode}"))
    print("\nstop the emulator with `make sandbox-down` (state stays in .sandbox/demo)")
    return 0 if drift.returncode == 0 and all_accounted else 1


if __name__ == "__main__":
    raise SystemExit(main())
