"""switchyard.observability: Lambda active tracing by default, the X-Ray SDK only when asked for.

Each case imports the module in a fresh interpreter configured as Lambda configures one
(LAMBDA_TASK_ROOT set), because the tracer is chosen at import, once per execution environment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, sys
from switchyard import observability

@observability.tracer.capture_method
def add(a, b):
    return a + b

@observability.tracer.capture_lambda_handler(capture_response=False)
def handler(event, context):
    return {"sum": add(*event)}

observability.tracer.put_annotation("k", "v")
observability.tracer.put_metadata("k", {"v": 1})
tracer = observability.tracer
print(json.dumps({
    "tracer": type(tracer).__name__,
    "xray_sdk_imported": any(name.startswith("aws_xray_sdk") for name in sys.modules),
    "patched": sorted(getattr(tracer, "_config", {}).get("patch_modules") or []),
    "add_is_plain": add.__name__ == "add" and not hasattr(add, "__wrapped__"),
    "add": add(2, 3),
}))
"""


def probe(tmp_path: Path, **env: str) -> dict[str, Any]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "lambdas" / "shared")]),
        "LAMBDA_TASK_ROOT": str(tmp_path),
        "AWS_REGION": "eu-west-1",
        "POWERTOOLS_SERVICE_NAME": "test",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
        **env,
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=False, timeout=120
    )
    assert out.returncode == 0, out.stderr
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_default_is_active_tracing_without_the_sdk(tmp_path: Path) -> None:
    # GIVEN no SWITCHYARD_TRACING WHEN the layer is imported THEN the X-Ray SDK is never loaded
    # and the decorators return the functions themselves (nothing runs per call).
    result = probe(tmp_path)
    assert result == {
        "tracer": "ActiveTracing",
        "xray_sdk_imported": False,
        "patched": [],
        "add_is_plain": True,
        "add": 5,
    }


def test_xray_sdk_mode_uses_powertools_tracer_patching_botocore_only(tmp_path: Path) -> None:
    result = probe(tmp_path, SWITCHYARD_TRACING="xray-sdk")
    assert result["tracer"] == "Tracer"
    assert result["xray_sdk_imported"] is True
    assert result["patched"] == ["botocore"]
    assert result["add_is_plain"] is False  # wrapped in a subsegment
    assert result["add"] == 5


@pytest.mark.parametrize("value", ["xray", "XRAY-SDK", "off"])
def test_an_unknown_mode_is_refused_naming_the_choices(tmp_path: Path, value: str) -> None:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "lambdas" / "shared"),
        "SWITCHYARD_TRACING": value,
    }
    out = subprocess.run(
        [sys.executable, "-c", "import switchyard.observability"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode != 0
    assert "SWITCHYARD_TRACING must be one of active, xray-sdk" in out.stderr
