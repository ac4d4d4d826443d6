"""An in-process stand-in for one Lambda execution environment of a deployed function."""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import importlib
import io
import json
import os
import sys
import tempfile
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3

from emulation.harness.iam_enforcement import operator_session

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build"
_EXTRACTED = Path(tempfile.mkdtemp(prefix="switchyard-harness-"))

# The emulator cannot receive X-Ray segments; everything else runs as configured.
HARNESS_ENV = {"POWERTOOLS_TRACE_DISABLED": "true"}


@dataclass
class FakeLambdaContext:
    """The Lambda context object; its remaining time runs down on `clock` (time.time by default)."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "harness"
    timeout_ms: int = 30_000
    clock: Callable[[], float] = field(default=time.time, repr=False)
    started_at: float = field(init=False)

    def __post_init__(self) -> None:
        self.started_at = self.clock()

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.timeout_ms - (self.clock() - self.started_at) * 1000))


class InvocationTimedOut(Exception):
    """The function ran past its timeout and was stopped, as Lambda stops it."""


class _StopTheFunction(BaseException):
    """Raised inside the handler's thread at its deadline. BaseException, so that the batch
    processors' `except Exception` around each record cannot swallow it."""


class _Watchdog:
    """Stops the invoking thread once the context's remaining time reaches 0."""

    POLL_S = 0.02

    def __init__(self, context: FakeLambdaContext) -> None:
        self._context = context
        self._thread_id = threading.get_ident()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self.fired = False
        threading.Thread(target=self._watch, daemon=True, name="lambda-timeout").start()

    def _watch(self) -> None:
        while not self._done.wait(self.POLL_S):
            with self._lock:
                if self._done.is_set():
                    return
                if self._context.get_remaining_time_in_millis() <= 0:
                    self.fired = True
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(self._thread_id), ctypes.py_object(_StopTheFunction)
                    )
                    return

    def stop(self) -> bool:
        """Call when the handler returned or raised; True when the deadline had passed."""
        with self._lock:
            self._done.set()
            if self.fired:  # not yet delivered: cancel it (delivered: it is being handled)
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread_id), None)
        return self.fired or self._context.get_remaining_time_in_millis() <= 0


@contextlib.contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


class _ProcessState:
    """What each Lambda execution environment has to itself but threads of this process share.

    - os.environ: environments of one function share one environ (their pool assumes the role
      once), so several may run at once; another function waits until they are all done.
    - stdout and boto3's default session: per thread, through a stdout proxy and
      `boto3._get_default_session`, which boto3.client/resource look up at call time.
    """

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.environ: dict[str, str] | None = None
        self.users = 0
        self.local = threading.local()
        self._saved_environ: dict[str, str] = {}
        self._saved_stdout: Any = None
        self._patched_boto3 = False

    def _patch_boto3(self) -> None:
        """Once: boto3.client()/resource() in a function's thread use its environment's session."""
        if self._patched_boto3:
            return
        self._patched_boto3 = True
        original, local = boto3._get_default_session, self.local

        def _get_default_session() -> boto3.Session:
            holder = getattr(local, "environment", None)
            return holder.default_session() if holder is not None else original()

        boto3._get_default_session = _get_default_session

    def _stdout_proxy(self, fallback: Any) -> io.TextIOBase:
        local = self.local

        class _Stdout(io.TextIOBase):
            def write(self, text: str) -> int:
                return int((getattr(local, "stdout", None) or fallback).write(text))

            def flush(self) -> None:
                (getattr(local, "stdout", None) or fallback).flush()

        return _Stdout()

    @contextlib.contextmanager
    def entered(self, environment: ExecutionEnvironment) -> Iterator[None]:
        with self.changed:
            self._patch_boto3()
            while self.environ is not None and self.environ is not environment.environ:
                self.changed.wait()
            if self.environ is None:  # the first environment in: patch, the last one out restores
                self.environ, self._saved_environ = environment.environ, dict(os.environ)
                os.environ.update(environment.environ)
                self._saved_stdout = sys.stdout
                sys.stdout = self._stdout_proxy(self._saved_stdout)
            self.users += 1
        outer = (getattr(self.local, "stdout", None), getattr(self.local, "environment", None))
        self.local.stdout, self.local.environment = environment.logs, environment
        try:
            yield
        finally:
            self.local.stdout, self.local.environment = outer
            with self.changed:
                self.users -= 1
                if self.users == 0:
                    os.environ.clear()
                    os.environ.update(self._saved_environ)
                    sys.stdout = self._saved_stdout
                    self.environ = None
                    self.changed.notify_all()


_PROCESS = _ProcessState()
_IMPORTS = threading.Lock()  # sys.path and sys.modules are swapped while an environment imports

# Packages each execution environment imports anew, besides the function's own. Lambda runs
# every environment in its own process; here they share one, so module state must not leak:
# the shared layer, and Powertools, whose Metrics keep their store in class attributes shared
# by every instance (concurrent environments would flush each other's metrics, counting a
# batch twice) and whose cold-start flags are module globals.
PER_ENVIRONMENT = ("switchyard", "aws_lambda_powertools")


