"""An in-process stand-in for one Lambda execution environment of a deployed function."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import io
import json
import os
import sys
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build"
_EXTRACTED = Path(tempfile.mkdtemp(prefix="switchyard-harness-"))

# The emulator cannot receive X-Ray segments; everything else runs as configured.
HARNESS_ENV = {"POWERTOOLS_TRACE_DISABLED": "true"}


@dataclass
class FakeLambdaContext:
    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "harness"
    timeout_ms: int = 30_000

    def get_remaining_time_in_millis(self) -> int:
        return self.timeout_ms


@contextlib.contextmanager
def patched_environ(values: dict[str, str]) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


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
    copies of one function never share module state, as in Lambda.
    """

    def __init__(self, function_name: str, *, session: boto3.Session, endpoint_url: str) -> None:
        lambda_client = session.client("lambda", endpoint_url=endpoint_url)
        config = lambda_client.get_function_configuration(FunctionName=function_name)
        self.config = config
        region = config["FunctionArn"].split(":")[3]
        credentials = session.client("sts", endpoint_url=endpoint_url).assume_role(
            RoleArn=config["Role"], RoleSessionName=config["FunctionName"]
        )["Credentials"]
        self.environ = {
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
        self.logs = LogSink()
        self._default_session: boto3.Session | None = None
        module_name, _, attribute = config["Handler"].rpartition(".")
        package = module_name.split(".")[0]
        # Run exactly the deployed bytes: /var/task from the function zip, /opt/python from layers.
        # Third-party modules this interpreter already imported stay shared (same pinned versions;
        # the layer's compiled wheels target 3.12, so pure-Python fallbacks load there).
        task_dir = _extract_verified(
            ARTIFACTS / "lambdas" / f"{package}.zip", config["CodeSha256"], config["FunctionName"]
        )
        code_paths = [str(task_dir)]
        code_paths += [
            str(self._layer_dir(lambda_client, layer["Arn"]) / "python") for layer in config.get("Layers", [])
        ]
        sys.path[:] = code_paths + [p for p in sys.path if p not in code_paths]
        # The function's package and the shared layer are what each environment loads anew.
        packages = (package, "switchyard")
        with self._running():
            for name in [n for n in sys.modules if n.split(".")[0] in packages]:
                del sys.modules[name]
            self._handler = getattr(importlib.import_module(module_name), attribute)
        self.invocations = 0

    @staticmethod
    def _layer_dir(lambda_client: Any, layer_version_arn: str) -> Path:
        name_arn, _, version = layer_version_arn.rpartition(":")
        content = lambda_client.get_layer_version(LayerName=name_arn, VersionNumber=int(version))["Content"]
        return _extract_verified(ARTIFACTS / "layers" / "shared.zip", content["CodeSha256"], layer_version_arn)

    @contextlib.contextmanager
    def _running(self) -> Iterator[None]:
        # boto3's default session is process-wide and caches credentials; each execution
        # environment keeps its own, as separate Lambda processes would.
        outer_session, boto3.DEFAULT_SESSION = boto3.DEFAULT_SESSION, self._default_session
        try:
            with patched_environ(self.environ), contextlib.redirect_stdout(self.logs):
                yield
        finally:
            self._default_session, boto3.DEFAULT_SESSION = boto3.DEFAULT_SESSION, outer_session

    def default_session(self) -> boto3.Session:
        """The boto3 default session the function's code uses, created as the function would.

        For harness-level fault injection: handlers registered on its events (for example
        `before-call.dynamodb`) apply to every client the function creates afterwards.
        """
        if self._default_session is None:
            with self._running():
                boto3.setup_default_session()
        assert self._default_session is not None
        return self._default_session

    def invoke(self, event: dict[str, Any]) -> Any:
        context = FakeLambdaContext(
            function_name=self.config["FunctionName"],
            invoked_function_arn=self.config["FunctionArn"],
            memory_limit_in_mb=self.config["MemorySize"],
            timeout_ms=self.config["Timeout"] * 1000,
        )
        self.invocations += 1
        with self._running():
            return self._handler(event, context)
