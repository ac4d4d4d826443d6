"""The Terraform CLI config: mirror when the machine has one, registry otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools import tf_cli_config


def test_mirror_config_installs_hashicorp_providers_from_the_mirror(tmp_path: Path) -> None:
    text = tf_cli_config.render(Path("/opt/tf-plugins"), tmp_path)
    assert 'path    = "/opt/tf-plugins"' in text
    assert 'exclude = ["registry.terraform.io/hashicorp/*"]' in text


def test_without_mirror_the_registry_is_used(tmp_path: Path) -> None:
    text = tf_cli_config.render(None, tmp_path)
    assert "provider_installation" not in text
    assert f'plugin_cache_dir = "{tmp_path}"' in text


def test_explicit_mirror_must_hold_the_provider(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWITCHYARD_TF_MIRROR", str(tmp_path))
    assert tf_cli_config.find_mirror() is None
    (tmp_path / "registry.terraform.io/hashicorp/aws").mkdir(parents=True)
    assert tf_cli_config.find_mirror() == tmp_path


def test_old_or_missing_terraform_gives_one_clear_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.argv", ["tf_cli_config", str(tmp_path / "cli.tfrc")])
    monkeypatch.setattr(tf_cli_config, "terraform_version", lambda: (1, 5, 7))
    assert tf_cli_config.main() == 1
    assert capsys.readouterr().err.strip() == (
        "error: terraform 1.5.7 is too old; install Terraform >= 1.11.0 (S3 native state locking needs it)"
    )
    monkeypatch.setattr(tf_cli_config, "terraform_version", lambda: None)
    assert tf_cli_config.main() == 1
    assert "terraform not found on PATH" in capsys.readouterr().err
