"""Drive Terraform for the sandbox environment against the local emulator.

Used by `make demo` and the end-to-end tests. Each caller picks a work folder, so the tests'
emulator and state never touch the demo's.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from tools.tf_cli_config import plugin_cache_lock

ROOT = Path(__file__).resolve().parent.parent
SANDBOX_ROOT = ROOT / "environments" / "sandbox"
CLI_CONFIG = ROOT / ".terraform.d" / "cli.tfrc"
DEMO_WORKDIR = ROOT / ".sandbox" / "demo"  # `make demo`'s state; the e2e tests use their own
# The partners' receiver port the demo's API destinations name, kept so a second run plans no change.
DEMO_RECEIVER_FILE = DEMO_WORKDIR / "webhook-receiver.json"
# What a slow apply prints (each SQS queue takes ~25 s in the emulator), each at the start of a
# line: `apply` prints the plan first, whose indented attribute lines must not match.
PLANNED = re.compile(r"^Plan: (\d+) to add, (\d+) to change, (\d+) to destroy\.")
RESOURCE_DONE = re.compile(r"^\S+: (?:Creation|Modifications|Destruction) complete after ")
SHOWN = re.compile(r"^(?:(?:Apply|Destroy) complete! |Error: )")


class Progress:
    """Terraform's progress in a few lines: resources done of those planned, at most every
    `every` seconds, and its summary and errors as they come."""

    def __init__(self, every: float = 15.0) -> None:
        self.every = every
        self.started = self.shown = time.monotonic()
        self.planned: int | None = None
        self.done = 0

    def __call__(self, line: str) -> None:
        if planned := PLANNED.match(line):
            self.planned = sum(int(n) for n in planned.groups())
        elif RESOURCE_DONE.match(line):
            self.done += 1
            if time.monotonic() - self.shown >= self.every:
                self._print(f"{self.done} of {self.planned if self.planned is not None else '?'} resources done")
        elif SHOWN.match(line):
            self._print(line)

    def _print(self, text: str) -> None:
        self.shown = time.monotonic()
        print(f"  [{self.shown - self.started:5.0f}s] {text}", flush=True)


class TerraformError(RuntimeError):
    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output  # everything the command printed (the message keeps only its end)


class Sandbox:
    def __init__(
        self,
        workdir: Path,
        endpoint_url: str,
        *,
        root: Path = SANDBOX_ROOT,
        state_name: str = "sandbox.tfstate",
        data_dir_name: str = "tfdata",
    ) -> None:
        self.workdir = workdir
        self.root = root
        self.endpoint_url = endpoint_url
        self.state_file = workdir / state_name
        workdir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(CLI_CONFIG),
            "TF_DATA_DIR": str(workdir / data_dir_name),
            "TF_IN_AUTOMATION": "1",
            "AWS_ENDPOINT_URL": endpoint_url,
            # Dummy credentials: the emulator accepts any, and a real profile must never be used.
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
        }
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
            self.env.pop(name, None)

    def terraform(
        self, *args: str, progress: Callable[[str], None] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = ["terraform", f"-chdir={self.root}", *args]
        with subprocess.Popen(
            command, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
        ) as process:
            assert process.stdout is not None
            lines = []
            for line in process.stdout:
                lines.append(line)
                if progress:
                    progress(line.rstrip())
        output = "".join(lines)
        result = subprocess.CompletedProcess(command, process.returncode, output, "")
        if check and process.returncode != 0:
            raise TerraformError(f"terraform {' '.join(args)} exited {process.returncode}:\n{output[-4000:]}", output)
        return result

    def init(self) -> None:
        with plugin_cache_lock():
            self.terraform(
                "init",
                "-input=false",
                "-no-color",
                "-reconfigure",
                f"-backend-config=path={self.state_file}",
            )

    def apply(self, *extra: str, verbose: bool = True) -> float:
        """`terraform apply`; returns the seconds it took."""
        started = time.monotonic()
        command = ("apply", "-input=false", "-no-color", "-auto-approve", "-parallelism=30", *extra)
        self.terraform(*command, progress=Progress() if verbose else None)
        return time.monotonic() - started

    def plan_exit_code(self, *extra: str) -> subprocess.CompletedProcess[str]:
        """`plan -detailed-exitcode`: 0 no changes, 1 error, 2 changes."""
        return self.terraform(
            "plan", "-input=false", "-no-color", "-detailed-exitcode", "-parallelism=30", *extra, check=False
        )

    def destroy(self, verbose: bool = True, refresh: bool = True) -> None:
        """`terraform destroy`; refresh=False skips reading every resource first (right after a
        plan that found no drift, the state is what the emulator holds)."""
        command = ("destroy", "-input=false", "-no-color", "-auto-approve", "-parallelism=30")
        progress = Progress() if verbose else None
        self.terraform(*command, *(() if refresh else ("-refresh=false",)), progress=progress)

    def outputs(self) -> dict[str, Any]:
        raw = json.loads(self.terraform("output", "-json", "-no-color").stdout)
        return {name: value["value"] for name, value in raw.items()}


def bootstrap_stack(workdir: Path, endpoint_url: str, env: str, stacks_dir: Path) -> Sandbox:
    """The synthesized bootstrap stack of one simulated account, with its own state and data dir."""
    return Sandbox(
        workdir,
        endpoint_url,
        root=stacks_dir / f"bootstrap-{env}",
        state_name=f"bootstrap-{env}.tfstate",
        data_dir_name=f"tfdata-bootstrap-{env}",
    )


def bootstrap(workdir: Path, endpoint_url: str, envs: list[str] | None = None, verbose: bool = True) -> dict[str, Any]:
    """Synthesize (infra/, cdktn) and apply the account baseline of every simulated account.

    Returns {env: outputs}. The accounts are independent, so they are applied in parallel. The
    stacks are synthesized into the work folder so the e2e tests and the demo never share them.
    """
    from concurrent.futures import ThreadPoolExecutor

    from infra import app

    registry = app.load_registry()
    selected = envs if envs is not None else [e for e, a in registry.accounts.items() if a.emulated]
    real = [e for e in selected if not registry.accounts[e].emulated]
    if real:
        raise ValueError(f"bootstrap against the emulator is for simulated accounts only, not {', '.join(real)}")
    outdir = workdir / "infra"
    app.synth(outdir, selected)

    stacks = [bootstrap_stack(workdir, endpoint_url, env, outdir / "stacks") for env in selected]
    for stack in stacks:
        stack.init()  # one at a time: Terraform's plugin cache is not safe for concurrent installs

    def apply_one(stack: Sandbox) -> dict[str, Any]:
        stack.apply(verbose=verbose)
        return stack.outputs()

    with ThreadPoolExecutor(max_workers=len(stacks) or 1) as pool:
        return dict(zip(selected, pool.map(apply_one, stacks), strict=True))


def wait_for_deploy_roles(
    endpoint_url: str, envs: list[str], bootstrapping: Future[Any] | None = None, timeout: float = 900.0
) -> float:
    """Block until the deploy role of every given simulated account exists; returns the seconds waited.

    Lets the platform apply start as soon as bootstrap has created the roles it assumes, while
    bootstrap finishes slower resources (the emulator settles S3 lifecycle rules in ~55 s). If
    the bootstrap fails first, its error is raised here.
    """
    from emulation.harness.accounts import SimulatedAccount
    from infra import app

    registry = app.load_registry()
    started = time.monotonic()
    pending = {env: registry.accounts[env] for env in envs}
    while pending:
        for env, account in list(pending.items()):
            iam = SimulatedAccount(endpoint_url, account.account_id, account.region, account.bootstrap_role_name)
            try:
                iam.client("iam").get_role(RoleName=account.deploy_role_name)
                del pending[env]
            except iam.client("iam").exceptions.NoSuchEntityException:
                pass
        if not pending:
            break
        if bootstrapping is not None and bootstrapping.done():
            bootstrapping.result()  # raises the bootstrap's error
            raise TerraformError(f"bootstrap finished without creating the deploy role in {', '.join(pending)}")
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"no deploy role after {timeout:.0f}s in {', '.join(pending)}")
        time.sleep(1.0)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    """`python -m emulation.sandbox plan|apply|destroy|outputs` against the running emulator."""
    import argparse

    from emulation import emulator

    parser = argparse.ArgumentParser(prog="python -m emulation.sandbox", description=main.__doc__)
    parser.add_argument(
        "command",
        choices=["plan", "apply", "destroy", "outputs"],
        help="plan: exit 0 when there is no drift, 2 with changes; outputs: the platform outputs as JSON",
    )
    command = parser.parse_args(argv).command
    state = emulator.read_state()
    if not emulator.is_healthy(state) or state is None:
        print("sandbox: the emulator is not running; run `make sandbox-up`", file=sys.stderr)
        return 1
    sandbox = Sandbox(DEMO_WORKDIR, str(state["url"]))
    if DEMO_RECEIVER_FILE.is_file():  # plan with the receiver `make demo` deployed, not the default
        port = json.loads(DEMO_RECEIVER_FILE.read_text())["port"]
        sandbox.env["TF_VAR_webhook_receiver_url"] = f"http://127.0.0.1:{port}"
    sandbox.init()
    if command == "apply":
        sandbox.apply()
    elif command == "destroy":
        sandbox.destroy()
    elif command == "outputs":
        print(json.dumps(sandbox.outputs(), indent=2))
    else:
        result = sandbox.plan_exit_code()
        print(result.stdout)
        return result.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
