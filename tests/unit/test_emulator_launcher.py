"""The launcher: idempotent start, crash detection and restart, stop by pid."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import emulator


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
