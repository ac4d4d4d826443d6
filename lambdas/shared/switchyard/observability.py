"""Powertools Logger and Metrics, and a tracer, set up once per function.

Service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
POWERTOOLS_METRICS_NAMESPACE, which the lambda-function module sets.

Tracing is chosen by SWITCHYARD_TRACING (the lambda-function module's `tracing` variable):
- "active" (the default): Lambda active tracing only. Lambda itself records every sampled
  invocation in X-Ray (Initialization, Invocation and Overhead, errors and faults, the link to
  the caller's trace); the X-Ray SDK is not imported, so it costs nothing at cold start.
- "xray-sdk": Powertools Tracer on top, with aws_xray_sdk patching botocore only: a subsegment
  for the handler and every `capture_method`, ColdStart and Service annotations, and one
  subsegment per AWS call (DynamoDB, SQS, SNS nodes in the service map). Costs the SDK's import
  and patching at every cold start (figures: README.md, "Cold start").
Handlers decorate with `tracer.capture_lambda_handler` / `tracer.capture_method` either way.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar, overload

from aws_lambda_powertools import Logger, Metrics, Tracer  # Tracer's module imports the SDK lazily

TRACING_ENV = "SWITCHYARD_TRACING"
TRACING_MODES = ("active", "xray-sdk")
PATCHED_MODULES = ("botocore",)  # the only client library these functions use

F = TypeVar("F", bound=Callable[..., Any])


class ActiveTracing:
    """Tracer's decorator surface without the X-Ray SDK: Lambda's active tracing records the invocation."""

    @overload
    def capture_lambda_handler(self, lambda_handler: F) -> F: ...

    @overload
    def capture_lambda_handler(
        self, lambda_handler: None = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> Callable[[F], F]: ...

    def capture_lambda_handler(
        self, lambda_handler: F | None = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> F | Callable[[F], F]:
        return lambda_handler if lambda_handler is not None else _unchanged

    @overload
    def capture_method(self, method: F) -> F: ...

    @overload
    def capture_method(
        self, method: None = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> Callable[[F], F]: ...

    def capture_method(
        self, method: F | None = None, capture_response: bool | None = None, capture_error: bool | None = None
    ) -> F | Callable[[F], F]:
        return method if method is not None else _unchanged

    def put_annotation(self, key: str, value: str | float | bool) -> None:
        """Annotations need SDK segments; without them there is nothing to annotate."""

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        """Metadata needs SDK segments; without them there is nothing to attach it to."""


def _unchanged(function: F) -> F:
    return function


def tracing_mode() -> str:
    mode = os.environ.get(TRACING_ENV, "").strip() or "active"
    if mode not in TRACING_MODES:
        raise ValueError(f"{TRACING_ENV} must be one of {', '.join(TRACING_MODES)}, not {mode!r}")
    return mode


def make_tracer() -> ActiveTracing | Tracer:
    """The tracer for this function's mode; the X-Ray SDK is imported only when it is asked for."""
    if tracing_mode() == "active":
        return ActiveTracing()
    return Tracer(patch_modules=PATCHED_MODULES)


logger = Logger()
tracer = make_tracer()
metrics = Metrics()