def import_afresh(module_name: str, code_paths: list[str], packages: tuple[str, ...]) -> ModuleType:
    """Import `module_name` from `code_paths` first, with `packages` loaded anew (a cold start)."""
    with _IMPORTS:
        sys.path[:] = code_paths + [p for p in sys.path if p not in code_paths]
        for name in [n for n in sys.modules if n.split(".")[0] in packages]:
            del sys.modules[name]
        return importlib.import_module(module_name)


class LogSink(io.TextIOBase):
    """What the function writes to stdout: CloudWatch Logs lines, including EMF metrics."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._partial = ""

    def write(self, text: str) -> int:
        self._partial += text
        *complete, self._partial = self._partial.split("\n")
        self.lines.extend(line for line in complete if line)
        return len(text)

    def metric_totals(self) -> dict[str, float]:
        """Sum of every EMF metric value the function emitted, by metric name."""
        totals: dict[str, float] = {}
        for line in self.lines:
            if '"_aws"' not in line:
                continue
            record = json.loads(line)
            for directive in record["_aws"]["CloudWatchMetrics"]:
                for metric in directive["Metrics"]:
                    value = record[metric["Name"]]
                    values = value if isinstance(value, list) else [value]
                    totals[metric["Name"]] = totals.get(metric["Name"], 0.0) + sum(values)
        return totals


class DeployedCodeMismatch(RuntimeError):
    pass


def code_sha256(path: Path) -> str:
    """Lambda's CodeSha256: base64 of the zip's SHA-256 (what filebase64sha256 computes)."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def _extract_verified(zip_path: Path, deployed_sha256: str, what: str) -> Path:
    """Unzip a local artifact, but only if it is byte-identical to what the emulator holds."""
    if not zip_path.is_file() or code_sha256(zip_path) != deployed_sha256:
        raise DeployedCodeMismatch(
            f"{what}: {zip_path.relative_to(ROOT)} is not the deployed code "
            "(run `make package-lambdas` and apply the sandbox again)"
        )
    target = _EXTRACTED / deployed_sha256.replace("/", "_")
    if not target.exists():
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(target)
    return target


class ExecutionEnvironment:
    """Loads a deployed function's handler under its configuration and its role's credentials.

    Each environment imports the function's package afresh (a cold start), so two accounts'
    copies of one function never share module state, as in Lambda. One environment runs one
    invocation at a time; a FunctionPool holds several for concurrent pollers.
    """

    def __init__(
        self,
        function_name: str,
        *,
        session: boto3.Session,
        endpoint_url: str,
        clock: Callable[[], float] = time.time,
        shared: tuple[dict[str, Any], dict[str, str]] | None = None,
    ) -> None:
        lambda_client = session.client("lambda", endpoint_url=endpoint_url)
        self.clock = clock
        if shared is None:
            shared = _configuration(function_name, session, endpoint_url)
        self.config, self.environ = shared
        config = self.config
        self.logs = LogSink()
        self._default_session: boto3.Session | None = None
        module_name, _, attribute = config["Handler"].rpartition(".")
        package = module_name.split(".")[0]
        # Run exactly the deployed bytes: /var/task from the function zip, /opt/python from layers.
        # Other third-party modules this interpreter already imported stay shared (same pinned
        # versions, no per-environment state; the layer's compiled wheels target 3.12).
        task_dir = _extract_verified(
            ARTIFACTS / "lambdas" / f"{package}.zip", config["CodeSha256"], config["FunctionName"]
        )
        code_paths = [str(task_dir)]
        code_paths += [
            str(self._layer_dir(lambda_client, layer["Arn"]) / "python") for layer in config.get("Layers", [])
        ]
        with self._running():
            module = import_afresh(module_name, code_paths, (package, *PER_ENVIRONMENT))
            self._handler = getattr(module, attribute)
            if (function_clock := sys.modules.get("switchyard.clock")) is not None:
                function_clock.source = clock  # type: ignore[attr-defined]  # the function's "now"
        self.invocations = 0
        self.timeouts = 0

    @staticmethod
    def _layer_dir(lambda_client: Any, layer_version_arn: str) -> Path:
        name_arn, _, version = layer_version_arn.rpartition(":")
        content = lambda_client.get_layer_version(LayerName=name_arn, VersionNumber=int(version))["Content"]
        return _extract_verified(ARTIFACTS / "layers" / "shared.zip", content["CodeSha256"], layer_version_arn)

    def _running(self) -> contextlib.AbstractContextManager[None]:
        return _PROCESS.entered(self)

    def default_session(self) -> boto3.Session:
        """The boto3 default session the function's code uses, created as the function would.

        For harness-level fault injection: handlers registered on its events (for example
        `before-call.dynamodb`) apply to every client the function creates afterwards.
        """
        if self._default_session is None:
            with self._running():
                self._default_session = boto3.Session()  # reads the function's environment
        return self._default_session

    def context(self) -> FakeLambdaContext:
        return FakeLambdaContext(
            function_name=self.config["FunctionName"],
            invoked_function_arn=self.config["FunctionArn"],
            memory_limit_in_mb=self.config["MemorySize"],
            timeout_ms=self.config["Timeout"] * 1000,
            clock=self.clock,
        )

    def invoke(self, event: dict[str, Any]) -> Any:
        """Run the handler; a run past the function's timeout is stopped and raises InvocationTimedOut."""
        context = self.context()
        self.invocations += 1
        with self._running():
            try:
                return call_with_timeout(self._handler, event, context)
            except InvocationTimedOut:
                self.timeouts += 1
                raise


