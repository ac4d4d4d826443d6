"""`make policy`: every static gate CI trusts, run concurrently, with one summary table.

    python -m tools.policy                 # all gates; exit 1 when any gate fails
    python -m tools.policy --only checkov  # gates whose name contains "checkov"
    python -m tools.policy --list          # gate names
    python -m tools.policy --jobs 1 --cpu  # one gate at a time, each gate's CPU seconds in the table

Gates: terraform fmt; terraform validate of every environments/* root, of every module's
examples/*/ and of the synthesized infra stacks (`make synth`, when the Makefile has it);
README input/output tables up to date (tools/tfdocs.py); terraform test of every module; checkov
(built-in + policies/ CKV2_SWY_*) on modules/, on each environment root and on the plan JSON of
the sandbox (planned against a private emulator); ruff; mypy; checkov skip reasons; workflow
schema lint; zizmor (GitHub Actions security analysis, offline). Reports:
reports/policy/junit.xml, reports/policy/checkov.sarif (one run per checkov scan) and each
scan's JSON/SARIF under reports/policy/checkov/ (the JSON copies plan values: CI keeps it).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tools import checkov_skips, run_checkov
from tools.shared_provider import ProviderError, SharedProvider
from tools.tf_cli_config import plugin_cache_lock

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
REPORTS = ROOT / "reports" / "policy"
WORK = ROOT / "build" / "policy"
CLI_CONFIG = ROOT / ".terraform.d" / "cli.tfrc"
FMT_DIRS = ("modules", "environments", "tests/policies", "tests/environments", "infra")
PYTHON_DIRS = ("lambdas", "tools", "emulation", "tests", "bench", "policies")


@dataclass
class Outcome:
    status: str  # PASS, FAIL or SKIP
    output: str = ""


@dataclass
class Gate:
    name: str
    run: Callable[[], Outcome]
    weight: int = 1  # rough seconds: the heaviest start first
    seconds: float = 0.0
    cpu: float | None = None  # user+sys of this runner and its children during the gate (--cpu)
    outcome: Outcome | None = None


# Terraform and the AWS provider are Go programs that spend a third of their CPU on garbage
# collection while loading the provider schema; short runs can skip it under a memory cap.
GO_RUNTIME = {"GOGC": "off", "GOMEMLIMIT": "1GiB"}


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "TF_CLI_CONFIG_FILE": str(CLI_CONFIG), "TF_IN_AUTOMATION": "1", **GO_RUNTIME, **extra}


# The two longest serial chains run at normal priority: the sandbox plan (emulator, init, plan,
# show, checkov) and the one checkov process over the source folders. Every other gate is short
# and runs at lower priority, filling the CPU around them.
NICE = ("nice", "-n", "10")


def sh(*command: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> tuple[int, str]:
    process = subprocess.run(
        (*NICE, *command), cwd=cwd or ROOT, env=env or _env(), capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    return process.returncode, (process.stdout + process.stderr).strip()


def commands(*steps: tuple[str, ...], env: dict[str, str] | None = None) -> Outcome:
    """Run the steps in order; the first failure fails the gate with its output."""
    lines = []
    for step in steps:
        code, output = sh(*step, env=env)
        if code != 0:
            return Outcome("FAIL", f"$ {' '.join(step)}\n{output}")
        lines.append(output.splitlines()[-1] if output else "")
    return Outcome("PASS", "\n".join(line for line in lines if line))


# --- gates -----------------------------------------------------------------------------------


def fmt() -> Outcome:
    dirs = [d for d in FMT_DIRS if (ROOT / d).is_dir()]
    return commands(("terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", *dirs))


def environment_roots() -> list[Path]:
    return sorted(p for p in (ROOT / "environments").iterdir() if p.is_dir() and any(p.glob("*.tf")))


def data_dir(kind: str, root: Path) -> str:
    return str(WORK / kind / root.relative_to(ROOT).as_posix().replace("/", "_"))


def init_then(root: Path, env: dict[str, str], *steps: tuple[str, ...]) -> Outcome:
    """`terraform init -backend=false` in root, then the steps. An init that installs providers
    (no shared one) holds the plugin cache lock; with a shared provider it installs nothing."""
    init = ("terraform", f"-chdir={root}", "init", "-backend=false", "-input=false", "-no-color")
    with plugin_cache_lock() if "TF_REATTACH_PROVIDERS" not in env else contextlib.nullcontext():
        code, output = sh(*init, env=env)
    if code != 0:
        return Outcome("FAIL", f"$ {' '.join(init)}\n{output}")
    return commands(*steps, env=env)


def validate(root: Path, provider: SharedProvider, same: list[Path]) -> Callable[[], Outcome]:
    def gate() -> Outcome:
        env = _env(TF_DATA_DIR=data_dir("validate", root), **provider.env_for(root))
        outcome = init_then(root, env, ("terraform", f"-chdir={root}", "validate", "-no-color"))
        if same:
            names = ", ".join(str(r.relative_to(ROOT)) for r in same)
            outcome.output += f"\n{names}: the same configuration (.tf files, lock file, folder), validated once"
        return outcome

    return gate


BACKEND_BLOCK = re.compile(r'\bbackend\s+"[^"]*"\s*\{')


def without_backend_bodies(text: str) -> str:
    """The text with every `backend "x" { ... }` body emptied: validate after init -backend=false
    never reads it (dev, staging and prod differ only in their state key there)."""
    out, position = [], 0
    for match in BACKEND_BLOCK.finditer(text):
        if match.start() < position:
            continue
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        out.append(text[position : match.end()] + "}")
        position = end
    return "".join(out) + text[position:]


def configuration(root: Path) -> str:
    """What `terraform validate` reads in a root: its folder (relative module sources resolve
    from it), its .tf/.tf.json files but their backend bodies, and its lock file; not tfvars."""
    digest = hashlib.sha256(str(root.parent).encode())
    for path in sorted(root.iterdir()):
        if path.is_file() and (path.name.endswith((".tf", ".tf.json")) or path.name == ".terraform.lock.hcl"):
            text = path.read_text()
            text = without_backend_bodies(text) if path.name.endswith(".tf") else text
            digest.update(b"\0" + path.name.encode() + b"\0" + text.encode())
    return digest.hexdigest()


def validate_gates(roots: list[Path], provider: SharedProvider) -> list[Gate]:
    """One validate per distinct configuration: dev, staging and prod differ only in tfvars."""
    groups: dict[str, list[Path]] = {}
    for root in roots:
        groups.setdefault(configuration(root), []).append(root)
    found = []
    for first, *same in groups.values():
        name = f"validate {first.relative_to(ROOT)}" + (f" (= {', '.join(r.name for r in same)})" if same else "")
        found.append(Gate(name, validate(first, provider, same), weight=2))
    return found


def has_make_target(target: str) -> bool:
    return bool(re.search(rf"^{re.escape(target)}:", (ROOT / "Makefile").read_text(), re.MULTILINE))


def infra_stacks(provider: SharedProvider) -> Outcome:
    if not has_make_target("synth"):
        if (ROOT / "infra").is_dir():
            return Outcome("FAIL", "infra/ exists but the Makefile has no `synth` target to synthesize it")
        return Outcome("SKIP", "skipped: no infra app (no infra/, no `make synth`)")
    code, output = sh("make", "--no-print-directory", "synth")
    if code != 0:
        return Outcome("FAIL", f"$ make synth\n{output}")
    stacks = sorted(p for p in (ROOT / "build" / "infra" / "stacks").glob("*") if (p / "cdk.tf.json").is_file())
    if not stacks:
        return Outcome("FAIL", "make synth wrote no build/infra/stacks/<stack>/cdk.tf.json")
    # One root that calls every stack as a module: one validate instead of one per stack. Stacks
    # have no input variables; their backend blocks are ignored here as with -backend=false, and
    # their provider blocks are validated in place. The stacks are generated after the shared
    # provider was verified, so this root's own init checks their version constraints and the
    # binary against the same lock file; validate then reuses the shared process.
    wrapper = WORK / "infra-stacks"
    shutil.rmtree(wrapper, ignore_errors=True)
    init = provider.init_wrapper(wrapper, stacks)
    if init.returncode != 0:
        return Outcome("FAIL", f"$ terraform init (infra stacks)\n{init.stdout}{init.stderr}")
    reattach = {"TF_REATTACH_PROVIDERS": provider.start()} if provider.lock else {}
    outcome = commands(("terraform", f"-chdir={wrapper}", "validate", "-no-color"), env=_env(**reattach))
    if outcome.status != "PASS":
        return Outcome("FAIL", f"validating {len(stacks)} stacks from build/infra/stacks:\n{outcome.output}")
    return Outcome("PASS", f"{len(stacks)} stacks valid: " + ", ".join(s.name for s in stacks))


def examples() -> list[Path]:
    """Every modules/<module>/examples/<scenario>/ that holds Terraform (each a complete root)."""
    return sorted(p for p in (ROOT / "modules").glob("*/examples/*") if p.is_dir() and any(p.glob("*.tf")))


def validate_examples(provider: SharedProvider) -> Outcome:
    """One root that calls every example as a module, validated once (as the infra stacks are):
    each example resolves `source = "../../"` from its own folder, so this checks every module
    call, type and reference of every example. Their provider blocks are validated in place."""
    found = examples()
    if not found:
        return Outcome("FAIL", "no modules/*/examples/*/ with .tf files: each module needs examples/complete")
    wrapper = WORK / "examples"
    shutil.rmtree(wrapper, ignore_errors=True)
    init = provider.init_wrapper(wrapper, found)
    if init.returncode != 0:
        return Outcome("FAIL", f"$ terraform init (examples)\n{init.stdout}{init.stderr}")
    reattach = {"TF_REATTACH_PROVIDERS": provider.start()} if provider.lock else {}
    outcome = commands(("terraform", f"-chdir={wrapper}", "validate", "-no-color"), env=_env(**reattach))
    names = ", ".join(str(p.relative_to(ROOT / "modules")) for p in found)
    if outcome.status != "PASS":
        return Outcome("FAIL", f"validating {len(found)} examples ({names}):\n{outcome.output}")
    return Outcome("PASS", f"{len(found)} examples valid: {names}")


def readme_tables() -> Outcome:
    return commands((str(VENV_BIN / "python"), "-m", "tools.tfdocs", "--check"))


def module_test(module: Path, provider: SharedProvider, test_file: Path | None = None) -> Callable[[], Outcome]:
    """`terraform test` of a module, or of one of its test files (own data dir: gates run at once)."""

    def gate() -> Outcome:
        kind = "test" if test_file is None else f"test-{test_file.name.removesuffix('.tftest.hcl')}"
        env = _env(TF_DATA_DIR=data_dir(kind, module), **provider.env_for(module))
        only = () if test_file is None else (f"-filter=tests/{test_file.name}",)
        return init_then(module, env, ("terraform", f"-chdir={module}", "test", "-no-color", *only))

    return gate


# Modules whose test files run as one gate each: the platform's ~45 runs, one after another in
# one process, were the longest chain of `make policy` (257 s of its 326 s on an idle machine).
TESTS_PER_FILE = ("platform",)


def module_test_gates(provider: SharedProvider) -> list[Gate]:
    found = []
    for module in modules():
        name = f"terraform test {module.relative_to(ROOT)}"
        files = sorted((module / "tests").glob("*.tftest.hcl")) if module.name in TESTS_PER_FILE else []
        if not files:
            found.append(Gate(name, module_test(module, provider), weight=3))
        for test_file in files:
            runs = len(re.findall(r"^run\s", test_file.read_text(), re.MULTILINE))  # ~5 s each
            gate = module_test(module, provider, test_file)
            found.append(Gate(f"{name} {test_file.name}", gate, weight=max(2, runs // 2)))
    return found


def checkov_source(targets: list[Path]) -> Callable[[], Outcome]:
    """Each folder is its own scan (own variables, own report), all in one checkov process."""

    def gate() -> Outcome:
        scans = [run_checkov.Scan(target) for target in targets]
        results = run_checkov.run_many(scans, reports=REPORTS / "checkov")
        lines = [r.line() for r in results] + [f"FAIL {p}" for r in results for p in r.problems]
        return Outcome("PASS" if all(r.ok for r in results) else "FAIL", "\n".join(lines))

    return gate


def checkov_sandbox_plan(provider: SharedProvider) -> Outcome:
    """Plan environments/sandbox against a private emulator and scan the plan JSON."""
    from emulation import emulator
    from emulation.sandbox import SANDBOX_ROOT, Sandbox, TerraformError

    missing = [z for z in ("build/layers/shared.zip",) if not (ROOT / z).is_file()]
    if missing:
        return Outcome("FAIL", f"{', '.join(missing)} missing: run `make package-lambdas` (make policy does)")
    workdir = WORK / "sandbox-plan"
    shutil.rmtree(workdir, ignore_errors=True)
    state_file = workdir / "emulator.json"
    plan_file = workdir / "sandbox.tfplan"
    plan_json = workdir / "sandbox.plan.json"
    steps: list[str] = []
    clock = time.monotonic()

    def step(name: str) -> None:
        nonlocal clock
        steps.append(f"{name} {time.monotonic() - clock:.1f}s")
        clock = time.monotonic()

    with ThreadPoolExecutor(max_workers=1) as background:
        # The emulator boots (moto import, ~2 s) while terraform init runs.
        starting = background.submit(emulator.start, state_file)
        try:
            sandbox = Sandbox(workdir, "http://127.0.0.1:1")  # init needs no endpoint
            sandbox.env.update(GO_RUNTIME)
            sandbox.init()
            state = starting.result()
            sandbox.env["AWS_ENDPOINT_URL"] = str(state["url"])
            step("init+emulator")
            sandbox.terraform("plan", "-input=false", "-no-color", "-parallelism=30", f"-out={plan_file}")
            step("plan")
            # Rendering the saved plan configures no provider: the shared process serves it.
            sandbox.env.update(provider.env_for(SANDBOX_ROOT))
            plan_json.write_text(sandbox.terraform("show", "-json", "-no-color", str(plan_file)).stdout)
            step("show")
        except (TerraformError, SystemExit) as error:
            return Outcome("FAIL", str(error))
        finally:
            with contextlib.suppress(BaseException):
                starting.result()  # never stop before a start finished, or a server would be left behind
            emulator.stop(state_file)
    result = run_checkov.run(plan_json, plan=True, reports=REPORTS / "checkov")
    step("checkov")
    text = "\n".join([f"{result.line()} ({', '.join(steps)})", *(f"FAIL {p}" for p in result.problems)])
    return Outcome("PASS" if result.ok else "FAIL", text)


def ruff() -> Outcome:
    dirs = [d for d in PYTHON_DIRS if (ROOT / d).is_dir()]
    return commands(
        (str(VENV_BIN / "ruff"), "check", "--no-cache", *dirs),
        (str(VENV_BIN / "ruff"), "format", "--check", "--no-cache", *dirs),
    )


def mypy() -> Outcome:
    functions = sorted(str(p.parent.relative_to(ROOT)) for p in (ROOT / "lambdas").glob("*/handler.py"))
    return commands((str(VENV_BIN / "mypy"), *functions, "lambdas/shared/switchyard", "tools", "emulation"))


def skips() -> Outcome:
    found = checkov_skips.project_skips()
    unexplained = [s for s in found if not s.explained]
    lines = [f"{len(found)} skips, {len(unexplained)} without a reason"]
    lines += [f"FAIL {s.file}:{s.line} {s.resource} {s.check_id}: no reason" for s in unexplained]
    return Outcome("FAIL" if unexplained else "PASS", "\n".join(lines))


def workflows() -> Outcome:
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    if not files:
        return Outcome("FAIL", "no .github/workflows/*.yml to lint")
    return commands((str(VENV_BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *files))


# Offline: no online audits (known-vulnerable or impostor actions, ref confusion need the GitHub
# API), no network at all. The pedantic persona also reports what the default one suppresses
# (undocumented permissions, for one); a finding fails the gate with zizmor's own explanation.
ZIZMOR = ("--offline", "--persona=pedantic", "--no-progress", "--color=never", "--quiet")


def zizmor() -> Outcome:
    if not any((ROOT / ".github" / "workflows").glob("*.y*ml")):
        return Outcome("FAIL", "no .github/workflows/*.yml to audit")
    return commands((str(VENV_BIN / "zizmor"), *ZIZMOR, str(ROOT)))


def modules() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "modules").glob("*/main.tf"))


def shared_provider() -> SharedProvider:
    return SharedProvider(ROOT, WORK, modules(), environment_roots(), _env())


def gates(provider: SharedProvider) -> list[Gate]:
    roots = environment_roots()
    source_targets = [ROOT / "modules", *roots]
    found = [
        Gate("checkov plan environments/sandbox", lambda: checkov_sandbox_plan(provider), weight=40),
        Gate("checkov source modules, environments/*", checkov_source(source_targets), weight=20),
        *module_test_gates(provider),
        Gate("mypy", mypy, weight=10),
        Gate("validate infra stacks", lambda: infra_stacks(provider), weight=5),
        Gate("validate module examples", lambda: validate_examples(provider), weight=4),
        Gate("README tables (make docs)", readme_tables, weight=1),
        *validate_gates(roots, provider),
        Gate("ruff", ruff, weight=1),
        Gate("terraform fmt", fmt, weight=1),
        Gate("checkov skip reasons", skips, weight=1),
        Gate("workflow schema", workflows, weight=2),
        Gate("zizmor workflows (offline)", zizmor, weight=1),
    ]
    return sorted(found, key=lambda g: -g.weight)


# --- reporting -------------------------------------------------------------------------------


def cpu_seconds() -> float:
    """User+sys CPU seconds of this process and its finished children so far."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_gate(gate: Gate, measure_cpu: bool = False) -> Gate:
    started, cpu_before = time.monotonic(), cpu_seconds()
    try:
        gate.outcome = gate.run()
    except ProviderError as error:
        gate.outcome = Outcome("FAIL", str(error))
    except Exception as error:  # a crashing gate is a failed gate, reported like the others
        gate.outcome = Outcome("FAIL", f"{type(error).__name__}: {error}")
    gate.seconds = time.monotonic() - started
    if measure_cpu:  # exact only one gate at a time: children are counted when they exit
        gate.cpu = cpu_seconds() - cpu_before
    return gate


