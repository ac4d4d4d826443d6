"""Packaging: byte-identical zips from the same sources, clean entries, syntax errors named."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools import package_lambdas


@pytest.fixture
def fake_lambdas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "lambdas"
    (root / "greeter" / "__pycache__").mkdir(parents=True)
    (root / "greeter" / "__init__.py").write_text("")
    (root / "greeter" / "handler.py").write_text("def lambda_handler(event, context):\n    return 'hi'\n")
    (root / "greeter" / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\x00junk")
    monkeypatch.setattr(package_lambdas, "LAMBDAS", root)
    monkeypatch.setattr(package_lambdas, "ROOT", tmp_path)
    return root


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_two_builds_are_byte_identical_whatever_the_file_times(fake_lambdas: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.zip", tmp_path / "b.zip"
    package_lambdas.build_function("greeter", first)
    for path in (fake_lambdas / "greeter").iterdir():
        path.touch()  # new mtimes must not change the archive
    package_lambdas.build_function("greeter", second)
    assert sha256(first) == sha256(second)


def test_entries_are_sorted_clean_and_fixed(fake_lambdas: Path, tmp_path: Path) -> None:
    out = tmp_path / "greeter.zip"
    package_lambdas.build_function("greeter", out)
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["greeter/__init__.py", "greeter/handler.py"]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_syntax_error_names_file_and_line(fake_lambdas: Path, tmp_path: Path) -> None:
    (fake_lambdas / "greeter" / "handler.py").write_text("def ok():\n    return 1\n\ndef broken(:\n    pass\n")
    out = tmp_path / "greeter.zip"
    with pytest.raises(package_lambdas.BuildError, match=r"lambdas/greeter/handler.py:4:\d+: SyntaxError"):
        package_lambdas.build_function("greeter", out)
    assert not out.exists()


def test_cli_exits_nonzero_with_the_message(
    fake_lambdas: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (fake_lambdas / "greeter" / "handler.py").write_text("x = (\n")
    assert package_lambdas.main(["function", "greeter", str(tmp_path / "g.zip")]) == 1
    assert "lambdas/greeter/handler.py:1" in capsys.readouterr().err


def test_unknown_function_is_a_clear_error(fake_lambdas: Path, tmp_path: Path) -> None:
    shutil.rmtree(fake_lambdas / "greeter")
    with pytest.raises(package_lambdas.BuildError, match=r"handler\.py not found"):
        package_lambdas.build_function("greeter", tmp_path / "g.zip")


REPO = Path(__file__).resolve().parents[2]


def _checkout_with_interpreter(root: Path) -> Path:
    """The packager and the layer's sources at another path, with an interpreter of its own there.

    pip writes console scripts with a shebang naming the interpreter that installed them, and
    records their hashes in the distribution's RECORD: a checkout at another path (and a laptop
    against CI) would otherwise publish a different layer for the same code.
    """
    (root / "tools").mkdir(parents=True)
    for name in ("__init__.py", "package_lambdas.py"):
        shutil.copy(REPO / "tools" / name, root / "tools" / name)
    shutil.copytree(
        REPO / "lambdas" / "shared", root / "lambdas" / "shared", ignore=shutil.ignore_patterns("__pycache__")
    )
    # No pip of its own: the base interpreter's pip, run by an interpreter at this checkout's path.
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(root / "venv")], check=True
    )
    return root / "venv" / "bin" / "python"


def test_layer_is_byte_identical_from_two_checkouts_with_different_interpreter_paths(tmp_path: Path) -> None:
    outputs = []
    for checkout in (tmp_path / "a", tmp_path / "second-checkout-at-a-longer-path"):
        python = _checkout_with_interpreter(checkout)
        out = checkout / "build" / "shared.zip"
        subprocess.run([str(python), "-m", "tools.package_lambdas", "layer", str(out)], cwd=checkout, check=True)
        outputs.append(out)
    with zipfile.ZipFile(outputs[0]) as archive:
        names = archive.namelist()
        records = [archive.read(name).decode() for name in names if name.endswith(".dist-info/RECORD")]
    assert records, "the layer should carry its distributions' metadata"
    assert not any("bin/" in line for record in records for line in record.splitlines())
    assert sha256(outputs[0]) == sha256(outputs[1])


def test_record_keeps_only_archived_files() -> None:
    record = b"../../bin/jp.py,sha256=abc,10\njmespath/__init__.py,sha256=def,20\njmespath-1.1.0.dist-info/RECORD,,\n"
    archived = {"python/jmespath/__init__.py", "python/jmespath-1.1.0.dist-info/RECORD"}
    assert package_lambdas.record_of_archived(record, "python/", archived) == (
        b"jmespath/__init__.py,sha256=def,20\njmespath-1.1.0.dist-info/RECORD,,\n"
    )
