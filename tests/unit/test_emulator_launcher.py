"""The launcher: idempotent start, crash detection and restart, stop by pid."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulation import emulator


@pytest.fixture
def state_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "emulator.json"
    yield path
    emulator.stop(path)


def test_start_twice_is_harmless_and_stop_ends_it(state_file: Path) -> None:
    first = emulator.start(state_file)
    assert emulator.start(state_file) == first
    assert str(first["url"]).startswith("http://127.0.0.1:")
    assert emulator.stop(state_file) is True
    assert not state_file.exists()
    assert emulator.stop(state_file) is False


def test_a_crashed_server_is_detected_and_restarted(state_file: Path) -> None:
    first = emulator.start(state_file)
    os.kill(int(str(first["pid"])), signal.SIGKILL)
    for _ in range(50):
        if not emulator.is_healthy(first):
            break
        time.sleep(0.05)
    assert not emulator.is_healthy(emulator.read_state(state_file))
    second = emulator.start(state_file)
    assert second["pid"] != first["pid"]
    assert emulator.is_healthy(second)


def test_an_exited_unreaped_server_is_dead_and_stop_reaps_it(tmp_path: Path) -> None:
    """make policy starts the server in-process: once it exits it is a zombie until reaped,
    kill(pid, 0) still succeeds on it, and subprocess's cleanup in another thread may reap it
    between a liveness check and a signal. Neither may fail stop()."""
    import json
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    pid = child.pid
    for _ in range(100):
        if emulator._zombie(pid):
            break
        time.sleep(0.02)
    assert emulator._zombie(pid) and not emulator._pid_alive(pid)
    state_file = tmp_path / "emulator.json"
    state_file.write_text(json.dumps({"pid": pid, "url": "http://127.0.0.1:1"}))
    started = time.monotonic()
    assert emulator.stop(state_file) is False  # already gone: nothing to stop
    assert time.monotonic() - started < 1.0 and not state_file.exists()
    child.wait()  # still ours to reap: stop() only reaps a server it signalled
    emulator._signal(pid, signal.SIGTERM)  # a vanished pid is not an error
