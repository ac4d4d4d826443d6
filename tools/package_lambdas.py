"""Build deterministic Lambda zips: the same sources give byte-identical archives.

    python -m tools.package_lambdas function <name> <out.zip>   # lambdas/<name>/ as package <name>
    python -m tools.package_lambdas layer <out.zip>             # lambdas/shared + its requirements

Entries are sorted, timestamps fixed at 1980-01-01, permissions fixed at 0644, and
__pycache__/*.pyc/bin/ left out. Each installed distribution's RECORD is rewritten to list only
what the archive holds: pip records console scripts (bin/) with a hash of their shebang, which
names the build's interpreter, so keeping those lines would make the layer depend on the path
of the checkout and of the interpreter. Layer dependencies are installed as manylinux wheels for the
Lambda runtime (Python 3.12, arm64 unless LAMBDA_ARCHITECTURE=x86_64), without boto3, which
the runtime provides. Make decides when to call this (see the Makefile's stamps).
"""

from __future__ import annotations

import argparse
import os
import posixpath
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAMBDAS = ROOT / "lambdas"
SHARED = LAMBDAS / "shared"
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644 << 16  # regular file, rw-r--r--
EXCLUDED_DIRS = {"__pycache__", "bin", "tests"}
EXCLUDED_SUFFIXES = {".pyc", ".pyo"}
PLATFORMS = {"x86_64": "manylinux2014_x86_64", "arm64": "manylinux2014_aarch64"}
DEFAULT_ARCHITECTURE = "arm64"  # Graviton: 20 % less per GB-second; match lambda_defaults.architecture
RUNTIME_PYTHON = "3.12"


class BuildError(Exception):
    pass


def collect(base: Path, prefix: str) -> dict[str, Path]:
    """Map archive names to files below `base`, skipping caches and build leftovers."""
    entries: dict[str, Path] = {}
    for path in base.rglob("*"):
        relative = path.relative_to(base)
        if path.is_dir() or EXCLUDED_DIRS.intersection(relative.parts) or path.suffix in EXCLUDED_SUFFIXES:
            continue
        entries[f"{prefix}{relative.as_posix()}"] = path
    return entries


def check_syntax(files: Iterable[Path]) -> None:
    """Fail the build on a syntax error, naming file and line, before anything is zipped."""
    for path in sorted(files):
        if path.suffix != ".py":
            continue
        try:
            compile(path.read_bytes(), str(path.relative_to(ROOT)), "exec", dont_inherit=True)
        except SyntaxError as error:
            raise BuildError(f"{error.filename}:{error.lineno}:{error.offset}: SyntaxError: {error.msg}") from None


def record_of_archived(record: bytes, dist_prefix: str, archived: set[str]) -> bytes:
    """A dist-info RECORD reduced to the lines naming files the archive holds.

    RECORD paths are relative to the install target (scripts appear as `../../bin/jp.py`);
    `dist_prefix` is that target's name in the archive (`python/`).
    """
    kept = []
    for line in record.decode("utf-8").splitlines():
        path = line.rsplit(",", 2)[0]
        normalized = posixpath.normpath(path)
        if not normalized.startswith("../") and f"{dist_prefix}{normalized}" in archived:
            kept.append(line)
    return ("\n".join(kept) + "\n").encode("utf-8")


def write_zip(out: Path, entries: dict[str, Path | bytes]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.external_attr = FILE_MODE
            info.create_system = 3  # unix, so the mode bits are honoured
            info.compress_type = zipfile.ZIP_DEFLATED
            content = entries[name]
            archive.writestr(info, content if isinstance(content, bytes) else content.read_bytes(), compresslevel=9)
    partial.replace(out)  # never leave a half-written zip where Terraform would read it


def build_function(name: str, out: Path) -> int:
    source = LAMBDAS / name
    if not (source / "handler.py").is_file():
        raise BuildError(f"lambdas/{name}/handler.py not found: a function is a folder with a handler.py")
    entries = collect(source, f"{name}/")
    check_syntax(entries.values())
    write_zip(out, dict(entries))
    return len(entries)


def build_layer(out: Path) -> int:
    architecture = os.environ.get("LAMBDA_ARCHITECTURE") or DEFAULT_ARCHITECTURE
    if architecture not in PLATFORMS:
        raise BuildError(f"LAMBDA_ARCHITECTURE={architecture!r}: use one of {', '.join(PLATFORMS)}")
    shared_entries = collect(SHARED / "switchyard", "python/switchyard/")
    check_syntax(shared_entries.values())
    with tempfile.TemporaryDirectory(prefix="switchyard-layer-") as target:
        command = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--require-hashes",
            "--no-compile",
            "--only-binary=:all:",
            "--implementation",
            "cp",
            "--python-version",
            RUNTIME_PYTHON,
            "--platform",
            PLATFORMS[architecture],
            "--target",
            target,
            "--requirement",
            str(SHARED / "requirements.txt"),
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise BuildError(f"pip could not install the layer's requirements:\n{result.stderr.strip()}")
        installed = collect(Path(target), "python/")
        archived = set(installed)
        entries: dict[str, Path | bytes] = {
            name: (
                record_of_archived(path.read_bytes(), "python/", archived)
                if name.endswith(".dist-info/RECORD")
                else path
            )
            for name, path in installed.items()
        }
        entries.update(shared_entries)
        write_zip(out, entries)
    return len(entries)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.package_lambdas",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="kind", required=True)
    function = sub.add_parser("function")
    function.add_argument("name")
    function.add_argument("out", type=Path)
    layer = sub.add_parser("layer")
    layer.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    try:
        count = build_function(args.name, args.out) if args.kind == "function" else build_layer(args.out)
    except BuildError as error:
        print(f"package-lambdas: {error}", file=sys.stderr)
        return 1
    print(f"package-lambdas: {args.out} ({count} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
