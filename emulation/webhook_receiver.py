"""A partner's webhook endpoint for tests: records every request on 127.0.0.1, answers 200.

    with WebhookReceiver(max_requests=1000, lifetime_s=120) as receiver:
        ...  # point API destinations at receiver.url + "/crm"
        receiver.requests  # [Request(method, path, query, headers, body)]

Bounded: it refuses (503) requests past `max_requests` and shuts itself down after
`lifetime_s` seconds even when the test forgets to, so it can never outlive a test run.
`port` 0 (the default) takes a free port; `make demo` asks for the port its deployed API
destinations already name, so a second run on the same emulator changes nothing.
"""

from __future__ import annotations

import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # names lower-cased
    body: bytes


class WebhookReceiver:
    def __init__(self, max_requests: int = 10_000, lifetime_s: float = 300.0, port: int = 0) -> None:
        self.max_requests = max_requests
        self.lifetime_s = lifetime_s
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                url = urllib.parse.urlsplit(self.path)
                with receiver._lock:
                    full = len(receiver.requests) >= receiver.max_requests
                    if not full:
                        receiver.requests.append(
                            Request(
                                method=self.command,
                                path=url.path,
                                query=urllib.parse.parse_qs(url.query),
                                headers={k.lower(): v for k, v in self.headers.items()},
                                body=body,
                            )
                        )
                self.send_response(503 if full else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _record

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: the test asserts on self.requests

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)  # OSError when port is taken
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._timer = threading.Timer(lifetime_s, self.stop)
        self._timer.daemon = True

    def start(self) -> WebhookReceiver:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        self._timer.cancel()
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()
