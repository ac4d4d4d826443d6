"""Harness-level fault injection: the function's code is untouched, its AWS calls are not.

`FlakyService` is a botocore `before-call` handler registered on an execution environment's
default boto3 session. While it is active it raises a throttling `ClientError` on a seeded
fraction of that service's calls, as a throttled table would answer. botocore's retries do not
see it (before-call runs before the request is sent), so every injected fault reaches the code.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError


@dataclass
class FlakyService:
    service: str = "dynamodb"
    rate: float = 0.5
    seed: int = 13
    error_code: str = "ThrottlingException"
    active: Callable[[], bool] = lambda: True
    calls: int = 0
    injected: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def __call__(self, model: Any, **_: Any) -> None:
        self.calls += 1
        if self.active() and self._rng.random() < self.rate:
            self.injected += 1
            raise ClientError(
                {"Error": {"Code": self.error_code, "Message": "injected by the test harness"}}, model.name
            )

    def attach(self, session: boto3.Session) -> FlakyService:
        """Register on `session`; only clients created after this see the faults."""
        session.events.register(f"before-call.{self.service}", self, unique_id=f"switchyard-flaky-{id(self)}")
        return self


def flaky_for_first_batches(pool: Any, batches: int, *, rate: float = 0.5, seed: int = 13) -> FlakyService:
    """Fail ~rate of the function's DynamoDB calls during its first `batches` invocations, in
    every execution environment of the pool (those started later too)."""
    flaky = FlakyService(rate=rate, seed=seed, active=lambda: pool.invocations <= batches)
    pool.each_environment(lambda environment: flaky.attach(environment.default_session()))
    return flaky
