"""API Gateway Lambda proxy integration: the request body in, a status and JSON body out.

Pure: no boto3, no Powertools. Accepts both payload shapes API Gateway sends to a function: REST
API (payload format 1.0: `httpMethod`, `body`, `isBase64Encoded`) and HTTP API (2.0: `version`
"2.0", `requestContext.http.method`, `body`, `isBase64Encoded`). The answer shape is the same
for both. Errors are bounded (switchyard.inputs): input is never echoed unbounded.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from switchyard.inputs import InvalidInput, decode_json


class MethodNotAllowed(InvalidInput):
    pass


def method(event: Mapping[str, Any]) -> str | None:
    if isinstance(event.get("httpMethod"), str):
        return str(event["httpMethod"])
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, Mapping) else None
    return str(http["method"]) if isinstance(http, Mapping) and isinstance(http.get("method"), str) else None


def request_json(event: Any, *, allowed_method: str = "POST") -> Any:
    """The decoded JSON body of a proxy event; InvalidInput (MethodNotAllowed) otherwise."""
    if not isinstance(event, Mapping) or ("body" not in event and method(event) is None):
        raise InvalidInput("request must be an API Gateway proxy event (REST payload 1.0 or HTTP API 2.0)")
    if (verb := method(event)) is not None and verb.upper() != allowed_method:
        raise MethodNotAllowed(f"method not allowed: use {allowed_method}")
    body = event.get("body")
    if not isinstance(body, str) or not body:
        raise InvalidInput("request body must be JSON")
    raw: str | bytes = body
    if event.get("isBase64Encoded") is True:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("request body is not valid base64") from None
    return decode_json(raw, "request body")


def response(status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": json.dumps(body, separators=(",", ":")),  # ASCII: escapes whatever it carries
        "isBase64Encoded": False,
    }
