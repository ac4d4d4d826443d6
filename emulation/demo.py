"""`make demo`: bootstrap two simulated accounts, apply the sandbox into them, drive traffic, show what happened."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

# The ledger and webhooks traffic import the functions' and the shared layer's source (the
# ledger's intake grouping, the event envelope), as pytest's `pythonpath` gives the e2e tests.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[1:1] = [str(_ROOT / "lambdas"), str(_ROOT / "lambdas" / "shared")]

from emulation import access_log, emulator  # noqa: E402
from emulation.harness.accounts import SimulatedAccount  # noqa: E402
from emulation.sandbox import DEMO_RECEIVER_FILE, DEMO_WORKDIR, Sandbox, bootstrap, wait_for_deploy_roles  # noqa: E402
from emulation.traffic import WORKLOADS, bans, ledger, webhooks  # noqa: E402
from emulation.webhook_receiver import WebhookReceiver  # noqa: E402

REGION = "eu-west-1"
SIMULATED = ["sandbox-dev", "sandbox-prod"]  # registry entries of the simulated accounts
RECEIVER_LIFETIME_S = 3600.0  # bounded: it stops itself even if the demo is killed mid-way


def start_receiver(port_file: Path = DEMO_RECEIVER_FILE) -> WebhookReceiver:
    """The partners' endpoint, on the port an earlier run deployed with when it is free."""
    try:
        port = int(json.loads(port_file.read_text())["port"])
    except (OSError, ValueError, KeyError, TypeError):
        port = 0
    try:
        receiver = WebhookReceiver(max_requests=5_000, lifetime_s=RECEIVER_LIFETIME_S, port=port)
    except OSError as error:  # taken by another process since: a new port, and the apply updates the destinations
        print(f"webhook receiver: port {port} is taken ({error.strerror}); taking a free one")
        receiver = WebhookReceiver(max_requests=5_000, lifetime_s=RECEIVER_LIFETIME_S)
    port_file.parent.mkdir(parents=True, exist_ok=True)
    port_file.write_text(json.dumps({"port": int(receiver.url.rsplit(":", 1)[1])}) + "\n")
    return receiver.start()


def drive(label: str, run: Callable[[], Any], verdict: str) -> bool:
    """Run one workload's traffic; print its summary and whether everything is accounted for."""
    print(f"-- {label}")
    started = time.monotonic()
    result = run()
    for line in result.summary_lines():
        print(f"   {line}")
    print(f"   {verdict if result.accounted else 'MISMATCH'} ({time.monotonic() - started:.1f}s)")
    return bool(result.accounted)


def drive_account(url: str, env: str, platform: dict[str, Any], receiver: WebhookReceiver) -> bool:
    """Every workload enabled in this account (a disabled one's output is null)."""
    account = SimulatedAccount(url, platform["account_id"], REGION)
    print(f"== sandbox-{env}: account {account.caller_account()}, key {platform['platform_kms_key_arn']}")
    accounted = True
    for workload in WORKLOADS:
        outputs = platform[workload.NAME]
        accounted &= drive(
            f"{workload.NAME}: function {outputs['function_arn']}",
            partial(workload.run, account, platform),
            "every message accounted for",
        )
    if platform.get(ledger.NAME) is not None:  # the order ledger (sequential convoy)
        accounted &= drive(
            f"ledger: processor {platform['ledger']['processor_function_name']}, "
            f"consumer {platform['ledger']['consumer_function_name']} (sequential convoy)",
            lambda: ledger.run(account, platform, orders=4, per_order=5),
            "every transaction accounted for",
        )
    if platform.get(webhooks.NAME) is not None:  # partner webhooks (API destinations)
        accounted &= drive(
            f"webhooks: bus {platform['webhooks']['bus_name']} -> partners at {receiver.url}",
            lambda: webhooks.run(account, platform, receiver=receiver, events=40, signups=8),
            "every event accounted for",
        )
    # Last: it moves the account's simulated clock on by days (TTL expiry).
    if platform.get(bans.NAME) is not None:  # the account-banning workload (TTL scheduler)
        accounted &= drive(
            f"bans: reactivation {platform['bans']['reactivation_function_name']} (TTL scheduler)",
            lambda: bans.run(account, platform, accounts=200, bans=60, rebans=10, shorter_rebans=2, lifts=4, poison=2),
            "every account as computed",
        )
    disabled = [name for name in (ledger.NAME, webhooks.NAME, bans.NAME) if platform.get(name) is None]
    if disabled:
        print(f"-- not enabled in sandbox-{env}: {', '.join(disabled)} (environments/sandbox/main.tf)")
    print()
    return accounted


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m emulation.demo", description=__doc__).parse_args(argv)
    state = emulator.read_state()
    if not emulator.is_healthy(state) or state is None:
        print("demo: the emulator is not running; `make demo` starts it via `make sandbox-up`", file=sys.stderr)
        return 1
    url = str(state["url"])
    print(f"emulator at {url}")
    sandbox = Sandbox(DEMO_WORKDIR, url)
    receiver = start_receiver()
    try:
        print(f"partner webhooks go to a local receiver at {receiver.url} (bounded: 5,000 requests, 1 hour)")
        sandbox.env["TF_VAR_webhook_receiver_url"] = receiver.url
        return _deploy_and_drive(sandbox, url, receiver)
    finally:
        receiver.stop()


def _deploy_and_drive(sandbox: Sandbox, url: str, receiver: WebhookReceiver) -> int:
    started_at = time.time()
    sandbox.init()
    print(
        f"bootstrapping {', '.join(SIMULATED)}: infra/ (cdktn) synthesizes one stack per account over "
        "modules/account-baseline; each creates the state bucket, the GitHub OIDC provider and the "
        "switchyard-plan / switchyard-deploy roles"
    )
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=1) as pool:
        bootstrapping = pool.submit(bootstrap, DEMO_WORKDIR, url, SIMULATED, False)
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
        all_accounted &= drive_account(url, env, platform, receiver)

    drift = sandbox.plan_exit_code()
    print("drift check: " + ("no changes" if drift.returncode == 0 else f"plan exit {drift.returncode}"))
    # Every answer the emulator gave during this run reached its client (emulation/access_log.py).
    requests = [r for r in access_log.read(emulator.STATE_FILE.parent / "access.log") if r["t"] >= started_at]
    lost = access_log.lost_responses(requests)
    print(f"emulator: {len(requests)} requests, {len(lost)} lost responses")
    for item in lost:
        print(f"  LOST: {item}")
    print("\nstop the emulator with `make sandbox-down` (state stays in .sandbox/demo)")
    return 0 if drift.returncode == 0 and all_accounted and not lost else 1


if __name__ == "__main__":
    raise SystemExit(main())
