"""`make plan|apply|bootstrap ENV=<env>`: resolve ENV in environments/accounts.json and run Terraform.

    python -m tools.envctl plan dev        # build/plans/dev.tfplan + build/plans/dev.json
    python -m tools.envctl apply dev       # applies exactly build/plans/dev.tfplan
    python -m tools.envctl bootstrap dev   # cdktn synth + apply of the account baseline

Real environments (dev, staging, prod) use environments/<env> with its S3 backend in the
account's own state bucket (modules/account-baseline naming). Simulated ones (sandbox-*) run
against the local emulator: plan/apply use environments/sandbox, which holds every simulated
account, and bootstrap applies that account's synthesized stack.

Anything the operator can fix (unknown ENV, a missing registry entry or root, no credentials, no
emulator, no saved plan) is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from infra import app as infra_app

if TYPE_CHECKING:
    from emulation.sandbox import Sandbox

ROOT = Path(__file__).resolve().parent.parent
PLANS = Path(os.environ.get("SWITCHYARD_PLANS_DIR", ROOT / "build" / "plans"))
# Simulated accounts: the sandbox's work folder (state, data dir). The e2e points it at its own.
SANDBOX_WORKDIR = Path(os.environ.get("SWITCHYARD_SANDBOX_WORKDIR", ROOT / ".sandbox" / "demo"))
CLI_CONFIG = ROOT / ".terraform.d" / "cli.tfrc"
CI_ROLES = ("switchyard-plan", "switchyard-pr-plan", "switchyard-deploy")  # modules/account-baseline role names
STATE_KEY_ALIAS = f"alias/{infra_app.STATE_PREFIX}-tfstate"  # modules/account-baseline aws_kms_alias.state
COMMANDS = ("plan", "apply", "bootstrap")


class EnvError(Exception):
    """A problem the operator can fix; printed as one line."""


@dataclass(frozen=True)
class Target:
    account: infra_app.Account
    root: Path

    @property
    def env(self) -> str:
        return self.account.env

    @property
    def plan_file(self) -> Path:
        return PLANS / f"{self.env}.tfplan"

    @property
    def plan_json(self) -> Path:
        return PLANS / f"{self.env}.json"


def shown(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def resolve(env: str, registry_path: Path = infra_app.REGISTRY, environments: Path = ROOT / "environments") -> Target:
    if not env:
        raise EnvError("set ENV, for example `make plan ENV=dev`")
    registry = infra_app.load_registry(registry_path)
    account = registry.accounts.get(env)
    if account is None:
        if (environments / env / "backend.tf").is_file():
            raise EnvError(
                f"{registry_path.name} has no entry for {env!r}: add its account id, region and deploy role "
                "(README: how to add an account)"
            )
        raise EnvError(f"unknown ENV {env!r}; known: {', '.join(registry.accounts)}")
    root = environments / ("sandbox" if account.emulated else env)
    if not (root / "main.tf").is_file():
        raise EnvError(
            f"no Terraform root {shown(root)} for {env!r}: "
            "copy environments/dev and edit terraform.tfvars and the backend key"
        )
    return Target(account, root)


# --- real accounts -----------------------------------------------------------------------------
def caller_arn(account: infra_app.Account) -> str:
    """The caller's ARN; EnvError when there are no credentials or STS refuses them."""
    import boto3
    import botocore.exceptions

    session = boto3.Session(region_name=account.region)
    if session.get_credentials() is None:
        raise EnvError(
            f"no AWS credentials for {account.env} (account {account.account_id}): set a profile or AWS_* "
            "variables, or run in GitHub Actions with the OIDC role"
        )
    try:
        return str(session.client("sts").get_caller_identity()["Arn"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        raise EnvError(f"AWS credentials rejected for {account.env}: {error}") from None


def holds_ci_role(arn: str, account: infra_app.Account) -> bool:
    """True when the caller already is switchyard-plan/-deploy of this account (GitHub OIDC)."""
    match = re.fullmatch(r"arn:aws[a-z-]*:sts::(\d{12}):assumed-role/([^/]+)/.+", arn)
    return match is not None and match[1] == account.account_id and match[2] in CI_ROLES


def state_key_arn(account: infra_app.Account, assume_deploy_role: bool) -> str:
    """ARN of the account's state key, looked up through its alias (the baseline creates both).

    The S3 backend must name the key: with `encrypt = true` alone it sends AES256, which overrides
    the bucket's SSE-KMS default, and the bucket policy refuses that. The ARN, not the alias: S3
    compares the policy's key condition with the key id exactly as the request sends it.
    """
    import boto3
    import botocore.exceptions

    session = boto3.Session(region_name=account.region)
    try:
        if assume_deploy_role:
            role = f"arn:aws:iam::{account.account_id}:role/{account.deploy_role_name}"
            creds = session.client("sts").assume_role(RoleArn=role, RoleSessionName=f"switchyard-{account.env}")
            session = boto3.Session(
                region_name=account.region,
                aws_access_key_id=creds["Credentials"]["AccessKeyId"],
                aws_secret_access_key=creds["Credentials"]["SecretAccessKey"],
                aws_session_token=creds["Credentials"]["SessionToken"],
            )
        return str(session.client("kms").describe_key(KeyId=STATE_KEY_ALIAS)["KeyMetadata"]["Arn"])
    except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as error:
        raise EnvError(
            f"cannot read the state key {STATE_KEY_ALIAS} of {account.env} (account {account.account_id}): {error}; "
            f"bootstrap the account first (`make bootstrap ENV={account.env}`)"
        ) from None


def backend_config(account: infra_app.Account, assume_deploy_role: bool, kms_key_arn: str) -> str:
    """The S3 backend settings environments/<env>/backend.tf leaves open (partial configuration)."""
    lines = [
        f'bucket = "{account.state_bucket}"',
        f'region = "{account.region}"',
        f'allowed_account_ids = ["{account.account_id}"]',
        f'kms_key_id = "{kms_key_arn}"',
    ]
    if assume_deploy_role:
        role = f"arn:aws:iam::{account.account_id}:role/{account.deploy_role_name}"
        lines.append(f'assume_role = {{\n  role_arn     = "{role}"\n  session_name = "switchyard-{account.env}"\n}}')
    return "\n".join(lines) + "\n"


Runner = Callable[[Sequence[str], Path], int]


def run_terraform(args: Sequence[str], root: Path, stdout: Path | None = None) -> int:
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(CLI_CONFIG), "TF_IN_AUTOMATION": "1"}
    command = ["terraform", f"-chdir={root}", *args]
    if stdout is None:
        return subprocess.run(command, env=env, stdin=subprocess.DEVNULL).returncode
    with stdout.open("w") as out:
        return subprocess.run(command, env=env, stdin=subprocess.DEVNULL, stdout=out).returncode


def init_real(target: Target, assume: bool) -> None:
    PLANS.mkdir(parents=True, exist_ok=True)
    config = PLANS / f"{target.env}.s3.tfbackend"
    config.write_text(backend_config(target.account, assume, state_key_arn(target.account, assume)))
    if run_terraform(["init", "-input=false", "-reconfigure", f"-backend-config={config}"], target.root):
        raise EnvError(f"terraform init failed for {target.env} (see above)")


def plan(target: Target, extra: Sequence[str] = ()) -> int:
    PLANS.mkdir(parents=True, exist_ok=True)
    target.plan_file.unlink(missing_ok=True)
    target.plan_json.unlink(missing_ok=True)
    if target.account.emulated:
        sandbox = emulated_sandbox(target)
        sandbox.init()
        result = sandbox.terraform(
            "plan", "-input=false", f"-out={target.plan_file}", "-parallelism=30", *extra, check=False
        )
        print(result.stdout, end="")
        code = result.returncode
        if code in (0, 2):
            target.plan_json.write_text(sandbox.terraform("show", "-json", str(target.plan_file)).stdout)
        else:
            target.plan_file.unlink(missing_ok=True)  # Terraform saves errored plans too: never apply one
        return code
    assume = not holds_ci_role(caller_arn(target.account), target.account)
    init_real(target, assume)
    code = run_terraform(
        ["plan", "-input=false", f"-out={target.plan_file}", f"-var=assume_deploy_role={str(assume).lower()}", *extra],
        target.root,
    )
    # 2 = changes present (only with -detailed-exitcode, as drift detection passes it).
    if code not in (0, 2):
        target.plan_file.unlink(missing_ok=True)  # Terraform saves errored plans too: never apply one
    elif run_terraform(["show", "-json", str(target.plan_file)], target.root, stdout=target.plan_json):
        raise EnvError(f"terraform show -json failed for {target.plan_file}")
    return code


def apply(target: Target) -> int:
    if not target.plan_file.is_file():
        raise EnvError(f"no saved plan {shown(target.plan_file)}; run `make plan ENV={target.env}` first")
    if target.account.emulated:
        sandbox = emulated_sandbox(target)
        sandbox.init()
        result = sandbox.terraform("apply", "-input=false", "-parallelism=30", str(target.plan_file), check=False)
        print(result.stdout, end="")
        return result.returncode
    assume = not holds_ci_role(caller_arn(target.account), target.account)
    init_real(target, assume)
    # A saved plan applies exactly what was reviewed; Terraform refuses it if state moved since.
    return run_terraform(["apply", "-input=false", str(target.plan_file)], target.root)


def bootstrap(target: Target) -> int:
    if target.account.emulated:
        from emulation import sandbox as sandbox_module

        url = emulator_url()
        outputs = sandbox_module.bootstrap(SANDBOX_WORKDIR, url, [target.env])
        print(json.dumps(outputs[target.env], indent=2))
        return 0
    caller_arn(target.account)  # fail early, in one line, without credentials
    (stack,) = infra_app.synth(envs=[target.env])
    stack_dir = stack.parent
    # First run: the state bucket does not exist yet. Apply with local state (an override file
    # replaces the backend), then move the state into the bucket this apply created.
    first_run = os.environ.get("FIRST_RUN") == "1"
    override = stack_dir / "local_backend_override.tf.json"
    if first_run:
        override.write_text(json.dumps({"terraform": {"backend": {"local": {"path": "terraform.tfstate"}}}}))
    init = ["init", "-input=false", "-reconfigure"]
    if not first_run:  # the state key exists once the first run applied the baseline
        init.append(f"-backend-config=kms_key_id={state_key_arn(target.account, False)}")
    if run_terraform(init, stack_dir):
        raise EnvError(f"terraform init failed for bootstrap-{target.env} (see above)")
    plan_file = PLANS / f"bootstrap-{target.env}.tfplan"
    PLANS.mkdir(parents=True, exist_ok=True)
    if run_terraform(["plan", "-input=false", f"-out={plan_file}"], stack_dir):
        return 1
    code = run_terraform(["apply", "-input=false", str(plan_file)], stack_dir)
    if code == 0 and first_run:
        override.unlink()
        key = f"-backend-config=kms_key_id={state_key_arn(target.account, False)}"
        code = run_terraform(["init", "-input=false", "-migrate-state", "-force-copy", key], stack_dir)
    return code


# --- simulated accounts ------------------------------------------------------------------------
def emulator_url() -> str:
    from emulation import emulator

    state = emulator.read_state()
    if state is None or not emulator.is_healthy(state):
        raise EnvError("the emulator is not running; start it with `make sandbox-up`")
    return str(state["url"])


def emulated_sandbox(target: Target) -> Sandbox:
    from emulation.sandbox import Sandbox

    return Sandbox(SANDBOX_WORKDIR, emulator_url(), root=target.root)


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m tools.envctl", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("env", help="an environment of environments/accounts.json (dev, staging, prod, sandbox-*)")
    args, extra = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if extra and args.command != "plan":
        parser.error(f"unrecognized arguments: {' '.join(extra)} (only plan passes arguments on to terraform)")
    try:
        target = resolve(args.env)
        if args.command == "plan":
            return plan(target, extra)
        if args.command == "apply":
            return apply(target)
        return bootstrap(target)
    except EnvError as error:
        print(f"envctl: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
