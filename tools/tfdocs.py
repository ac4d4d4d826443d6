"""README tables from a module's code: requirements, module calls, resources, inputs, outputs.

    python -m tools.tfdocs            # rewrite the tables in every modules/*/README.md (and modules/*/modules/*/)
    python -m tools.tfdocs --check    # exit 1 naming each README whose tables are stale (make policy)
    python -m tools.tfdocs modules/platform   # only these modules

The tables go between `<!-- BEGIN_TF_DOCS -->` and `<!-- END_TF_DOCS -->` (appended at the end
of a README that has no markers yet); everything else in the README is hand-written and kept.
The layout follows terraform-docs' markdown table format. terraform-docs itself cannot be
installed here: it is a Go binary, packaged neither on PyPI nor npm nor Debian (checked), and
GitHub releases are out of reach. PyPI's `tfdocs` (vajeen/tfdocs) is another tool: it reads one
variables.tf (no outputs, resources or module calls) and brings gitpython, python-hcl2 and rich.
So this is a small HCL scanner instead of a full parser, with no dependency: it
finds top-level blocks and their attributes, stepping over strings (with `${...}` templates),
heredocs, comments and brackets, and keeps each `type` and `default` as written. It reads what
`terraform fmt`-formatted modules contain; a construct it cannot follow fails loudly
(`TfDocsError` with file and offset) rather than producing a wrong table.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
HEREDOC = re.compile(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)\n")
CLOSING = {"{": "}", "[": "]", "(": ")"}


class TfDocsError(ValueError):
    """The scanner met something it cannot follow; the message names the file and offset."""


# --- scanning ------------------------------------------------------------------------------


@dataclass
class Block:
    kind: str
    labels: list[str]
    attributes: dict[str, str] = field(default_factory=dict)  # name -> expression text as written
    blocks: list[Block] = field(default_factory=list)


class Scanner:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.i = 0

    def fail(self, what: str) -> TfDocsError:
        line = self.text.count("\n", 0, self.i) + 1
        return TfDocsError(f"{self.source}:{line}: {what}")

    def skip_space(self, newlines: bool = True) -> None:
        """Skip blanks and comments (and newlines unless told otherwise)."""
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c in " \t\r" or (newlines and c == "\n"):
                self.i += 1
            elif c == "#" or text.startswith("//", self.i):
                end = text.find("\n", self.i)
                self.i = len(text) if end < 0 else end
            elif text.startswith("/*", self.i):
                end = text.find("*/", self.i + 2)
                if end < 0:
                    raise self.fail("unterminated /* comment")
                self.i = end + 2
            else:
                return

    def skip_string(self) -> None:
        """self.i at the opening quote; leaves it after the closing one (templates nest)."""
        text = self.text
        self.i += 1
        while self.i < len(text):
            c = text[self.i]
            if c == "\\":
                self.i += 2
            elif c == '"':
                self.i += 1
                return
            elif c in "$%" and text.startswith("{", self.i + 1) and not text.startswith(c * 2, self.i - 1):
                self.i += 1
                self.skip_bracketed()
            elif c == "\n":
                raise self.fail("newline inside a quoted string")
            else:
                self.i += 1
        raise self.fail("unterminated string")

    def skip_heredoc(self) -> None:
        found = HEREDOC.match(self.text, self.i)
        if not found:
            raise self.fail("malformed heredoc")
        marker = re.compile(rf"^[ \t]*{found[2]}[ \t]*$", re.MULTILINE)
        end = marker.search(self.text, found.end())
        if not end:
            raise self.fail(f"heredoc {found[2]} never closed")
        self.i = end.end()

    def skip_bracketed(self) -> None:
        """self.i at an opening bracket; leaves it after the matching close."""
        closers = [CLOSING[self.text[self.i]]]
        self.i += 1
        while closers:
            self.skip_space()
            if self.i >= len(self.text):
                raise self.fail(f"missing {closers[-1]}")
            c = self.text[self.i]
            if c == '"':
                self.skip_string()
            elif self.text.startswith("<<", self.i) and HEREDOC.match(self.text, self.i):
                self.skip_heredoc()
            elif c in CLOSING:
                closers.append(CLOSING[c])
                self.i += 1
            elif c in "}])":
                if c != closers[-1]:
                    raise self.fail(f"expected {closers[-1]}, found {c}")
                closers.pop()
                self.i += 1
            else:
                self.i += 1

    def expression(self) -> str:
        """From after `=` to the end of the expression (a newline outside brackets)."""
        self.skip_space(newlines=False)
        start = self.i
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "\n":
                break
            if c == '"':
                self.skip_string()
            elif text.startswith("<<", self.i) and HEREDOC.match(text, self.i):
                self.skip_heredoc()
            elif c in CLOSING:
                self.skip_bracketed()
            elif c == "#" or text.startswith("//", self.i):
                end = self.i  # a trailing comment ends the expression
                newline = text.find("\n", self.i)
                self.i = len(text) if newline < 0 else newline
                return text[start:end].rstrip()
            elif text.startswith("/*", self.i):
                self.skip_space(newlines=False)
            elif c == "}":
                break  # a one-line block: `x { a = 1 }`
            else:
                self.i += 1
        return text[start : self.i].rstrip()

    def body(self, closing: str | None) -> tuple[dict[str, str], list[Block]]:
        attributes: dict[str, str] = {}
        blocks: list[Block] = []
        while True:
            self.skip_space()
            if self.i >= len(self.text):
                if closing:
                    raise self.fail(f"missing {closing}")
                return attributes, blocks
            if closing and self.text[self.i] == closing:
                self.i += 1
                return attributes, blocks
            name = IDENT.match(self.text, self.i)
            if not name:
                raise self.fail(f"expected an attribute or block, found {self.text[self.i : self.i + 20]!r}")
            self.i = name.end()
            self.skip_space(newlines=False)
            if self.text.startswith("=", self.i) and not self.text.startswith("==", self.i):
                self.i += 1
                attributes[name[0]] = self.expression()
                continue
            labels = []
            while self.i < len(self.text) and self.text[self.i] == '"':
                start = self.i
                self.skip_string()
                labels.append(self.text[start + 1 : self.i - 1])
                self.skip_space(newlines=False)
            if not self.text.startswith("{", self.i):
                raise self.fail(f"expected {{ after {name[0]} {' '.join(labels)}")
            self.i += 1
            inner_attributes, inner_blocks = self.body("}")
            blocks.append(Block(name[0], labels, inner_attributes, inner_blocks))


def scan(text: str, source: str = "<text>") -> list[Block]:
    """The top-level blocks of one .tf file."""
    _, blocks = Scanner(text, source).body(None)
    return blocks


# --- the model -----------------------------------------------------------------------------


def literal_string(expression: str) -> str:
    """The text of a quoted string or heredoc literal; any other expression as written."""
    heredoc = HEREDOC.match(expression)
    if heredoc:
        lines = expression[heredoc.end() :].split("\n")[:-1]  # drop the closing marker line
        body = "\n".join(lines)
        return (textwrap.dedent(body) if heredoc[1] else body).strip()
    if len(expression) >= 2 and expression[0] == expression[-1] == '"':
        inner = expression[1:-1]
        return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), inner)
    return expression


def dedent_continuation(expression: str, indent: int) -> str:
    """An attribute's multi-line expression, with the attribute's own indentation removed."""
    first, *rest = expression.split("\n")
    return "\n".join([first, *(line[indent:] if line[:indent].strip() == "" else line for line in rest)])


@dataclass
class Variable:
    name: str
    description: str
    type: str
    default: str | None  # as written; None: required
    sensitive: bool


@dataclass
class Output:
    name: str
    description: str
    sensitive: bool


@dataclass
class Module:
    path: Path
    requirements: list[tuple[str, str]] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    resources: list[tuple[str, str]] = field(default_factory=list)  # (address, "resource" | "data source")
    variables: list[Variable] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)


def read_module(path: Path) -> Module:
    module = Module(path)
    for tf in sorted(path.glob("*.tf")):
        for block in scan(tf.read_text(), str(tf)):
            attrs = {k: dedent_continuation(v, 2) for k, v in block.attributes.items()}
            if block.kind == "terraform":
                if "required_version" in attrs:
                    module.requirements.append(("terraform", literal_string(attrs["required_version"])))
                for inner in block.blocks:
                    if inner.kind == "required_providers":
                        for provider, spec in inner.attributes.items():
                            version = re.search(r'version\s*=\s*"([^"]*)"', spec)
                            module.requirements.append((provider, version[1] if version else "n/a"))
                            module.providers.append(provider)
            elif block.kind == "variable":
                module.variables.append(
                    Variable(
                        name=block.labels[0],
                        description=literal_string(attrs.get("description", '""')),
                        type=attrs.get("type", "any"),
                        default=attrs.get("default"),
                        sensitive=attrs.get("sensitive") == "true",
                    )
                )
            elif block.kind == "output":
                module.outputs.append(
                    Output(
                        block.labels[0],
                        literal_string(attrs.get("description", '""')),
                        attrs.get("sensitive") == "true",
                    )
                )
            elif block.kind == "module":
                module.calls.append((block.labels[0], literal_string(attrs.get("source", '""'))))
            elif block.kind in ("resource", "data"):
                kind = "resource" if block.kind == "resource" else "data source"
                prefix = "" if block.kind == "resource" else "data."
                module.resources.append((f"{prefix}{block.labels[0]}.{block.labels[1]}", kind))
    module.variables.sort(key=lambda v: v.name)
    module.outputs.sort(key=lambda o: o.name)
    module.calls.sort()
    module.resources.sort(key=lambda r: (r[0].removeprefix("data."), r[1]))
    return module


# --- rendering -----------------------------------------------------------------------------


def text_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "n/a"


def code_cell(code: str) -> str:
    if "\n" not in code:
        return "`" + code.replace("|", "\\|") + "`"
    escaped = html.escape(code, quote=False).replace("|", "&#124;")
    return "<pre>" + "<br/>".join(escaped.split("\n")) + "</pre>"


def table(header: list[str], rows: list[list[str]], align: list[str] | None = None) -> list[str]:
    separators = [
        ":" + "-" * len(h) + ":" if (align and a == "c") else "-" * (len(h) + 2)
        for h, a in zip(header, align or header, strict=True)
    ]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(separators) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def render(module: Module) -> str:
    lines: list[str] = [BEGIN, "## Requirements", ""]
    lines += (
        table(
            ["Name", "Version"],
            [[f'<a name="requirement_{n}"></a> [{n}](#requirement_{n})', f"`{v}`"] for n, v in module.requirements],
        )
        if module.requirements
        else ["No requirements."]
    )
    lines += ["", "## Modules", ""]
    lines += (
        table(
            ["Name", "Source"], [[f'<a name="module_{n}"></a> [{n}](#module_{n})', f"`{s}`"] for n, s in module.calls]
        )
        if module.calls
        else ["No modules."]
    )
    lines += ["", "## Resources", ""]
    lines += (
        table(["Name", "Type"], [[f"`{a}`", k] for a, k in module.resources]) if module.resources else ["No resources."]
    )
    lines += ["", "## Inputs", ""]
    rows = [
        [
            f'<a name="input_{v.name}"></a> [{v.name}](#input_{v.name})',
            text_cell(v.description),
            code_cell(v.type),
            "n/a" if v.default is None else code_cell(v.default),
            "yes" if v.default is None else "no",
        ]
        for v in module.variables
    ]
    lines += (
        table(["Name", "Description", "Type", "Default", "Required"], rows, ["l", "l", "l", "l", "c"])
        if rows
        else ["No inputs."]
    )
    lines += ["", "## Outputs", ""]
    rows = [
        [
            f'<a name="output_{o.name}"></a> [{o.name}](#output_{o.name})',
            text_cell(o.description) + (" (sensitive)" if o.sensitive else ""),
        ]
        for o in module.outputs
    ]
    lines += table(["Name", "Description"], rows) if rows else ["No outputs."]
    lines += [END]
    return "\n".join(lines) + "\n"


def updated(readme: str, rendered: str) -> str:
    """The README with its generated section replaced (or appended when it has none)."""
    begin, end = readme.find(BEGIN), readme.find(END)
    if begin < 0 and end < 0:
        return readme.rstrip("\n") + "\n\n" + rendered
    if begin < 0 or end < begin:
        raise TfDocsError(f"{BEGIN} and {END} must both appear, in that order")
    tail = readme[end + len(END) :].removeprefix("\n")
    return readme[:begin] + rendered + tail


def modules() -> list[Path]:
    """Every modules/<module>/ and its internal modules/<module>/modules/<name>/."""
    found = [*(ROOT / "modules").glob("*/main.tf"), *(ROOT / "modules").glob("*/modules/*/main.tf")]
    return sorted(p.parent for p in found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.tfdocs", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a README is stale")
    parser.add_argument(
        "paths", nargs="*", type=Path, help="module folders (default: every modules/*/ and modules/*/modules/*/)"
    )
    args = parser.parse_args(argv)
    stale = []
    for path in [p.resolve() for p in args.paths] or modules():
        readme = path / "README.md"
        current = readme.read_text() if readme.is_file() else f"# {path.name}\n"
        try:
            wanted = updated(current, render(read_module(path)))
        except TfDocsError as error:
            print(f"tfdocs: {error}", file=sys.stderr)
            return 2
        if wanted == current:
            continue
        shown = readme.relative_to(ROOT) if readme.is_relative_to(ROOT) else readme
        if args.check:
            stale.append(str(shown))
        else:
            readme.write_text(wanted)
            print(f"tfdocs: updated {shown}")
    if stale:
        print("stale README tables (run `make docs`): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
