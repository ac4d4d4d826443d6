"""The harness's Lambda runtime: remaining time and timeouts on the simulated clock.

Pages (AWS Lambda Developer Guide):
- CONTEXT: "Using the Lambda context object to retrieve Python function information",
  https://docs.aws.amazon.com/lambda/latest/dg/python-context.html
- TIMEOUT: "Configure Lambda function timeout",
  https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest

from emulation import emulator_patches
from emulation.harness.clock import POWERTOOLS_CLOCK_READERS, SimulatedClock
from emulation.harness.lambda_runtime import FakeLambdaContext, InvocationTimedOut, call_with_timeout


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedClock]:
    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    for name in POWERTOOLS_CLOCK_READERS:  # restored after the test
        module = import_module(name)
        monkeypatch.setattr(module, "dt", module.dt)
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


def test_powertools_idempotency_reads_the_simulated_clock(clock: SimulatedClock) -> None:
    """Powertools computes in-progress and record expiry from datetime.now() in the function's
    process: after advance(), it sees the same time as the emulator and the Lambda context."""
    clock.follow_in_powertools()
    clock.advance(3600)
    for name in POWERTOOLS_CLOCK_READERS:
        seen = import_module(name).dt.datetime.now().timestamp()
        assert abs(seen - (datetime.datetime.now().timestamp() + 3600)) < 5, name
    assert emulator_patches.clock_offset() == clock.offset == 3600


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
