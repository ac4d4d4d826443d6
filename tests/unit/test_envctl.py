"""tools/envctl.py: what `make plan|apply|bootstrap ENV=...` resolve, run, and refuse in one line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from infra import app as infra_app
from tools import envctl

DEPLOY_ARN = "arn:aws:sts::210987654321:assumed-role/switchyard-deploy/GitHubActions"


def one_line_error(capsys: pytest.CaptureFixture[str], code: int) -> str:
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("envctl: "), err
    assert "Traceback" not in err
    return err


def test_unknown_env_is_one_line_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    err = one_line_error(capsys, envctl.main(["plan", "qa"]))
    assert "unknown ENV 'qa'; known: dev, staging, prod, sandbox-dev, sandbox-prod" in err


def test_empty_env_says_how_to_set_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert "make plan ENV=dev" in one_line_error(capsys, envctl.main(["plan", ""]))


def test_a_root_without_registry_entry_is_named(tmp_path: Path) -> None:
    registry = tmp_path / "accounts.json"
    registry.write_text(json.dumps({"github_repository": "acme/switchyard", "environments": {}}))
    (tmp_path / "qa").mkdir()
    (tmp_path / "qa" / "backend.tf").write_text("")
    with pytest.raises(envctl.EnvError, match=r"accounts\.json has no entry for 'qa'"):
        envctl.resolve("qa", registry, tmp_path)


def test_a_registry_entry_without_root_is_named(tmp_path: Path) -> None:
    registry = tmp_path / "accounts.json"
    entry = {"account_id": "123456789012", "region": "eu-west-1", "deploy_role_name": "switchyard-deploy"}
    registry.write_text(json.dumps({"github_repository": "acme/switchyard", "environments": {"qa": entry}}))
    with pytest.raises(envctl.EnvError, match=r"no Terraform root .*qa.*copy environments/dev"):
        envctl.resolve("qa", registry, tmp_path)


def test_no_credentials_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    monkeypatch.setattr(envctl, "run_terraform", lambda *a, **k: pytest.fail("terraform must not run"))
    for command in ("plan", "apply", "bootstrap"):
        if command == "apply":
            monkeypatch.setattr(envctl, "PLANS", tmp_path)
            (tmp_path / "prod.tfplan").write_text("")
        err = one_line_error(capsys, envctl.main([command, "prod"]))
        assert "no AWS credentials for prod (account 432109876543)" in err


def test_apply_without_a_saved_plan_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(envctl, "PLANS", tmp_path)
    monkeypatch.setattr(envctl, "ROOT", tmp_path.parent)
    err = one_line_error(capsys, envctl.main(["apply", "staging"]))
    assert "no saved plan" in err and "make plan ENV=staging" in err


def test_a_simulated_account_needs_the_emulator(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from emulation import emulator

    monkeypatch.setattr(emulator, "read_state", lambda *a: None)
    assert "make sandbox-up" in one_line_error(capsys, envctl.main(["plan", "sandbox-dev"]))


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (DEPLOY_ARN, True),
        ("arn:aws:sts::210987654321:assumed-role/switchyard-plan/GitHubActions", True),
        ("arn:aws:sts::432109876543:assumed-role/switchyard-deploy/GitHubActions", False),  # another account
        ("arn:aws:sts::210987654321:assumed-role/OrganizationAccountAccessRole/alice", False),
        ("arn:aws:iam::210987654321:user/alice", False),
    ],
)
def test_only_the_accounts_own_ci_roles_skip_the_assume_role(arn: str, expected: bool) -> None:
    assert envctl.holds_ci_role(arn, infra_app.load_registry().accounts["dev"]) is expected


STATE_KEY = "arn:aws:kms:eu-west-1:432109876543:key/11111111-2222-3333-4444-555555555555"


def test_backend_config_points_at_the_baselines_bucket_and_state_key() -> None:
    account = infra_app.load_registry().accounts["prod"]
    assumed = envctl.backend_config(account, assume_deploy_role=True, kms_key_arn=STATE_KEY)
    assert 'bucket = "switchyard-tfstate-432109876543-eu-west-1"' in assumed
    assert 'allowed_account_ids = ["432109876543"]' in assumed
    assert 'role_arn     = "arn:aws:iam::432109876543:role/switchyard-deploy"' in assumed
    # Without the key the backend sends AES256 and the bucket's SSE-KMS default never applies.
    assert f'kms_key_id = "{STATE_KEY}"' in assumed
    assert "assume_role" not in envctl.backend_config(account, assume_deploy_role=False, kms_key_arn=STATE_KEY)


def test_plan_then_apply_use_exactly_the_saved_plan(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    calls: list[tuple[str, ...]] = []

    def fake_terraform(args: Sequence[str], root: Path, stdout: Path | None = None) -> int:
        calls.append(tuple(args))
        if args[0] == "plan":
            Path(args[2].removeprefix("-out=")).write_text("plan")
        if stdout is not None:
            stdout.write_text('{"format_version": "1.2"}')
        return 0

    monkeypatch.setattr(envctl, "PLANS", tmp_path)
    monkeypatch.setattr(envctl, "run_terraform", fake_terraform)
    monkeypatch.setattr(envctl, "caller_arn", lambda account: DEPLOY_ARN)
    monkeypatch.setattr(envctl, "state_key_arn", lambda account, assume: STATE_KEY)
    assert envctl.main(["plan", "dev"]) == 0
    assert calls[0] == ("init", "-input=false", "-reconfigure", f"-backend-config={tmp_path / 'dev.s3.tfbackend'}")
    assert calls[1] == ("plan", "-input=false", f"-out={tmp_path / 'dev.tfplan'}", "-var=assume_deploy_role=false")
    assert calls[2] == ("show", "-json", str(tmp_path / "dev.tfplan"))
    assert json.loads((tmp_path / "dev.json").read_text()) == {"format_version": "1.2"}
    calls.clear()
    assert envctl.main(["apply", "dev"]) == 0
    assert calls[-1] == ("apply", "-input=false", str(tmp_path / "dev.tfplan"))


def test_a_failed_plan_leaves_no_plan_to_apply(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def failing_plan(args: Sequence[str], root: Path, stdout: Path | None = None) -> int:
        if args[0] == "plan":
            Path(args[2].removeprefix("-out=")).write_text("errored plan")  # Terraform writes it anyway
            return 1
        return 0

    monkeypatch.setattr(envctl, "PLANS", tmp_path)
    monkeypatch.setattr(envctl, "run_terraform", failing_plan)
    monkeypatch.setattr(envctl, "caller_arn", lambda account: DEPLOY_ARN)
    monkeypatch.setattr(envctl, "state_key_arn", lambda account, assume: STATE_KEY)
    assert envctl.main(["plan", "dev"]) == 1
    assert not (tmp_path / "dev.tfplan").exists()
    assert not (tmp_path / "dev.json").exists()
