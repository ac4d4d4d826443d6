"""Account bootstrap: one CDK Terrain stack per account of environments/accounts.json.

Each stack instantiates modules/account-baseline (state bucket, GitHub OIDC provider,
switchyard-plan and switchyard-deploy roles) through `TerraformHclModule`. The AWS provider is
written as a raw override, not through prebuilt provider bindings: those track aws 6.x, and the
project pins ~> 5.100. Synthesis therefore needs node (jsii) but no provider download.

    python -m infra.app [--outdir build/infra] [--env dev ...]

writes <outdir>/stacks/bootstrap-<env>/cdk.tf.json, a Terraform JSON root ready for
`terraform init` / `apply` (`make bootstrap ENV=<env>` does both).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "environments" / "accounts.json"
BASELINE = ROOT / "modules" / "account-baseline"
DEFAULT_OUTDIR = ROOT / "build" / "infra"
SERVICE = "switchyard"
STATE_PREFIX = "switchyard"  # modules/account-baseline name_prefix: <prefix>-tfstate-<account>-<region>
BOOTSTRAP_STATE_KEY = "bootstrap/account-baseline.tfstate"
TERRAFORM_VERSION = ">= 1.11"  # S3 native locking (use_lockfile) needs 1.11
AWS_PROVIDER_VERSION = "~> 5.100"


@dataclass(frozen=True)
class Account:
    env: str
    account_id: str
    region: str
    deploy_role_name: str
    bootstrap_role_name: str
    emulated: bool
    pull_request_plans: bool = False  # the account pull requests plan against (its baseline's pr-plan role)

    @property
    def stack_name(self) -> str:
        return f"bootstrap-{self.env}"

    @property
    def bootstrap_role_arn(self) -> str:
        return f"arn:aws:iam::{self.account_id}:role/{self.bootstrap_role_name}"

    @property
    def state_bucket(self) -> str:
        return state_bucket_name(self.account_id, self.region)


@dataclass(frozen=True)
class Registry:
    github_repository: str
    accounts: dict[str, Account]


def state_bucket_name(account_id: str, region: str) -> str:
    return f"{STATE_PREFIX}-tfstate-{account_id}-{region}"


def load_registry(path: Path = REGISTRY) -> Registry:
    raw = json.loads(path.read_text())
    accounts = {
        env: Account(
            env=env,
            account_id=entry["account_id"],
            region=entry["region"],
            deploy_role_name=entry["deploy_role_name"],
            bootstrap_role_name=entry.get("bootstrap_role_name", "OrganizationAccountAccessRole"),
            emulated=bool(entry.get("emulated", False)),
            pull_request_plans=bool(entry.get("pull_request_plans", False)),
        )
        for env, entry in raw["environments"].items()
    }
    return Registry(github_repository=raw["github_repository"], accounts=accounts)


def provider_block(account: Account, repository: str) -> dict[str, Any]:
    provider: dict[str, Any] = {
        "region": account.region,
        # The account guard: credentials or a role of any other account stop the plan.
        "allowed_account_ids": [account.account_id],
        "assume_role": [{"role_arn": account.bootstrap_role_arn, "session_name": "switchyard-bootstrap"}],
        "default_tags": [
            {"tags": {"environment": account.env, "service": SERVICE, "repository": repository, "stack": "bootstrap"}}
        ],
    }
    if account.emulated:
        # The emulator accepts any credentials; a real profile must never reach it. The endpoint
        # comes from AWS_ENDPOINT_URL at run time.
        provider.update(access_key="test", secret_key="test", skip_metadata_api_check=True)  # noqa: S106
    return provider


def build_app(registry: Registry, outdir: Path = DEFAULT_OUTDIR, envs: list[str] | None = None) -> Any:
    """The cdktn App with one stack per selected account (all when envs is None)."""
    # Node 20 is what this machine has; jsii would print an end-of-life banner on every synth.
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    import cdktn  # imported here: starting the jsii runtime is the slow part

    unknown = sorted(set(envs or []) - registry.accounts.keys())
    if unknown:
        raise KeyError(f"not in {REGISTRY.name}: {', '.join(unknown)}")
    outdir.mkdir(parents=True, exist_ok=True)  # cdktn creates only the last level
    # Declaring the target lets cdktn validate use_lockfile (Terraform >= 1.10) instead of refusing it.
    app = cdktn.App(outdir=str(outdir), context={"targetVersions": {"terraform": ">=1.11.0"}})
    for env, account in registry.accounts.items():
        if envs is not None and env not in envs:
            continue
        stack = cdktn.TerraformStack(app, account.stack_name)
        stack_dir = outdir / "stacks" / account.stack_name
        if account.emulated:
            cdktn.LocalBackend(stack, path="terraform.tfstate")  # envctl points it at the sandbox's work folder
        else:
            cdktn.S3Backend(
                stack,
                bucket=account.state_bucket,
                key=BOOTSTRAP_STATE_KEY,
                region=account.region,
                # kms_key_id (the state key's ARN) comes from `make bootstrap` at init: with encrypt
                # alone the backend would send AES256 and the bucket policy refuses that.
                encrypt=True,
                use_lockfile=True,
                allowed_account_ids=[account.account_id],
                assume_role={"role_arn": account.bootstrap_role_arn, "session_name": "switchyard-bootstrap"},
            )
        stack.add_override("terraform.required_version", TERRAFORM_VERSION)
        stack.add_override(
            "terraform.required_providers", {"aws": {"source": "hashicorp/aws", "version": AWS_PROVIDER_VERSION}}
        )
        stack.add_override("provider", {"aws": [provider_block(account, registry.github_repository)]})
        baseline = cdktn.TerraformHclModule(
            stack,
            "baseline",
            source=os.path.relpath(BASELINE, stack_dir),
            skip_asset_creation_from_local_modules=True,
            variables={
                "name_prefix": STATE_PREFIX,
                "environment": env,
                "github_repository": registry.github_repository,
                "deploy_role_name": account.deploy_role_name,
                "admin_principal_arns": [account.bootstrap_role_arn],
                "pull_request_plans": account.pull_request_plans,
            },
        )
        for name in (
            "state_bucket_name",
            "plan_role_arn",
            "deploy_role_arn",
            "state_kms_key_arn",
            "oidc_provider_arn",
            "api_gateway_cloudwatch_role_arn",
        ):
            cdktn.TerraformOutput(stack, name, value=baseline.get_string(name))
    return app


def synth(outdir: Path = DEFAULT_OUTDIR, envs: list[str] | None = None, registry_path: Path = REGISTRY) -> list[Path]:
    """Synthesize and return the cdk.tf.json of every stack written."""
    registry = load_registry(registry_path)
    build_app(registry, outdir, envs).synth()
    selected = envs if envs is not None else list(registry.accounts)
    return [outdir / "stacks" / registry.accounts[env].stack_name / "cdk.tf.json" for env in selected]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outdir", type=Path, default=DEFAULT_OUTDIR)
    parser.add_argument("--env", action="append", help="only this registry environment (repeatable)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        stacks = synth(args.outdir, args.env)
    except KeyError as error:
        print(f"synth: {error.args[0]}", file=sys.stderr)
        return 2
    print(f"synthesized {len(stacks)} stack(s) in {time.monotonic() - started:.1f}s:")
    for path in stacks:
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
