"""The launcher: idempotent start, crash detection and restart, stop by pid."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def _sends_per_response(handler: type, monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """What the server thread sent for one request, one entry per send call."""
    import http.client
    import socket
    import threading

    from werkzeug.serving import make_server

    def app(environ: dict[str, object], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")])
        return [b'{"ok": "1"}']

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
    sent: list[bytes] = []
    main = threading.get_ident()
    for name in ("send", "sendall"):
        original = getattr(socket.socket, name)

        def recording(self: socket.socket, data: bytes, *args: Any, _original: Any = original) -> Any:
            if threading.get_ident() != main:  # the server's threads, not this client
                sent.append(bytes(data))
            return _original(self, data, *args)

        monkeypatch.setattr(socket.socket, name, recording)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = http.client.HTTPConnection(server.host, server.port, timeout=10)
        client.request("POST", "/", body=b"{}")
        assert client.getresponse().read() == b'{"ok": "1"}'
        client.close()
    finally:
        server.shutdown()
    return sent


def test_the_emulator_sends_each_response_whole_in_one_write(monkeypatch: pytest.MonkeyPatch) -> None:
    # Headers and body in separate segments expose the client's race (emulation/README.md,
    # "Transport"): the Terraform provider lost responses whose body came after the headers.
    sent = _sends_per_response(emulator.one_write_request_handler(), monkeypatch)
    assert len(sent) == 1, sent
    assert sent[0].startswith(b"HTTP/1.1 200 OK") and sent[0].endswith(b'{"ok": "1"}')


def test_moto_s_own_handler_would_split_the_response(monkeypatch: pytest.MonkeyPatch) -> None:
    """The condition the handler above removes, so that test cannot pass for another reason."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    assert len(_sends_per_response(MotoRequestHandler, monkeypatch)) == 2
