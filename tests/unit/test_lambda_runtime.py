"""The harness's Lambda runtime: remaining time and timeouts on the simulated clock.

Pages (AWS Lambda Developer Guide):
- CONTEXT: "Using the Lambda context object to retrieve Python function information",
  https://docs.aws.amazon.com/lambda/latest/dg/python-context.html
- TIMEOUT: "Configure Lambda function timeout",
  https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from emulation import emulator_patches
from emulation.harness.clock import SimulatedClock
from emulation.harness.lambda_runtime import FakeLambdaContext, InvocationTimedOut, call_with_timeout


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedClock]:
    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    yield SimulatedClock.in_process()


def context(clock: SimulatedClock, timeout_s: int = 30) -> FakeLambdaContext:
    return FakeLambdaContext(
        "fn", "arn:aws:lambda:eu-west-1:123456789012:function:fn", 128, timeout_ms=timeout_s * 1000, clock=clock.time
    )


def test_remaining_time_runs_down_on_the_simulated_clock(clock: SimulatedClock) -> None:
    """CONTEXT: get_remaining_time_in_millis returns the number of milliseconds left before the
    execution times out."""
    ctx = context(clock)
    assert 29_000 < ctx.get_remaining_time_in_millis() <= 30_000
    clock.advance(20)
    assert 9_000 < ctx.get_remaining_time_in_millis() <= 10_000
    clock.advance(15)
    assert ctx.get_remaining_time_in_millis() == 0


def test_a_function_that_runs_past_its_timeout_is_stopped(clock: SimulatedClock) -> None:
    """TIMEOUT: Lambda runs the function until the timeout, then stops it; the invocation fails
    with "Task timed out after N seconds", whatever the code catches."""
    progress: list[str] = []

    def handler(event: Any, ctx: FakeLambdaContext) -> str:
        progress.append("started")
        clock.advance(31)  # the work takes longer than the 30 s timeout
        while True:
            with contextlib.suppress(Exception):  # swallowing every Exception does not help
                progress.append("busy") if len(progress) < 2 else None

    with pytest.raises(InvocationTimedOut, match=r"Task timed out after 30\.00 seconds"):
        call_with_timeout(handler, {}, context(clock))
    assert progress == ["started", "busy"]


def test_a_function_that_finishes_in_time_returns_its_result(clock: SimulatedClock) -> None:
    def handler(event: Any, ctx: FakeLambdaContext) -> dict[str, Any]:
        clock.advance(10)
        return {"ok": event}

    assert call_with_timeout(handler, 1, context(clock)) == {"ok": 1}


def test_concurrent_environments_of_one_function_keep_their_own_logs_and_restore_the_process() -> None:
    """Lambda gives each concurrent invocation its own environment: here threads share the
    process, so stdout is routed per thread and os.environ is the function's while any runs."""
    import os
    import sys
    import threading
    from types import SimpleNamespace

    from emulation.harness.lambda_runtime import _PROCESS, LogSink

    environ = {"SWY_TEST_FUNCTION": "fn"}
    environments = [SimpleNamespace(environ=environ, logs=LogSink()) for _ in range(3)]
    stdout_before, both_in = sys.stdout, threading.Barrier(3)

    def run(index: int) -> None:
        with _PROCESS.entered(environments[index]):  # type: ignore[arg-type]
            both_in.wait(timeout=10)  # all three inside at once
            for n in range(50):
                print(f"env{index} line{n}")  # noqa: T201 - what the function writes
            assert os.environ["SWY_TEST_FUNCTION"] == "fn"

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for index, environment in enumerate(environments):
        assert environment.logs.lines == [f"env{index} line{n}" for n in range(50)]
    assert sys.stdout is stdout_before and "SWY_TEST_FUNCTION" not in os.environ


@pytest.fixture
def restored_imports() -> Iterator[None]:
    """import_afresh swaps sys.path and sys.modules entries: give them back to later tests."""
    import sys

    modules, path = dict(sys.modules), list(sys.path)
    yield
    sys.modules.clear()
    sys.modules.update(modules)
    sys.path[:] = path


@pytest.mark.usefixtures("restored_imports")
def test_each_environment_has_its_own_powertools_metrics(tmp_path: Any) -> None:
    """Lambda runs each environment in its own process. Powertools' Metrics keep their store in
    class attributes, so two environments sharing this process's Powertools would flush each
    other's metrics: one environment's batch counted in the other's log line, or twice."""
    from aws_lambda_powertools.metrics import MetricUnit

    from emulation.harness.lambda_runtime import PER_ENVIRONMENT, import_afresh

    (tmp_path / "probe").mkdir()
    (tmp_path / "probe" / "__init__.py").write_text("")
    (tmp_path / "probe" / "handler.py").write_text(
        "from aws_lambda_powertools import Metrics\nmetrics = Metrics(namespace='Probe', service='probe')\n"
    )
    first = import_afresh("probe.handler", [str(tmp_path)], ("probe", *PER_ENVIRONMENT))
    second = import_afresh("probe.handler", [str(tmp_path)], ("probe", *PER_ENVIRONMENT))
    first.metrics.add_metric(name="Counted", unit=MetricUnit.Count, value=1)  # in flight in one environment
    second.metrics.add_metric(name="Counted", unit=MetricUnit.Count, value=1)
    flushed = second.metrics.serialize_metric_set()  # the other environment ends its invocation
    assert flushed["Counted"] == [1.0]
    assert first.metrics.serialize_metric_set()["Counted"] == [1.0]
