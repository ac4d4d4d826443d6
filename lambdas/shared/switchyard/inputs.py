"""Decoding untrusted input: every way it can be wrong is one error with a short, bounded reason.

Pure: no boto3, no Powertools. A consumer parks what raises `InvalidInput` and never retries it,
so everything deterministic about a body must surface here, not later in a write: JSON that
cannot be decoded at all (syntax, nesting deep enough to exhaust the decoder's recursion, an
integer longer than Python converts), and strings that no AWS API can carry (lone UTF-16
surrogates decode from `\\ud800` escapes but cannot be encoded as UTF-8).
"""

from __future__ import annotations

import json
from typing import Any

MAX_REASON_LENGTH = 240  # reasons go into logs, DLQ attributes and HTTP answers: never unbounded


class InvalidInput(ValueError):
    """Input that can never be processed as sent. `reason` is short, bounded and safe to log."""

    def __init__(self, reason: str) -> None:
        reason = bounded(reason)
        super().__init__(reason)
        self.reason = reason


def bounded(text: str, limit: int = MAX_REASON_LENGTH) -> str:
    """`text` cut to `limit` characters and made encodable (a reason may quote input)."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def reason_for(error: BaseException) -> str:
    """A bounded reason for any error raised while decoding: its own reason, or its type."""
    if isinstance(error, InvalidInput):
        return error.reason
    return bounded(f"input could not be decoded ({type(error).__name__})")


def decode_json(raw: str | bytes, what: str = "body") -> Any:
    """JSON from `raw`, or InvalidInput; the value's strings are all encodable."""
    try:
        if isinstance(raw, str):
            raw.encode("utf-8")  # a lone surrogate in the text itself
        value = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidInput(f"{what} is not JSON: nested too deeply") from None
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} holds a string that is not valid Unicode (a lone surrogate)") from None
    except (ValueError, UnicodeError) as error:  # JSONDecodeError, oversized integers, bad bytes
        raise InvalidInput(f"{what} is not JSON: {error}") from None
    escaped = "\\u" in raw if isinstance(raw, str) else b"\\u" in raw
    if escaped:  # only a \\u escape can decode to a lone surrogate
        require_encodable(value, what)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def require_encodable(value: Any, what: str = "body") -> None:
    """Refuse strings (keys included) that cannot be encoded as UTF-8, such as lone surrogates."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} holds a string that is not valid Unicode (a lone surrogate)") from None
    except (RecursionError, ValueError, TypeError):
        raise InvalidInput(f"{what} cannot be serialised as JSON") from None
