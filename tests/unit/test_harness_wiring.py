"""emulation/harness/wiring.py: the platform's `harness` output is read into typed objects, and an
object of another shape fails naming the key (so a change on either side is caught)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from emulation.harness.wiring import Harness, HarnessOutputError, Method

PLATFORM: dict[str, Any] = {
    "account_id": "111111111111",
    "voting": {"invoke_url": "https://abc.execute-api.eu-west-1.amazonaws.com/v1"},
    "harness": {
        "voting": {
            "write": {"rest_api_id": "abc", "resource_id": "w1", "http_method": "POST"},
            "read": {"rest_api_id": "abc", "resource_id": "r1", "http_method": "GET"},
            "integration_role_arn": "arn:aws:iam::111111111111:role/swy-dev-voting-api-integration",
            "read_role_arn": "arn:aws:iam::111111111111:role/swy-dev-voting-api-read",
        },
        "registration_api": {"rest_api_id": "def", "resource_id": "g1", "http_method": "POST"},
    },
}


def test_reads_every_method_and_role() -> None:
    harness = Harness.of(PLATFORM)
    assert harness.voting.write == Method("abc", "w1", "POST")
    assert harness.voting.read == Method("abc", "r1", "GET")
    assert harness.voting.integration_role_arn.endswith(":role/swy-dev-voting-api-integration")
    assert harness.registration_api == Method("def", "g1", "POST")


def test_platform_outputs_without_the_harness_object_fail() -> None:
    with pytest.raises(HarnessOutputError, match="no `harness` object"):
        Harness.of({k: v for k, v in PLATFORM.items() if k != "harness"})


def test_a_missing_key_fails_naming_it() -> None:
    platform = copy.deepcopy(PLATFORM)
    del platform["harness"]["voting"]["write"]["resource_id"]
    with pytest.raises(HarnessOutputError, match=r"^harness\.voting\.write: missing resource_id$"):
        Harness.of(platform)


def test_an_unknown_key_fails_naming_it() -> None:
    platform = copy.deepcopy(PLATFORM)
    platform["harness"]["registration_api"]["stage"] = "v1"
    with pytest.raises(HarnessOutputError, match=r"^harness\.registration_api: unknown stage$"):
        Harness.of(platform)


@pytest.mark.parametrize("value", [None, "", 7])
def test_a_value_that_is_not_a_non_empty_string_fails(value: object) -> None:
    platform = copy.deepcopy(PLATFORM)
    platform["harness"]["voting"]["integration_role_arn"] = value
    with pytest.raises(HarnessOutputError, match=r"harness\.voting\.integration_role_arn must be a non-empty string"):
        Harness.of(platform)


def test_an_object_where_a_string_belongs_fails() -> None:
    platform = copy.deepcopy(PLATFORM)
    platform["harness"]["voting"]["read"] = "r1"
    with pytest.raises(HarnessOutputError, match=r"harness\.voting\.read must be an object"):
        Harness.of(platform)
