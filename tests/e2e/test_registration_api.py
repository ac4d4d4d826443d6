"""End to end, registration behind API Gateway: the deployed REST API proxies to the function.

What the emulator stores is read back through the harness's Lambda proxy player: the
integration is a Lambda proxy to the registration function, the function's resource policy
admits exactly this API's stage, method and path, and the stage logs and throttles.
"""

from __future__ import annotations

import pytest

from emulation.harness.apigateway import LambdaProxyMethod
from emulation.harness.wiring import Harness
from tests.e2e.conftest import Deployed

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_the_registration_api_is_a_permitted_lambda_proxy_with_logs_and_throttling(
    deployed: Deployed, env: str
) -> None:
    account = deployed.account(env)
    api = deployed.platforms[env]["registration_api"]
    played = Harness.of(deployed.platforms[env]).registration_api
    apigateway = account.client("apigateway")

    assert played.rest_api_id == api["rest_api_id"]
    method = LambdaProxyMethod(
        apigateway, account.client("lambda"), played.rest_api_id, played.resource_id, played.http_method
    )

    function_name = deployed.platforms[env]["registration"]["function_name"]
    assert method.function_name == function_name
    assert method.permitted, f"{function_name}'s policy does not admit {method.source_arn}"
    assert api["invoke_url"].endswith(f"/{api['stage_name']}/registrations")
    stage = apigateway.get_stage(restApiId=api["rest_api_id"], stageName=api["stage_name"])
    assert stage["accessLogSettings"]["destinationArn"].endswith(f":log-group:{api['access_log_group_name']}")
    assert stage["tracingEnabled"] is True
    settings = stage["methodSettings"]["*/*"]
    assert settings["throttlingRateLimit"] > 0 and settings["throttlingBurstLimit"] > 0
    assert settings["dataTraceEnabled"] is False