def write_junit(done: list[Gate], path: Path, wall: float) -> None:
    failures = sum(1 for g in done if g.outcome and g.outcome.status == "FAIL")
    skipped = sum(1 for g in done if g.outcome and g.outcome.status == "SKIP")
    suite = ET.Element(
        "testsuite", name="make policy", tests=str(len(done)), failures=str(failures), skipped=str(skipped),
        time=f"{wall:.1f}",
    )  # fmt: skip
    for gate in done:
        assert gate.outcome is not None
        case = ET.SubElement(suite, "testcase", classname="policy", name=gate.name, time=f"{gate.seconds:.1f}")
        if gate.outcome.status == "FAIL":
            failure = ET.SubElement(case, "failure", message=gate.outcome.output.splitlines()[0][:300] or "failed")
            failure.text = gate.outcome.output
        elif gate.outcome.status == "SKIP":
            ET.SubElement(case, "skipped", message=gate.outcome.output)
        else:
            ET.SubElement(case, "system-out").text = gate.outcome.output
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.policy", description=__doc__.split("\n")[0])
    parser.add_argument("--only", help="run only the gates whose name contains this text")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("POLICY_JOBS", "3")))
    parser.add_argument("--list", action="store_true")
    parser.add_argument(
        "--cpu", action="store_true", help="add each gate's CPU seconds to the table (needs --jobs 1 to be exact)"
    )
    args = parser.parse_args(argv)
    if args.cpu and args.jobs != 1:
        parser.error("--cpu measures one gate at a time: add --jobs 1")
    provider = shared_provider()
    selected = [g for g in gates(provider) if not args.only or args.only in g.name]
    if args.list:
        print("\n".join(g.name for g in selected))
        return 0
    if not selected:
        print(f"policy: no gate matches {args.only!r}", file=sys.stderr)
        return 2
    shutil.rmtree(REPORTS, ignore_errors=True)
    started = time.monotonic()
    print(f"policy: {len(selected)} gates, {args.jobs} at a time", flush=True)
    try:
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            done = list(pool.map(lambda gate: run_gate(gate, args.cpu), selected))
    finally:
        before_close = cpu_seconds()
        provider.close()
    provider_cpu = cpu_seconds() - before_close  # the shared provider process, counted when it exits
    wall = time.monotonic() - started
    cpu = cpu_seconds()

    for gate in done:
        assert gate.outcome is not None
        if gate.outcome.status == "FAIL":
            print(f"\n--- FAIL: {gate.name} ---\n{gate.outcome.output[-6000:]}")
    skip_list = checkov_skips.project_skips()
    print(f"\ncheckov skips ({len(skip_list)}; every one must carry a reason):")
    for skip in skip_list:
        print(f"  {skip.file}:{skip.line}  {skip.resource}  {skip.check_id}: {skip.reason or '(NO REASON)'}")

    width = max(len(g.name) for g in done)
    print(f"\n{'gate':<{width}}  result  seconds")
    for gate in done:
        assert gate.outcome is not None
        shows_note = gate.outcome.status == "SKIP" or (
            gate.outcome.status == "PASS" and gate.name.startswith("checkov")
        )
        notes = gate.outcome.output.splitlines() if shows_note and gate.outcome.output else [""]
        cpu_column = f"  cpu {gate.cpu:6.1f}" if gate.cpu is not None else ""
        print(f"{gate.name:<{width}}  {gate.outcome.status:<6}  {gate.seconds:7.1f}{cpu_column}  {notes[0]}".rstrip())
        for note in notes[1:] if gate.name.startswith("checkov") else []:
            print(f"{'':<{width + 17}}  {note}")
    if args.cpu:
        print(f"{'shared AWS provider process':<{width}}  {'':<6}  {'':>7}  cpu {provider_cpu:6.1f}")
    failed = [g for g in done if g.outcome and g.outcome.status == "FAIL"]
    print(f"{'total (wall / cpu)':<{width}}  {'FAIL' if failed else 'PASS':<6}  {wall:7.1f}  cpu {cpu:.1f} s")

    write_junit(done, REPORTS / "junit.xml", wall)
    sarifs = sorted((REPORTS / "checkov").glob("*/results_sarif.sarif"))
    run_checkov.merge_sarif(sarifs, REPORTS / "checkov.sarif")
    print(f"reports: {REPORTS.relative_to(ROOT)}/junit.xml, {REPORTS.relative_to(ROOT)}/checkov.sarif")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
