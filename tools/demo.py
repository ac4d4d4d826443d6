"""`make demo`: apply the sandbox into two simulated accounts, drive traffic, show what happened."""

from __future__ import annotations

import sys
import time

from tools import emulator
from tools.harness.accounts import SimulatedAccount
from tools.sandbox import ROOT, Sandbox
from tools.traffic import audit

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

    for env, platform in platforms.items():
        account = SimulatedAccount(url, platform["account_id"], REGION)
        print(f"== sandbox-{env}: account {account.caller_account()}")
        for label, key in (
            ("function", "function_arn"),
            ("queue", "queue_arn"),
            ("dlq", "dlq_arn"),
            ("table", "table_arn"),
        ):
            print(f"   {label:9} {platform['audit'][key]}")
        started = time.monotonic()
        result = audit.run(account, platform)
        print(
            f"   traffic   sent {result.sent} messages ({result.unique_valid} events, "
            f"{result.duplicates_sent} redelivered, {result.malformed_sent} malformed) in "
            f"{time.monotonic() - started:.1f}s, {result.batches} batches"
        )
        print(
            f"   outcome   {result.recorded_in_table} recorded once, {result.parked_in_dlq} parked in the DLQ; "
            f"metrics {dict(sorted(result.metrics.items()))}"
        )
        for body, reason in sorted(result.parked_reasons.items()):
            print(f"   parked    {body!r}: {reason}")
        print(f"   verdict   {'every message accounted for' if result.accounted else 'MISMATCH'}\n")
        if not result.accounted:
            return 1

    drift = sandbox.plan_exit_code()
    print("drift check: " + ("no changes" if drift.returncode == 0 else f"plan exit {drift.returncode}"))
    print("\nstop the emulator with `make sandbox-down` (state stays in .sandbox/demo)")
    return 0 if drift.returncode == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
