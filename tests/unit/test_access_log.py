"""The emulator's access log and the lost responses it reveals (emulation/access_log.py).

An SDK keeps `amz-sdk-invocation-id` across the retries of one call and numbers them in
`amz-sdk-request: attempt=N; max=M` (AWS SDKs and Tools Reference Guide, "Retry behavior").
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from emulation.access_log import AccessLog, LostResponse, lost_responses, summary


def record(invocation: str, attempt: int, status: int, target: str = "AmazonSQS.CreateQueue") -> dict[str, Any]:
    return {"method": "POST", "path": "/", "target": target, "invocation": invocation, "attempt": attempt,
            "status": status, "outcome": "sent"}  # fmt: skip


def test_a_call_retried_after_a_success_is_a_lost_response() -> None:
    records = [record("a", 1, 200), record("b", 1, 201, "POST /2015-03-31/functions"), record("a", 2, 200)]
    assert lost_responses(records) == [LostResponse("a", "AmazonSQS.CreateQueue", 200, 2, "sent")]


def test_retries_after_errors_and_single_attempts_are_not_lost() -> None:
    records = [record("a", 1, 500), record("a", 2, 400), record("a", 3, 200), record("b", 1, 200), record("c", 1, 404)]
    assert lost_responses(records) == []
    assert "0 lost responses" in summary(records)


def test_attempts_are_paired_in_attempt_order_whatever_order_they_were_logged_in() -> None:
    records = [record("a", 2, 200), record("a", 1, 201)]
    assert [(lost.answered, lost.retried_attempt) for lost in lost_responses(records)] == [(201, 2)]


def _environ(headers: dict[str, str], body: bytes = b"") -> dict[str, Any]:
    return {"REQUEST_METHOD": "POST", "PATH_INFO": "/", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), **headers}  # fmt: skip


def _app(environ: dict[str, Any], start_response: Any) -> Iterator[bytes]:
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
    start_response("200 OK", [("Content-Type", "text/plain")])
    yield b"echo:" + body


def test_the_middleware_logs_the_call_its_attempt_and_the_query_action_and_passes_the_body_on() -> None:
    stream = io.StringIO()
    form = b"Action=CreateRole&RoleName=r"
    environ = _environ(
        {
            "CONTENT_TYPE": "application/x-www-form-urlencoded; charset=utf-8",
            "HTTP_AMZ_SDK_INVOCATION_ID": "inv-1",
            "HTTP_AMZ_SDK_REQUEST": "attempt=2; max=25",
        },
        form,
    )
    body = b"".join(AccessLog(_app, stream)(environ, lambda status, headers, exc_info=None: None))
    assert body == b"echo:" + form  # the application read the same bytes
    logged = json.loads(stream.getvalue())
    assert (logged["invocation"], logged["attempt"], logged["target"], logged["status"], logged["outcome"]) == (
        "inv-1",
        2,
        "CreateRole",
        200,
        "sent",
    )


def test_a_response_the_server_stopped_sending_is_logged_as_dropped() -> None:
    stream = io.StringIO()
    response = AccessLog(_app, stream)(_environ({}), lambda status, headers, exc_info=None: None)
    next(response)
    response.close()  # what a server does when writing to the client fails
    assert json.loads(stream.getvalue())["outcome"] == "dropped"
