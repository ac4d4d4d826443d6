"""The platform's `harness` output, typed: what only the harness and the traffic drivers read.

modules/platform exposes the values a caller wires as workload outputs (`voting`, `audit`,
`registration`, ...). What exists only so the harness can play a managed service the emulator
does not run (the ids of the API methods it plays) and the roles the e2e checks from outside is
in one object, `harness`; its description in modules/platform/outputs.tf says what each part is
for. `Harness.of(platform)` reads it from one platform's outputs (as `terraform output -json`
gives them) and fails naming the key when the object and these classes disagree, so a change on
either side is caught the first time the harness reads a deployed platform.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Self, TypeVar

T = TypeVar("T")


class HarnessOutputError(ValueError):
    """The `harness` output does not have the shape these classes describe."""


def _parse(cls: type[T], value: object, where: str) -> T:
    if not isinstance(value, Mapping):
        raise HarnessOutputError(f"{where} must be an object, got {type(value).__name__}")
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    missing = [n for n in names if n not in value]
    unknown = sorted(set(value) - set(names))
    if missing or unknown:
        problems = [f"missing {', '.join(missing)}"] if missing else []
        problems += [f"unknown {', '.join(unknown)}"] if unknown else []
        raise HarnessOutputError(f"{where}: {'; '.join(problems)}")
    parsed: dict[str, Any] = {}
    for field in fields(cls):  # type: ignore[arg-type]
        item = value[field.name]
        nested = _NESTED.get(field.type) if isinstance(field.type, str) else None
        if nested is not None:
            parsed[field.name] = _parse(nested, item, f"{where}.{field.name}")
        elif not isinstance(item, str) or not item:
            raise HarnessOutputError(f"{where}.{field.name} must be a non-empty string, got {item!r}")
        else:
            parsed[field.name] = item
    return cls(**parsed)


@dataclass(frozen=True)
class Method:
    """One deployed REST API method: what DeployedMethod and LambdaProxyMethod read back."""

    rest_api_id: str
    resource_id: str
    http_method: str


@dataclass(frozen=True)
class VotingHarness:
    """The voting API's write (SQS integration) and read (DynamoDB Query) methods, and the write
    integration's role (the e2e checks it may only send to the voting queue), and the read
    integration's role (tests/e2e/test_least_privilege.py runs both under IAM enforcement)."""

    write: Method
    read: Method
    integration_role_arn: str
    read_role_arn: str


@dataclass(frozen=True)
class Harness:
    """One platform's `harness` output."""

    voting: VotingHarness
    registration_api: Method  # the Lambda proxy method in front of the registration function

    @classmethod
    def of(cls, platform: Mapping[str, Any]) -> Self:
        """From one platform's outputs (sandbox: `terraform output -json platforms` per account)."""
        if "harness" not in platform:
            raise HarnessOutputError("the platform's outputs have no `harness` object")
        return _parse(cls, platform["harness"], "harness")


# Field annotations are strings (from __future__ import annotations): the nested objects by name.
_NESTED: dict[str, type[Any]] = {"Method": Method, "VotingHarness": VotingHarness}
