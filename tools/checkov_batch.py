"""Run several checkov scans in one interpreter (run by .venv-checkov's Python, not imported).

    .venv-checkov/bin/python tools/checkov_batch.py '[["--directory", "modules", ...], ...]'

Each element is one scan's checkov arguments. Importing checkov and loading its checks costs
about 2.5 s of CPU; a process per scan paid it once per folder. checkov's own repeated
`--directory` reuses the first folder's parse for the next ones (its runners keep their
definitions), so every scan here gets fresh runners for its framework, and `sys.argv` is set
to the scan's own arguments because the CKV2_SWY checks read their scan root from it
(policies/swy_graph.py). Reports go where each scan's `--output-file-path` says; the exit code
is 0 when every scan ran (findings are read from the reports), 2 when one crashed.

Two of checkov's own hot spots are removed here (speed_ups(); results unchanged, as
tests/unit/test_checkov_batch.py checks): it builds a new asteval interpreter for each of the
~27,000 expressions a root's graph renders, and regenerates the jsonpath grammar's LALR tables
(ply) for every attribute path it parses; together about a quarter of a scan's CPU.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback
from typing import Any


def framework(args: list[str]) -> str:
    index = args.index("--framework")
    return args[index + 1]


def speed_ups() -> None:
    """Patch two costs out of checkov without changing what it computes (idempotent).

    - `safe_eval_functions.get_asteval()` returns a new `asteval.Interpreter` per expression;
      every one shares checkov's one symbol table anyway, so only the per-instance set-up
      (node handler tables, a scan of the symbol table) differs. One interpreter per thread,
      its per-expression state reset before each evaluation, gives the same results.
    - `JsonPathParser.parse` runs `ply.yacc.yacc()`, building the grammar's parse tables, on
      every call. The parsed path is a pure function of the text (checkov itself caches it
      per attribute key), so it is memoised per parser class and text.
    """
    import asteval
    import bc_jsonpath_ng.parser
    from checkov.terraform.graph_builder.variable_rendering import safe_eval_functions

    if getattr(safe_eval_functions, "_swy_patched", False):
        return

    class ReusedInterpreter(asteval.Interpreter):
        def eval(self, expr: Any, *args: Any, **kwargs: Any) -> Any:
            self._interrupt = None
            self.retval = None
            self._calldepth = 0
            self.code_text: list[str] = []
            self.expr = None
            return super().eval(expr, *args, **kwargs)

    local = threading.local()

    def get_asteval() -> Any:  # the arguments of checkov's own get_asteval()
        interpreter = getattr(local, "interpreter", None)
        if interpreter is None:
            interpreter = ReusedInterpreter(symtable=safe_eval_functions.SAFE_EVAL_DICT, use_numpy=False, minimal=True)
            local.interpreter = interpreter
        return interpreter

    safe_eval_functions.get_asteval = get_asteval

    parse = bc_jsonpath_ng.parser.JsonPathParser.parse
    paths: dict[tuple[Any, ...], Any] = {}

    def cached_parse(self: Any, string: str, lexer: Any = None) -> Any:
        if lexer is not None:  # a caller's own (stateful) lexer: not memoised
            return parse(self, string, lexer)
        key = (type(self), self.lexer_class, bool(self.debug), string)
        if key not in paths:
            paths[key] = parse(self, string)
        return paths[key]

    bc_jsonpath_ng.parser.JsonPathParser.parse = cached_parse
    safe_eval_functions._swy_patched = True


def scan(args: list[str]) -> None:
    # Imported here, so that the arguments are checked (and --help answers) before checkov loads.
    from checkov.main import Checkov
    from checkov.terraform.plan_runner import Runner as PlanRunner
    from checkov.terraform.runner import Runner as TerraformRunner

    speed_ups()
    runners: dict[str, Any] = {"terraform": TerraformRunner, "terraform_plan": PlanRunner}
    sys.argv = ["checkov", *args]
    checkov = Checkov(argv=args)
    checkov.runners = [runners[framework(args)]()]
    try:
        checkov.run()
    except SystemExit as stop:  # checkov exits on some errors; the missing report says which
        if stop.code not in (None, 0, 1):
            raise


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="tools/checkov_batch.py", description=__doc__.split("\n")[0])
    parser.add_argument("scans", type=json.loads, help="a JSON list of checkov argument lists")
    scans: list[list[str]] = parser.parse_args(argv).scans
    crashed = 0
    for args in scans:
        try:
            scan(args)
        except BaseException:  # one broken scan must not hide the others' reports
            crashed += 1
            print(f"checkov {' '.join(args)} crashed:\n{traceback.format_exc()}", file=sys.stderr)
    return 2 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