def call_with_timeout(handler: Callable[[Any, Any], Any], event: Any, context: FakeLambdaContext) -> Any:
    """handler(event, context), stopped when the context's remaining time reaches 0 (Lambda's
    timeout): the invocation then fails with InvocationTimedOut, whatever the handler catches."""
    try:
        watchdog = _Watchdog(context)
        try:
            result = handler(event, context)
        except _StopTheFunction:
            result = None
        finally:
            timed_out = watchdog.stop()
    except _StopTheFunction:  # delivered just as the handler finished
        timed_out = True
    if timed_out:
        raise InvocationTimedOut(f"Task timed out after {context.timeout_ms / 1000:.2f} seconds")
    return result


def _configuration(
    function_name: str, session: boto3.Session, endpoint_url: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The deployed configuration and the environment Lambda would give the function."""
    config = session.client("lambda", endpoint_url=endpoint_url).get_function_configuration(FunctionName=function_name)
    region = config["FunctionArn"].split(":")[3]
    # Lambda (the service its trust policy names) takes the role: played with the operator's
    # credentials, since no caller the emulator issued could pass that trust policy.
    credentials = (
        operator_session(region)
        .client("sts", endpoint_url=endpoint_url)
        .assume_role(RoleArn=config["Role"], RoleSessionName=config["FunctionName"])["Credentials"]
    )
    environ = {
        **config.get("Environment", {}).get("Variables", {}),
        **HARNESS_ENV,
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
        "AWS_LAMBDA_FUNCTION_NAME": config["FunctionName"],
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config["MemorySize"]),
    }
    return config, environ


class _PooledLogs:
    def __init__(self, pool: FunctionPool) -> None:
        self._pool = pool

    def metric_totals(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for environment in self._pool.environments:
            for name, value in environment.logs.metric_totals().items():
                totals[name] = totals.get(name, 0.0) + value
        return totals


class FunctionPool:
    """Up to `size` execution environments of one function, created as concurrency needs them.

    Lambda gives each concurrent invocation its own environment; `invoke` takes an idle one
    (or starts a new one while fewer than `size` exist) and returns it when done.
    """

    def __init__(
        self, function_name: str, *, session: boto3.Session, endpoint_url: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._make = lambda shared: ExecutionEnvironment(
            function_name, session=session, endpoint_url=endpoint_url, clock=clock, shared=shared
        )
        self._endpoint_url = endpoint_url
        self.environments: list[ExecutionEnvironment] = [self._make(None)]
        self._shared = (self.environments[0].config, self.environments[0].environ)
        self.config = self._shared[0]
        self.size = 1
        self.logs = _PooledLogs(self)
        self._idle = list(self.environments)
        self._changed = threading.Condition()
        self._on_new: list[Callable[[ExecutionEnvironment], None]] = []

    def role_client(self, service: str) -> Any:
        """A client with the function's role credentials: what Lambda's pollers use for the
        event source (sqs:ReceiveMessage/DeleteMessage are granted to the execution role)."""
        environ = self._shared[1]
        session = boto3.Session(
            aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=environ["AWS_SESSION_TOKEN"],
            region_name=environ["AWS_REGION"],
        )
        return session.client(service, endpoint_url=self._endpoint_url)  # type: ignore[call-overload]

    @property
    def invocations(self) -> int:
        return sum(e.invocations for e in self.environments)

    @property
    def timeouts(self) -> int:
        return sum(e.timeouts for e in self.environments)

    def each_environment(self, setup: Callable[[ExecutionEnvironment], None]) -> None:
        """Run `setup` on every environment, now and as new ones start (fault injection)."""
        with self._changed:
            self._on_new.append(setup)
            for environment in self.environments:
                setup(environment)

    def _take(self) -> ExecutionEnvironment:
        with self._changed:
            while not self._idle:
                if len(self.environments) < self.size:
                    environment = self._make(self._shared)
                    for setup in self._on_new:
                        setup(environment)
                    self.environments.append(environment)
                    return environment
                self._changed.wait()
            return self._idle.pop()

    def invoke(self, event: dict[str, Any]) -> Any:
        environment = self._take()
        try:
            return environment.invoke(event)
        finally:
            with self._changed:
                self._idle.append(environment)
                self._changed.notify()
