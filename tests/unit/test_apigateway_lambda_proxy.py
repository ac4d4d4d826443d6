"""The harness plays a REST API Lambda proxy integration as API Gateway does.

AWS documentation followed: "Set up Lambda proxy integrations in API Gateway" (input format of a
Lambda function for proxy integration: payload 1.0; output format {statusCode, headers, body};
a malformed output is a 502) and "Grant API Gateway permission to invoke a Lambda function"
(the function's resource policy names the API's execution ARN, stage, method and path).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulation.harness.apigateway import LambdaProxyMethod
from tests.conftest import REGION

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "aws-events"


class RecordingFunction:
    def __init__(self, result: Any = None, error: Exception | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.result = {"statusCode": 201, "body": '{"eventId": "e1"}'} if result is None else result
        self.error = error

    def invoke(self, event: dict[str, Any]) -> Any:
        self.events.append(event)
        if self.error:
            raise self.error
        return self.result


def deploy(*, source_arn_suffix: str = "/v1/POST/registrations", permit: bool = True) -> LambdaProxyMethod:
    iam, lam, apigw = (boto3.client(s, region_name=REGION) for s in ("iam", "lambda", "apigateway"))
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return {}\n")
    function_arn = lam.create_function(
        FunctionName="swy-test-registration-api",
        Runtime="python3.12",
        Role=role,
        Handler="handler.lambda_handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]
    api = apigw.create_rest_api(name="swy-test-registration-api")["id"]
    root = next(r["id"] for r in apigw.get_resources(restApiId=api)["items"] if r["path"] == "/")
    resource = apigw.create_resource(restApiId=api, parentId=root, pathPart="registrations")["id"]
    apigw.put_method(restApiId=api, resourceId=resource, httpMethod="POST", authorizationType="NONE")
    apigw.put_integration(
        restApiId=api,
        resourceId=resource,
        httpMethod="POST",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{function_arn}/invocations",
    )
    apigw.create_deployment(restApiId=api, stageName="v1")
    if permit:
        lam.add_permission(
            FunctionName="swy-test-registration-api",
            StatementId="AllowRegistrationApi",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{REGION}:123456789012:{api}{source_arn_suffix}",
        )
    return LambdaProxyMethod(apigw, lam, api, resource, "POST")


def test_a_request_reaches_the_function_as_a_rest_proxy_event_and_its_answer_is_the_response(
    mocked_aws: None,
) -> None:
    method = deploy()
    function = RecordingFunction()

    response = method.send(function, '{"email": "a@example.com"}', request_time_ms=1_795_428_000_000)

    assert (response.status, response.json()) == (201, {"eventId": "e1"})
    (event,) = function.events
    assert event["httpMethod"] == "POST" and event["resource"] == event["path"] == "/registrations"
    assert event["body"] == '{"email": "a@example.com"}' and event["isBase64Encoded"] is False
    assert event["headers"]["Content-Type"] == "application/json"
    assert event["multiValueHeaders"]["Content-Type"] == ["application/json"]
    context = event["requestContext"]
    assert (context["stage"], context["path"], context["apiId"]) == ("v1", "/v1/registrations", method.rest_api_id)
    assert context["requestId"] == response.request_id and context["requestTimeEpoch"] == 1_795_428_000_000
    assert context["accountId"] == "123456789012" and context["identity"]["sourceIp"] == "127.0.0.1"


def test_the_function_decides_the_status_and_body(mocked_aws: None) -> None:
    method = deploy()
    refusal = RecordingFunction({"statusCode": 400, "headers": {}, "body": '{"message": "email: invalid"}'})

    response = method.send(refusal, "not json", request_time_ms=0)

    assert (response.status, response.json()) == (400, {"message": "email: invalid"})


@pytest.mark.parametrize(
    "function",
    [
        RecordingFunction(error=RuntimeError("crashed")),
        RecordingFunction({"batchItemFailures": []}),  # not a proxy response
        RecordingFunction({"statusCode": "201", "body": "{}"}),  # status must be an integer
        RecordingFunction({"statusCode": 201, "body": {"eventId": "e1"}}),  # body must be a string
    ],
    ids=["raises", "no-status", "string-status", "object-body"],
)
def test_a_failed_or_malformed_answer_is_a_502(mocked_aws: None, function: RecordingFunction) -> None:
    response = deploy().send(function, "{}", request_time_ms=0)

    assert (response.status, response.json()) == (502, {"message": "Internal server error"})


@pytest.mark.parametrize(
    ("permit", "suffix"),
    [(False, ""), (True, "/prod/POST/registrations"), (True, "/v1/GET/registrations")],
    ids=["no-policy", "other-stage", "other-method"],
)
def test_without_a_matching_permission_api_gateway_answers_500_and_never_invokes(
    mocked_aws: None, permit: bool, suffix: str
) -> None:
    function = RecordingFunction()

    response = deploy(permit=permit, source_arn_suffix=suffix).send(function, "{}", request_time_ms=0)

    assert response.status == 500 and function.events == []


def test_a_wildcard_stage_in_the_permission_admits_the_request(mocked_aws: None) -> None:
    function = RecordingFunction()

    response = deploy(source_arn_suffix="/*/POST/registrations").send(function, "{}", request_time_ms=0)

    assert response.status == 201 and len(function.events) == 1


@pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"AWS event fixtures not found at {FIXTURES}")
def test_the_event_has_the_shape_of_a_captured_rest_proxy_post(mocked_aws: None) -> None:
    captured = json.loads((FIXTURES / "apigw-rest-proxy-captured-post.json").read_text())
    function = RecordingFunction()

    deploy().send(function, "{}", request_time_ms=0)

    (event,) = function.events
    assert set(event) == set(captured)
    assert set(event["requestContext"]) == set(captured["requestContext"])
    assert set(event["requestContext"]["identity"]) == set(captured["requestContext"]["identity"])
