"""infra/: the cdktn bootstrap app synthesizes one Terraform root per registry account.

`make policy` validates every synthesized stack (its "validate infra stacks" gate)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from infra import app

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = app.load_registry()


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("infra")
    app.synth(outdir)
    return outdir


def stack(outdir: Path, env: str) -> dict[str, Any]:
    return json.loads((outdir / "stacks" / f"bootstrap-{env}" / "cdk.tf.json").read_text())


def test_synth_of_every_account_writes_one_stack_each(synthesized: Path) -> None:
    outdir = synthesized
    written = sorted(p.name for p in (outdir / "stacks").iterdir())
    assert written == sorted(f"bootstrap-{env}" for env in REGISTRY.accounts)
    assert len(written) == 5


@pytest.mark.parametrize("env", sorted(REGISTRY.accounts))
def test_each_stack_guards_its_account_and_instantiates_the_baseline(synthesized: Path, env: str) -> None:
    outdir = synthesized
    account = REGISTRY.accounts[env]
    doc = stack(outdir, env)
    (provider,) = doc["provider"]["aws"]
    assert provider["allowed_account_ids"] == [account.account_id]
    assert (
        provider["assume_role"][0]["role_arn"]
        == f"arn:aws:iam::{account.account_id}:role/{account.bootstrap_role_name}"
    )
    assert provider["region"] == account.region
    assert provider["default_tags"][0]["tags"]["environment"] == env
    assert doc["terraform"]["required_providers"]["aws"]["version"] == "~> 5.100"

    module = doc["module"]["baseline"]
    source = (outdir / "stacks" / f"bootstrap-{env}" / module["source"]).resolve()
    assert source == ROOT / "modules" / "account-baseline"
    assert module["environment"] == env
    assert module["deploy_role_name"] == account.deploy_role_name == "switchyard-deploy"
    assert module["github_repository"] == REGISTRY.github_repository


@pytest.mark.parametrize("env", sorted(e for e, a in REGISTRY.accounts.items() if not a.emulated))
def test_real_accounts_keep_state_in_their_own_bucket_with_native_locking(synthesized: Path, env: str) -> None:
    account = REGISTRY.accounts[env]
    doc = stack(synthesized, env)
    assert set(doc["terraform"]["backend"]) == {"s3"}
    backend = doc["terraform"]["backend"]["s3"]
    assert backend["bucket"] == f"switchyard-tfstate-{account.account_id}-{account.region}"
    assert backend["use_lockfile"] is True
    assert "dynamodb_table" not in backend
    assert backend["encrypt"] is True
    assert backend["allowed_account_ids"] == [account.account_id]
    assert "access_key" not in doc["provider"]["aws"][0], "real accounts must never carry static credentials"


@pytest.mark.parametrize("env", sorted(e for e, a in REGISTRY.accounts.items() if a.emulated))
def test_emulated_accounts_use_local_state_and_dummy_credentials(synthesized: Path, env: str) -> None:
    doc = stack(synthesized, env)
    assert set(doc["terraform"]["backend"]) == {"local"}
    assert doc["provider"]["aws"][0]["access_key"] == "test"


def test_an_unknown_environment_is_refused() -> None:
    with pytest.raises(KeyError, match=r"not in accounts\.json: nope"):
        app.build_app(REGISTRY, Path("/nonexistent"), ["nope"])
