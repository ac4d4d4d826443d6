"""Local AWS emulator for the sandbox: moto's server with Switchyard's patches and an access log.

    python -m emulation.emulator start    # idempotent; restarts a crashed server
    python -m emulation.emulator stop
    python -m emulation.emulator status   # exit 0 when healthy
    python -m emulation.emulator url      # prints the endpoint URL (for AWS_ENDPOINT_URL)

The server listens on 127.0.0.1 on a free port. Its URL and pid go to a state file
(default `.sandbox/emulator.json`, override with SWITCHYARD_EMULATOR_STATE).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = Path(os.environ.get("SWITCHYARD_EMULATOR_STATE", ROOT / ".sandbox" / "emulator.json"))
START_TIMEOUT_S = 30.0


def read_state(state_file: Path = STATE_FILE) -> dict[str, object] | None:
    try:
        state: dict[str, object] = json.loads(state_file.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    return state


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """Exited but not yet reaped by its parent (this process, when it started the server)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False  # no /proc (macOS): kill(pid, 0) is the answer


def _signal(pid: int, signum: int) -> None:
    # The server may exit, and be reaped by subprocess's own cleanup in another thread,
    # between the liveness check and the signal.
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


def is_healthy(state: dict[str, object] | None) -> bool:
    if not state or not _pid_alive(int(str(state["pid"]))):
        return False
    try:
        with urllib.request.urlopen(f"{state['url']}/moto-api/", timeout=2) as response:  # noqa: S310 - our own http URL
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def one_write_request_handler() -> type:
    """moto's request handler, writing each response (status line, headers, body) in one send.

    Unbuffered, werkzeug sends the headers, then the body, and the server thread can lose the
    GIL in between. The AWS SDK for Go (the Terraform provider) sometimes closes a connection
    right after reading the headers; a body that arrives later is lost and the SDK retries a
    request the emulator already carried out. A whole response leaves nothing to lose
    (emulation/README.md, "Transport")."""
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class OneWriteRequestHandler(MotoRequestHandler):
        wbufsize = 1 << 20  # bytes; werkzeug flushes once per response: one send per response

    return OneWriteRequestHandler


def serve(state_file: Path) -> None:
    """Run the server in this process until SIGTERM/SIGINT; every request goes to `access.log`
    beside the state file (emulation/access_log.py)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from emulation import create_conflicts, emulator_patches
    from emulation.access_log import AccessLog

    emulator_patches.apply_all()
    create_conflicts.apply_all()  # a repeated create fails as on AWS, never makes a second resource
    state_file.parent.mkdir(parents=True, exist_ok=True)
    access = (state_file.parent / "access.log").open("a")
    app = AccessLog(DomainDispatcherApplication(create_backend_app), access)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=one_write_request_handler())
    tmp = state_file.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": f"http://{server.host}:{server.port}", "pid": os.getpid()}))
    tmp.replace(state_file)

    def _stop(_signum: int, _frame: object) -> None:
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    server.serve_forever()


def start(state_file: Path = STATE_FILE) -> dict[str, object]:
    state = read_state(state_file)
    if is_healthy(state):
        assert state is not None
        return state
    if state is not None:
        # A server that died (or hangs) leaves a stale state file: clean up and start anew.
        stop(state_file)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    log = (state_file.parent / "emulator.log").open("ab")
    env = {
        **os.environ,
        "MOTO_EVENTS_INVOKE_HTTP": "true",  # API destination targets are called over HTTP
        "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",  # AWS-managed policies (X-Ray write) exist
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "emulation.emulator", "serve", "--state-file", str(state_file)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,  # survives the make target that started it
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"emulator exited with {process.returncode}; see {log.name}")
        state = read_state(state_file)
        if state and state.get("pid") == process.pid and is_healthy(state):
            return state
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"emulator did not answer within {START_TIMEOUT_S:.0f}s; see {log.name}")


def stop(state_file: Path = STATE_FILE) -> bool:
    state = read_state(state_file)
    stopped = False
    if state and _pid_alive(pid := int(str(state["pid"]))):
        _signal(pid, signal.SIGTERM)
        for _ in range(50):
            if not _pid_alive(pid):
                break
            time.sleep(0.1)
        else:
            _signal(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it when this process started it
        stopped = True
    state_file.unlink(missing_ok=True)
    return stopped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m emulation.emulator", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["start", "stop", "status", "url", "serve"])
    parser.add_argument("--state-file", type=Path, default=STATE_FILE)
    args = parser.parse_args(argv)
    if args.command == "serve":
        serve(args.state_file)
    elif args.command == "start":
        started = start(args.state_file)
        print(f"emulator: {started['url']} (pid {started['pid']})")
    elif args.command == "stop":
        print("emulator: stopped" if stop(args.state_file) else "emulator: was not running")
    elif args.command in ("status", "url"):
        state = read_state(args.state_file)
        if not is_healthy(state) or state is None:
            print("emulator: not running; run `make sandbox-up`", file=sys.stderr)
            return 1
        print(f"emulator: running at {state['url']}" if args.command == "status" else state["url"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
