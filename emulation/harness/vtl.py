"""API Gateway's mapping-template language, rendered with a real Velocity engine (airspeed).

The emulator stores mapping templates but does not run them, so the harness renders the
deployed template itself, with `$input`, `$util` and `$context` implemented after API
Gateway's reference ("API Gateway mapping template and access logging variable reference"):

- `$input.body` the raw body; `$input.json(x)` JSON text of the JSONPath x; `$input.path(x)`
  the value itself (for #foreach); `$input.params()` {path, querystring, header} and
  `$input.params(name)` searched in that order;
- `$util.escapeJavaScript` as Apache Commons Lang's StringEscapeUtils.escapeJavaScript (which
  API Gateway uses: it also escapes ' and /, and non-ASCII as \\uXXXX UTF-16 units);
  `$util.urlEncode`/`urlDecode` as java.net.URLEncoder/URLDecoder in UTF-8 (space is '+',
  only letters, digits and .-*_ stay); `base64Encode`/`base64Decode`; `parseJson`;
- `$context`: requestId, requestTimeEpoch (ms), requestTime (CLF), httpMethod, resourcePath,
  path, stage, accountId, apiId, identity.*, error.*.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import airspeed

_JAVA_URL_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*_")
_JS_ESCAPES = {"'": "\\'", '"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\n": "\\n", "\t": "\\t", "\f": "\\f"}
_JS_ESCAPES["\r"] = "\\r"
_JSONPATH_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\['([^']*)'\]")


class TemplateError(ValueError):
    """The template or its input cannot be rendered (API Gateway answers 500 in that case)."""


def url_encode(value: str) -> str:
    out = []
    for byte in str(value).encode("utf-8"):
        if byte in _JAVA_URL_SAFE:
            out.append(chr(byte))
        elif byte == 0x20:
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


def url_decode(value: str) -> str:
    from urllib.parse import unquote_plus

    return unquote_plus(str(value), encoding="utf-8", errors="strict")


def escape_javascript(value: str) -> str:
    out = []
    units = str(value).encode("utf-16-be")
    for i in range(0, len(units), 2):
        code = int.from_bytes(units[i : i + 2], "big")
        ch = chr(code) if code < 0xD800 or code > 0xDFFF else ""
        if code > 0x7F:
            out.append(f"\\u{code:04X}")
        elif ch in _JS_ESCAPES:
            out.append(_JS_ESCAPES[ch])
        elif code < 32:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    return "".join(out)


def json_path(document: Any, path: str) -> Any:
    """The subset of JSONPath mapping templates use: $, .name, ['name'], [index]."""
    if not path.startswith("$"):
        raise TemplateError(f"JSONPath must start with $: {path!r}")
    value, position = document, 1
    while position < len(path):
        match = _JSONPATH_TOKEN.match(path, position)
        if not match:
            raise TemplateError(f"unsupported JSONPath {path!r} at {path[position:]!r}")
        name, index, quoted = match.groups()
        try:
            value = value[int(index)] if index is not None else value[name if name is not None else quoted]
        except (KeyError, IndexError, TypeError):
            return None  # API Gateway yields an empty value for a path that is not there
        position = match.end()
    return value


class Util:
    """`$util`."""

    def escapeJavaScript(self, value: Any) -> str:  # the VTL names are camelCase
        return escape_javascript("" if value is None else str(value))

    def urlEncode(self, value: Any) -> str:
        return url_encode("" if value is None else str(value))

    def urlDecode(self, value: Any) -> str:
        return url_decode("" if value is None else str(value))

    def base64Encode(self, value: Any) -> str:
        return base64.b64encode(str(value).encode()).decode()

    def base64Decode(self, value: Any) -> str:
        return base64.b64decode(str(value)).decode()

    def parseJson(self, value: Any) -> Any:
        return json.loads(str(value))


@dataclass
class Request:
    """What reached the stage: the method's parameters and body."""

    body: str = ""
    path: dict[str, str] = field(default_factory=dict)
    querystring: dict[str, str] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)


class Input:
    """`$input` for one request (or, in a response template, for the integration's answer)."""

    def __init__(self, request: Request, payload: str | None = None) -> None:
        self._request = request
        self.body = request.body if payload is None else payload

    def _document(self) -> Any:
        try:
            return json.loads(self.body) if self.body else {}
        except json.JSONDecodeError as error:
            raise TemplateError(f"$input: body is not JSON: {error}") from None

    def json(self, path: str) -> str:
        return json.dumps(json_path(self._document(), path), separators=(",", ":"), ensure_ascii=False)

    def path(self, path: str) -> Any:
        return json_path(self._document(), path)

    def params(self, name: str | None = None) -> Any:
        if name is None:
            return {
                "path": dict(self._request.path),
                "querystring": dict(self._request.querystring),
                "header": dict(self._request.header),
            }
        for source in (self._request.path, self._request.querystring, self._request.header):
            if name in source:
                return source[name]
        return ""


def context(
    *,
    request_id: str | None = None,
    request_time_ms: int,
    http_method: str,
    resource_path: str,
    stage: str,
    account_id: str,
    api_id: str,
    source_ip: str = "203.0.113.10",
    api_key_id: str = "",
    validation_error: str = "",
    caller: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """$context; `caller`: what IAM authorization found (caller, user, userArn, accountId)."""
    moment = datetime.fromtimestamp(request_time_ms / 1000, UTC)
    return {
        "requestId": request_id or str(uuid.uuid4()),
        "requestTimeEpoch": request_time_ms,
        "requestTime": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "httpMethod": http_method,
        "resourcePath": resource_path,
        "path": f"/{stage}{resource_path}",
        "stage": stage,
        "accountId": account_id,
        "apiId": api_id,
        "identity": {
            "sourceIp": source_ip,
            "apiKeyId": api_key_id,
            "caller": "",
            "user": "",
            "userArn": "",
            "accountId": "",
            "userAgent": "switchyard-harness",
            **(caller or {}),
        },
        "error": {"validationErrorString": validation_error, "message": validation_error},
    }


_COMPILED: dict[str, airspeed.Template] = {}


def render(template: str, request: Request, ctx: dict[str, Any], *, payload: str | None = None) -> str:
    """Render a mapping template; `payload` is the integration's response for response templates."""
    compiled = _COMPILED.get(template)
    if compiled is None:
        compiled = _COMPILED[template] = airspeed.Template(template)
    try:
        return str(compiled.merge({"input": Input(request, payload), "util": Util(), "context": ctx}))
    except airspeed.TemplateError as error:
        raise TemplateError(f"template error: {error}") from None
