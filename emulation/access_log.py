"""The emulator's access log: one JSON line per request, and the lost responses it reveals.

Every AWS SDK names each operation call with an `amz-sdk-invocation-id` header that stays the
same across the SDK's retries, and numbers the attempts in `amz-sdk-request: attempt=N; max=M`
(the SDKs' retry behaviour reference). A later attempt of a call whose earlier attempt the
emulator answered is a response the client never read: a lost response. `lost_responses()`
finds them, so a run can count them instead of guessing from their symptoms.

    python -m emulation.access_log FILE     # summary; exit 1 when a response was lost
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any


class AccessLog:
    """WSGI middleware writing one line per request once its response has been handed over.

    `outcome` is "sent" when the server took the whole body, "dropped" when it stopped taking it
    (a threaded server's write failed because the client went away).
    """

    def __init__(self, app: Callable[..., Iterable[bytes]], stream: IO[str]) -> None:
        self.app = app
        self.stream = stream
        self._lock = threading.Lock()

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":"))
        with self._lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        started = time.monotonic()
        record = request_record(environ)

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            record["status"] = int(status.split(None, 1)[0])
            return start_response(status, headers, exc_info)

        body = self.app(environ, capture)
        try:
            for chunk in body:
                if record.get("status", 0) >= 400 and "error" not in record:
                    record["error"] = chunk[:200].decode("utf-8", "replace")  # the code, for the reader
                yield chunk
        except GeneratorExit:  # the server stopped iterating: the client went away mid-body
            record.setdefault("outcome", "dropped")
            raise
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            record.setdefault("outcome", "sent")
            record["ms"] = round((time.monotonic() - started) * 1000, 1)
            self.write(record)


def request_record(environ: dict[str, Any]) -> dict[str, Any]:
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if not target and environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        # Query-protocol services (IAM, SQS, SNS, STS) name the operation in the form body:
        # read it, and hand the application the same bytes.
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        target = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
    attempt = None
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            attempt = int(value)
    return {
        "t": round(time.time(), 3),
        "method": environ.get("REQUEST_METHOD", ""),
        "path": environ.get("PATH_INFO", ""),
        "target": target,
        "invocation": environ.get("HTTP_AMZ_SDK_INVOCATION_ID", ""),
        "attempt": attempt,
    }


@dataclass(frozen=True)
class LostResponse:
    invocation: str
    operation: str
    answered: int  # the status of the attempt whose answer the client did not read
    retried_attempt: int
    outcome: str  # what the server knew of writing that answer


def read(path: Path) -> list[dict[str, Any]]:
    with path.open() as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _attempt_pairs(records: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """Each attempt of an SDK call with the attempt that followed it."""
    calls: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        if record.get("invocation") and record.get("attempt"):
            calls.setdefault(record["invocation"], []).append(record)
    for attempts in calls.values():
        yield from itertools.pairwise(sorted(attempts, key=lambda r: r["attempt"]))


def lost_responses(records: Iterable[dict[str, Any]]) -> list[LostResponse]:
    """Each call the client attempted again after the emulator had answered it with success.

    After an error answer an SDK retries by design when it deems the code retryable
    (throttling, 5xx, codes a client adds), so only a retried success is surely lost."""
    return [
        LostResponse(
            earlier["invocation"],
            earlier["target"] or f"{earlier['method']} {earlier['path']}",
            earlier.get("status", 0),
            later["attempt"],
            earlier["outcome"],
        )
        for earlier, later in _attempt_pairs(records)
        if earlier.get("status", 0) < 400
    ]


def summary(records: list[dict[str, Any]]) -> str:
    lost = lost_responses(records)
    retried = sum(1 for r in records if (r.get("attempt") or 1) > 1)
    dropped = sum(1 for r in records if str(r.get("outcome", "")).startswith("dropped"))
    after_errors = sorted(
        {str(e.get("error", e.get("status")))[:80] for e, _ in _attempt_pairs(records) if e.get("status", 0) >= 400}
    )
    lines = [f"{len(records)} requests, {retried} retried attempts, {dropped} dropped, {len(lost)} lost responses"]
    lines += [f"  retried after an error answer: {error}" for error in after_errors]
    lines += [
        f"  lost: {item.operation} answered {item.answered} ({item.outcome}), attempt {item.retried_attempt} followed"
        for item in lost
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulation.access_log", description=__doc__)
    parser.add_argument("file", type=Path)
    records = read(parser.parse_args(argv).file)
    print(summary(records))
    return 1 if lost_responses(records) else 0


if __name__ == "__main__":
    raise SystemExit(main())
