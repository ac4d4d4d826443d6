"""Every `checkov:skip` in the project's Terraform, with the block it sits in and its reason.

    python -m tools.checkov_skips           # prints file:line, resource, check id, reason
                                            # exit 1 when a skip has no (or a too thin) reason

A reason must have at least MIN_REASON_WORDS words: "ok" or a bare id explains nothing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = re.compile(r"checkov:skip=(?P<id>[A-Z0-9_]+)(?::(?P<reason>.*))?")
BLOCK = re.compile(r'^\s*(?P<kind>resource|data|module)\s+"(?P<type>[^"]+)"(?:\s+"(?P<name>[^"]+)")?')
MIN_REASON_WORDS = 4
EXCLUDED_PARTS = {".terraform", ".sandbox", "build", ".venv", ".venv-checkov", "node_modules"}


@dataclass(frozen=True)
class Skip:
    file: str
    line: int
    resource: str
    check_id: str
    reason: str

    @property
    def explained(self) -> bool:
        return len(self.reason.split()) >= MIN_REASON_WORDS


def skips_in(text: str, file: str = "<text>") -> list[Skip]:
    found = []
    block = "(outside any block)"
    for number, line in enumerate(text.splitlines(), start=1):
        if header := BLOCK.match(line):
            kind, rtype, name = header["kind"], header["type"], header["name"]
            block = f"{'data.' if kind == 'data' else 'module.' if kind == 'module' else ''}{rtype}"
            block += f".{name}" if name else ""
        for match in SKIP.finditer(line):
            found.append(Skip(file, number, block, match["id"], (match["reason"] or "").strip()))
    return found


def terraform_files(root: Path = ROOT) -> list[Path]:
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in EXCLUDED_PARTS and not d.startswith(".git")]
        found += [Path(folder) / f for f in files if f.endswith(".tf")]
    return sorted(found)


def project_skips(root: Path = ROOT) -> list[Skip]:
    return [s for path in terraform_files(root) for s in skips_in(path.read_text(), str(path.relative_to(root)))]


def main(argv: list[str] | None = None) -> int:
    import argparse

    argparse.ArgumentParser(prog="python -m tools.checkov_skips", description=__doc__.split("\n")[0]).parse_args(argv)
    skips = project_skips()
    unexplained = [s for s in skips if not s.explained]
    print(f"checkov skips: {len(skips)} in the project's Terraform, {len(unexplained)} without a reason")
    for skip in skips:
        mark = "ok  " if skip.explained else "FAIL"
        print(f"  {mark} {skip.file}:{skip.line}  {skip.resource}  {skip.check_id}: {skip.reason or '(no reason)'}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    raise SystemExit(main())
