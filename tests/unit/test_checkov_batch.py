"""tools/checkov_batch.speed_ups() changes what checkov costs, not what it computes.

Run in checkov's own virtualenv: each Terraform expression checkov's renderer evaluates gives
the same value (or the same failure) through the reused interpreter as through a fresh one per
expression, and a memoised jsonpath equals a freshly parsed one and finds the same values.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKOV_PYTHON = ROOT / ".venv-checkov" / "bin" / "python"

PROBE = r"""
import json, sys
sys.path.insert(0, "tools")
from checkov.terraform.graph_builder.variable_rendering import safe_eval_functions as sef
import bc_jsonpath_ng.ext as ext
from tools_probe_expressions import EXPRESSIONS, PATHS

def run_all():
    out = []
    for text in EXPRESSIONS:
        try:
            out.append(["ok", repr(sef.evaluate(text))])
        except Exception as error:
            out.append(["error", type(error).__name__])
    data = {"a": {"b": [1, 2, {"c": 3}]}, "x": [{"y": 1}, {"y": 2}]}
    for path in PATHS:
        parsed = ext.parse(path)
        out.append(["path", str(parsed), repr([m.value for m in parsed.find(data)])])
    return out

before = run_all()
import checkov_batch
checkov_batch.speed_ups()
checkov_batch.speed_ups()  # idempotent
first = sef.get_asteval()
after = run_all()
again = run_all()  # every expression a second time through the same interpreter
print(json.dumps({"before": before, "after": after, "again": again,
                  "reused": first is sef.get_asteval(), "memoised": ext.parse(PATHS[0]) is ext.parse(PATHS[0])}))
"""

EXPRESSIONS = [
    "1 + 2",
    "'a' + 'b'",
    "[1, 2, 3][1]",
    "{'k': 'v'}['k']",
    "max(3, 7)",
    "min([4, 2, 9])",
    "lower('ABC')",
    "upper('abc')",
    "length([1, 2, 3])",
    "concat([1], [2, 3])",
    "contains(['a', 'b'], 'b')",
    "merge({'a': 1}, {'b': 2})",
    "1 / 0",  # fails: the error must be reported every time, not leak into the next one
    "undefined_name + 1",
    "(",
    "True and False",
    "tobool('true')",
    "tostring(5)",
    "'x' if True else 'y'",
    "continue",
    "",
    "x = 5",  # an assignment: the symbol table is checkov's shared one with or without reuse
    "x",
]
PATHS = ["a.b[2].c", "x[*].y", "a.b[0]", "$..y"]


def test_speed_ups_keep_every_result(tmp_path: Path) -> None:
    if not CHECKOV_PYTHON.exists():
        pytest.fail(f"{CHECKOV_PYTHON} is missing: run `make setup`")
    (tmp_path / "tools_probe_expressions.py").write_text(f"EXPRESSIONS = {EXPRESSIONS!r}\nPATHS = {PATHS!r}\n")
    process = subprocess.run(
        [str(CHECKOV_PYTHON), "-c", PROBE],
        cwd=ROOT,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT / 'tools'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    found = json.loads(process.stdout.strip().splitlines()[-1])
    assert found["reused"], "speed_ups() should make get_asteval() return one interpreter per thread"
    assert found["memoised"], "speed_ups() should memoise jsonpath parses"
    # x = 5 then x: with a fresh interpreter per expression x is already shared (checkov's one
    # symbol table), so before and after agree on it as on everything else.
    assert found["after"] == found["before"]
    assert found["again"] == found["before"]
    assert any(kind == "error" for kind, *_ in found["before"]), "the probe should include failing expressions"
