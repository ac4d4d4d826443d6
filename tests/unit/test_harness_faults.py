"""Harness fault injection: a before-call handler throttles a share of one service's calls."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from emulation.harness.faults import FlakyService
from tests.conftest import REGION


def test_throttles_about_the_given_share_only_while_active(mocked_aws: None) -> None:
    session = boto3.Session(region_name=REGION)
    state = {"on": True}
    flaky = FlakyService(rate=0.5, seed=1, active=lambda: state["on"]).attach(session)
    dynamodb = session.client("dynamodb")
    sqs = session.client("sqs")
    throttled = 0
    for _ in range(200):
        try:
            dynamodb.list_tables()
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ThrottlingException"
            throttled += 1
    assert 70 <= throttled <= 130 and flaky.injected == throttled and flaky.calls == 200
    sqs.list_queues()  # other services are untouched
    state["on"] = False
    for _ in range(20):
        dynamodb.list_tables()
    assert flaky.injected == throttled


def test_clients_created_before_attaching_are_not_affected(mocked_aws: None) -> None:
    session = boto3.Session(region_name=REGION)
    early = session.client("dynamodb")
    FlakyService(rate=1.0).attach(session)
    early.list_tables()
    with pytest.raises(ClientError, match="ThrottlingException"):
        session.client("dynamodb").list_tables()
