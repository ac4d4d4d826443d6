"""Soak the emulator: bootstrap + apply + destroy of both simulated accounts, back to back.

    python bench/sandbox_soak.py [--cycles N] [--load N] [--workdir DIR]

Each cycle starts a fresh emulator, bootstraps both simulated accounts and applies the sandbox
at the e2e's parallelism (the platform apply starts once the deploy roles exist, as in the
e2e), then destroys the sandbox and both bootstraps. Nothing is retried or recovered: a failed
command fails the cycle. `--load N` keeps N busy-looping processes on the machine meanwhile
(the e2e runs beside the CPU-bound static gates). After each cycle the emulator's access log
(`emulation/access_log.py`) counts the requests, the SDK retries and the lost responses: calls
the client attempted again after the emulator had answered them. Exits 1 when any cycle failed
or lost a response.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emulation import access_log, emulator  # noqa: E402
from emulation.sandbox import Sandbox, TerraformError, bootstrap_stack, wait_for_deploy_roles  # noqa: E402

SIMULATED = ["sandbox-dev", "sandbox-prod"]


def busy_loop() -> None:
    while True:
        pass


def cycle(workdir: Path, synth_dir: Path) -> tuple[float, str | None]:
    """One cycle on a fresh emulator; returns (seconds, error or None)."""
    state_file = workdir / "emulator.json"
    emulator.stop(state_file)
    (workdir / "access.log").unlink(missing_ok=True)
    url = str(emulator.start(state_file)["url"])
    sandbox = Sandbox(workdir, url)
    stacks = [bootstrap_stack(workdir, url, env, synth_dir / "stacks") for env in SIMULATED]
    for stale in (sandbox, *stacks):
        stale.state_file.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        for stack in (sandbox, *stacks):
            stack.init()
        with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
            bootstrapping = [pool.submit(stack.apply, verbose=False) for stack in stacks]
            wait_for_deploy_roles(url, SIMULATED)
            sandbox.apply(verbose=False)
            for future in bootstrapping:
                future.result()
        sandbox.destroy(verbose=False)
        with ThreadPoolExecutor(max_workers=len(stacks)) as pool:
            list(pool.map(lambda stack: stack.destroy(verbose=False), stacks))
        error = None
    except TerraformError as failure:
        error = (
            str(failure).splitlines()[0]
            + "\n"
            + "\n".join(line for line in failure.output.splitlines() if line.startswith("Error"))
        )
    seconds = time.monotonic() - started
    emulator.stop(state_file)
    return seconds, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--load", type=int, default=1, help="busy-looping processes beside the soak (default 1)")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".sandbox" / "soak")
    args = parser.parse_args(argv)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)

    from infra import app

    app.synth(workdir / "infra", SIMULATED)
    burners = [multiprocessing.Process(target=busy_loop, daemon=True) for _ in range(args.load)]
    for burner in burners:
        burner.start()
    failed = lost_total = 0
    try:
        for number in range(1, args.cycles + 1):
            seconds, error = cycle(workdir, workdir / "infra")
            records = access_log.read(workdir / "access.log")
            lost = access_log.lost_responses(records)
            lost_total += len(lost)
            failed += error is not None
            print(f"cycle {number}: {seconds:.0f} s, {'FAILED' if error else 'ok'}; {access_log.summary(records)}")
            if error:
                print(f"  {error}")
            sys.stdout.flush()
    finally:
        for burner in burners:
            burner.terminate()
    print(f"soak: {args.cycles} cycles, {failed} failed, {lost_total} lost responses (load {args.load})")
    return 1 if failed or lost_total else 0


if __name__ == "__main__":
    raise SystemExit(main())
