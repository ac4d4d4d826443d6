"""The emulator's IAM enforcement switch (emulator_patches.iam_enforcement), and the operator's
credentials the harness uses where it plays an AWS service.

While enforcement is on, every request signed with credentials the emulator issued (the
sts:AssumeRole sessions of deploy, function and integration roles) is authorised against that
role's identity policies; requests signed with the sandbox's `test` keys are the operator's
(Terraform, and the harness where it acts as Lambda or API Gateway taking a role's credentials)
and pass. `decisions()` says, per role, how many calls were allowed and which were denied.
"""

from __future__ import annotations

import contextlib
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3

PATH = "/moto-api/switchyard/iam-enforcement"


def operator_session(region: str) -> boto3.Session:
    """The sandbox's dummy credentials: what Terraform signs with, never restricted."""
    return boto3.Session(
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - the emulator's dummy credentials
        region_name=region,
    )


class IamEnforcement:
    def __init__(self, endpoint_url: str) -> None:
        self.url = endpoint_url.rstrip("/") + PATH

    def _call(self, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 - the local emulator's http URL
            self.url, data=data, method="GET" if data is None else "POST", headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            answer: dict[str, Any] = json.loads(response.read())
        return answer

    @property
    def enabled(self) -> bool:
        return bool(self._call()["enabled"])

    def set(self, enabled: bool) -> None:
        if self._call({"enabled": enabled})["enabled"] is not enabled:
            raise RuntimeError(f"the emulator did not switch IAM enforcement {'on' if enabled else 'off'}")

    def decisions(self) -> dict[str, dict[str, Any]]:
        """{role or user ARN: {"allowed": n, "denied": [{"action", "resource"}, ...]}} since switched on."""
        decisions: dict[str, dict[str, Any]] = self._call()["decisions"]
        return decisions

    @contextlib.contextmanager
    def enforced(self) -> Iterator[IamEnforcement]:
        """Enforcement on for the block, off afterwards (the emulator starts with it off)."""
        self.set(True)
        try:
            yield self
        finally:
            self.set(False)
