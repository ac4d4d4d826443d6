"""Plays a deployed REST API's AWS integrations, which the emulator stores but does not run.

Everything is read back from the emulator's API Gateway API (method, authorization type,
validator, model, integration URI, credentials role, request and response templates), never
from our own Terraform, so what is tested is what was deployed:

- a method with AWS_IAM authorization admits only a request SigV4-signed (service
  execute-api) with credentials the emulator issued, whose identity policies allow
  execute-api:Invoke on the method ARN; the emulator decides (emulator_patches.
  authorize_execute_api), before the body is validated, as API Gateway does; anything else is
  a 403 and nothing is sent. The signer fills $context.identity (caller, user, userArn, accountId);
- the request body is validated against the method's model (JSON Schema draft-04, as API
  Gateway does): a bad body is a 400 and nothing is sent;
- the integration's request template is rendered with a real Velocity engine (emulation.harness.vtl);
- an SQS integration's rendered form parameters are POSTed, SigV4-signed with the integration
  role's credentials, to the queue's query API, as API Gateway does; for volume, accepted
  requests can be combined into SendMessageBatch calls whose entries are exactly the rendered
  parameters (only the `SendMessageBatchRequestEntry.N.` prefix is added);
- a DynamoDB integration's rendered JSON is sent as that action with the read role;
- the integration response template is rendered on the service's answer;
- a Lambda proxy integration (LambdaProxyMethod) gets the REST proxy event and answers with the
  function's statusCode and body, if the function's policy admits this API's execution ARN.
"""

from __future__ import annotations

import fnmatch
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qsl, urlencode

import fastjsonschema
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulation.emulator_patches import EXECUTE_API_AUTHORIZE_PATH
from emulation.harness import vtl
from emulation.harness.accounts import SimulatedAccount
from emulation.harness.iam_enforcement import operator_session

_SQS_URI = re.compile(r"^arn:aws[a-z-]*:apigateway:([a-z0-9-]+):sqs:path/(\d{12})/([A-Za-z0-9_.-]+)$")
_DYNAMODB_URI = re.compile(r"^arn:aws[a-z-]*:apigateway:([a-z0-9-]+):dynamodb:action/([A-Za-z]+)$")
_SQS_NS = {"sqs": "http://queue.amazonaws.com/doc/2012-11-05/"}


@dataclass
class Response:
    status: int
    body: str
    request_id: str

    def json(self) -> Any:
        return json.loads(self.body)


class Call(NamedTuple):
    """One request to a method: its body, path parameters, receive time and HTTP headers."""

    body: str
    path: dict[str, str]
    request_time_ms: int
    headers: Mapping[str, str] = {}


def signed_headers(credentials: Credentials, method: str, url: str, body: str, region: str) -> dict[str, str]:
    """The headers a caller's SDK sends to an IAM-authorised API: SigV4 for execute-api."""
    request = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(credentials, "execute-api", region).add_auth(request)
    return dict(request.headers)


def _forbidden(message: str) -> Response:
    return Response(403, json.dumps({"message": message}), "")


@dataclass
class _Rendered:
    request: vtl.Request
    context: dict[str, Any]
    form: list[tuple[str, str]]


class DeployedMethod:
    """One method of a deployed REST API, played the way API Gateway would run it."""

    def __init__(self, account: SimulatedAccount, rest_api_id: str, resource_id: str, http_method: str) -> None:
        self.account = account
        apigateway = account.client("apigateway")
        self.rest_api_id = rest_api_id
        self.http_method = http_method
        self.resource = apigateway.get_resource(restApiId=rest_api_id, resourceId=resource_id)
        self.method = apigateway.get_method(restApiId=rest_api_id, resourceId=resource_id, httpMethod=http_method)
        self.integration = self.method["methodIntegration"]
        self.request_template: str = self.integration["requestTemplates"]["application/json"]
        self.stage = apigateway.get_stages(restApiId=rest_api_id)["item"][0]["stageName"]
        self.authorization_type: str = self.method.get("authorizationType", "NONE")
        self.validator: Callable[[Any], Any] | None = None
        self.schema: dict[str, Any] | None = None
        model_name = (self.method.get("requestModels") or {}).get("application/json")
        validator_id = self.method.get("requestValidatorId")
        if model_name and validator_id:
            validator = apigateway.get_request_validator(restApiId=rest_api_id, requestValidatorId=validator_id)
            if validator.get("validateRequestBody"):
                model = apigateway.get_model(restApiId=rest_api_id, modelName=model_name)
                self.schema = json.loads(model["schema"])
                self.validator = fastjsonschema.compile(self.schema)
        responses = self.integration.get("integrationResponses", {})
        # The default response is the one without a selection pattern.
        (self.success_status, success) = next(
            (status, r) for status, r in responses.items() if not r.get("selectionPattern")
        )
        self.success_template: str = (success.get("responseTemplates") or {}).get("application/json") or ""
        self._credentials = self._assume(self.integration["credentials"])
        self._http = urllib3.PoolManager()

    def _assume(self, role_arn: str) -> Credentials:
        # API Gateway (the service the role trusts) takes the role: played with the operator's
        # credentials, as no caller the emulator issued could pass that trust policy.
        sts = operator_session(self.account.region).client("sts", endpoint_url=self.account.endpoint_url)
        response = sts.assume_role(RoleArn=role_arn, RoleSessionName="apigateway-integration")
        c = response["Credentials"]
        return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    # -- request side ----------------------------------------------------------------------

    def resource_path(self, path: dict[str, str]) -> str:
        return re.sub(r"\{([A-Za-z0-9]+)\}", lambda m: path[m.group(1)], self.resource["path"])

    def url(self, path: dict[str, str]) -> str:
        """The invoke URL a caller sends (and signs) the request to."""
        host = f"{self.rest_api_id}.execute-api.{self.account.region}.amazonaws.com"
        return f"https://{host}/{self.stage}{self.resource_path(path)}"

    def method_arn(self, path: dict[str, str]) -> str:
        """What execute-api:Invoke is authorised on for this request."""
        return (
            f"arn:aws:execute-api:{self.account.region}:{self.account.account_id}:{self.rest_api_id}/"
            f"{self.stage}/{self.http_method}{self.resource_path(path)}"
        )

    def authorize(self, calls: Sequence[Call]) -> list[dict[str, Any]]:
        """API Gateway's verdict on each call's caller: {"status": 200, "identity": {...}} or
        {"status": 403, "message": ...}. Without AWS_IAM every caller passes, unidentified."""
        if self.authorization_type != "AWS_IAM":
            return [{"status": 200, "identity": {}} for _ in calls]
        verdicts: list[dict[str, Any]] = []
        for start in range(0, len(calls), 500):  # one emulator round trip per 500 requests
            requests = [
                {
                    "method": self.http_method,
                    "url": self.url(call.path),
                    "headers": dict(call.headers),
                    "body": call.body,
                    "resource": self.method_arn(call.path),
                }
                for call in calls[start : start + 500]
            ]
            answer = self._http.request(
                "POST",
                self.account.endpoint_url.rstrip("/") + EXECUTE_API_AUTHORIZE_PATH,
                body=json.dumps({"requests": requests}),
                headers={"Content-Type": "application/json"},
            )
            if answer.status != 200:
                raise RuntimeError(
                    f"the emulator's execute-api authorizer answered {answer.status}: {answer.data[:300]!r}"
                )
            verdicts += json.loads(answer.data)["results"]
        return verdicts

    def validation_error(self, body: str) -> str | None:
        """API Gateway's verdict on the body: None when it may pass, else why it is a 400."""
        if self.validator is None:
            return None
        try:
            document = json.loads(body)
        except json.JSONDecodeError:
            return "Invalid request body"
        try:
            self.validator(document)
        except fastjsonschema.JsonSchemaValueException as error:
            return f"[{error.message}]"
        return None

    def _context(
        self, request_time_ms: int, *, request_id: str | None = None, caller: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """$context as API Gateway fills it for this method's stage, account and API."""
        return vtl.context(
            caller=caller,
            request_id=request_id,
            request_time_ms=request_time_ms,
            http_method=self.http_method,
            resource_path=self.resource["path"],
            stage=self.stage,
            account_id=self.account.account_id,
            api_id=self.rest_api_id,
        )

    def _render(self, call: Call, caller: Mapping[str, str]) -> _Rendered:
        body, path, request_time_ms = call.body, call.path, call.request_time_ms
        request = vtl.Request(body=body, path=dict(path), header={"Content-Type": "application/json"})
        ctx = self._context(request_time_ms, request_id=str(uuid.uuid4()), caller=caller)
        rendered = vtl.render(self.request_template, request, ctx)
        return _Rendered(request, ctx, parse_qsl(rendered, keep_blank_values=True, strict_parsing=True))

    # -- SQS integration -------------------------------------------------------------------

    def _sqs_post(self, params: Sequence[tuple[str, str]]) -> ET.Element:
        match = _SQS_URI.match(self.integration["uri"])
        if not match:
            raise ValueError(f"not an SQS integration: {self.integration['uri']}")
        region, account, queue = match.groups()
        url = f"{self.account.endpoint_url}/{account}/{queue}"
        body = urlencode(params)
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        signed = AWSRequest(method="POST", url=url, data=body, headers=headers)
        SigV4Auth(self._credentials, "sqs", region).add_auth(signed)
        response = self._http.request("POST", url, body=body, headers=dict(signed.headers))
        if response.status != 200:
            raise RuntimeError(f"SQS answered {response.status}: {response.data[:500]!r}")
        return ET.fromstring(response.data)  # noqa: S314 - the local emulator's own answer

    def _accepted(self, rendered: _Rendered, answer: str) -> Response:
        body = vtl.render(self.success_template, rendered.request, rendered.context, payload=answer)
        return Response(int(self.success_status), body, rendered.context["requestId"])

    def send(
        self, body: str, path: dict[str, str], *, request_time_ms: int, headers: Mapping[str, str] | None = None
    ) -> Response:
        """One request exactly as API Gateway runs it: authorize, validate, render, SendMessage, respond."""
        return self.send_batched([Call(body, path, request_time_ms, headers or {})], batch=False)[0]

    def send_batched(self, calls: Sequence[Call], *, batch: bool = True) -> list[Response]:
        """Many requests: each authorized, validated and rendered alone, queued ten per
        SendMessageBatch (batch=False: one SendMessage each).

        The real API sends one SendMessage per request; batching only cuts the emulator's HTTP
        round trips. Each entry carries exactly the parameters the template rendered.
        """
        responses: list[Response | None] = [None] * len(calls)
        pending: list[tuple[int, _Rendered]] = []
        for index, (call, verdict) in enumerate(zip(calls, self.authorize(calls), strict=True)):
            if verdict["status"] != 200:
                responses[index] = _forbidden(verdict["message"])
            elif (error := self.validation_error(call.body)) is not None:
                responses[index] = Response(400, json.dumps({"message": error}), "")
            else:
                pending.append((index, self._render(call, verdict["identity"])))
        if not batch:
            for index, rendered in pending:
                root = self._sqs_post(rendered.form)
                message_id = root.findtext(".//sqs:MessageId", namespaces=_SQS_NS)
                answer = json.dumps({"SendMessageResponse": {"SendMessageResult": {"MessageId": message_id}}})
                responses[index] = self._accepted(rendered, answer)
            return [r for r in responses if r is not None]
        for start in range(0, len(pending), 10):
            chunk = pending[start : start + 10]
            params: list[tuple[str, str]] = [("Action", "SendMessageBatch")]
            for n, (_, rendered) in enumerate(chunk, start=1):
                if dict(rendered.form).get("Action") != "SendMessage":
                    raise ValueError("the template did not render a SendMessage")
                params.append((f"SendMessageBatchRequestEntry.{n}.Id", str(n)))
                params += [(f"SendMessageBatchRequestEntry.{n}.{k}", v) for k, v in rendered.form if k != "Action"]
            root = self._sqs_post(params)
            if root.findall(".//sqs:BatchResultErrorEntry", namespaces=_SQS_NS):
                raise RuntimeError(f"SendMessageBatch failed: {ET.tostring(root)[:500]!r}")
            ids = {
                entry.findtext("sqs:Id", namespaces=_SQS_NS): entry.findtext("sqs:MessageId", namespaces=_SQS_NS)
                for entry in root.findall(".//sqs:SendMessageBatchResultEntry", namespaces=_SQS_NS)
            }
            for n, (index, rendered) in enumerate(chunk, start=1):
                answer = json.dumps({"SendMessageResponse": {"SendMessageResult": {"MessageId": ids[str(n)]}}})
                responses[index] = self._accepted(rendered, answer)
        return [r for r in responses if r is not None]

    # -- DynamoDB integration --------------------------------------------------------------

    def query(
        self, path: dict[str, str], *, request_time_ms: int, headers: Mapping[str, str] | None = None
    ) -> Response:
        """A read route: authorize, render the request, call DynamoDB as the read role, render the answer."""
        match = _DYNAMODB_URI.match(self.integration["uri"])
        if not match:
            raise ValueError(f"not a DynamoDB integration: {self.integration['uri']}")
        _, action = match.groups()
        (verdict,) = self.authorize([Call("", path, request_time_ms, headers or {})])
        if verdict["status"] != 200:
            return _forbidden(verdict["message"])
        request = vtl.Request(path=dict(path))
        ctx = self._context(request_time_ms, caller=verdict["identity"])
        call = json.loads(vtl.render(self.request_template, request, ctx))
        client = self.account.session.client(
            "dynamodb",
            endpoint_url=self.account.endpoint_url,
            aws_access_key_id=self._credentials.access_key,
            aws_secret_access_key=self._credentials.secret_key,
            aws_session_token=self._credentials.token,
        )
        answer = getattr(client, re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower())(**call)
        answer.pop("ResponseMetadata", None)
        body = vtl.render(self.success_template, request, ctx, payload=json.dumps(answer))
        return Response(int(self.success_status), body, ctx["requestId"])


# -- Lambda proxy integration (AWS_PROXY) ------------------------------------------------------

_LAMBDA_URI = re.compile(
    r"^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/"
    r"(arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:[^/]+)/invocations$"
)
_INTERNAL_ERROR = json.dumps({"message": "Internal server error"})


class Invoker(Protocol):
    def invoke(self, event: dict[str, Any]) -> Any: ...


class LambdaProxyMethod:
    """A deployed method whose integration is a Lambda proxy, played the way API Gateway runs it.

    Read back from the emulator: the integration (type AWS_PROXY, POST to the function's invoke
    ARN), the stage, the resource path and the function's resource policy. A request becomes the
    REST API proxy event (payload format 1.0); the function's {statusCode, headers, body} is the
    response. As API Gateway answers: 500 when the function's policy does not let this API,
    stage, method and path invoke it; 502 when the function fails or returns anything else.
    """

    def __init__(
        self, apigateway: Any, lambda_client: Any, rest_api_id: str, resource_id: str, http_method: str
    ) -> None:
        self.rest_api_id = rest_api_id
        self.http_method = http_method
        self.resource = apigateway.get_resource(restApiId=rest_api_id, resourceId=resource_id)
        integration = apigateway.get_integration(restApiId=rest_api_id, resourceId=resource_id, httpMethod=http_method)
        match = _LAMBDA_URI.match(integration.get("uri", ""))
        if integration.get("type") != "AWS_PROXY" or integration.get("httpMethod") != "POST" or not match:
            raise ValueError(f"not a Lambda proxy integration: {integration.get('type')} {integration.get('uri')}")
        self.function_arn, partition, self.region, self.account_id = match.groups()
        _, _, name_and_qualifier = self.function_arn.partition(":function:")
        name, _, qualifier = name_and_qualifier.partition(":")
        self.function_name: str = name
        stage = apigateway.get_stages(restApiId=rest_api_id)["item"][0]
        self.stage, self.deployment_id = stage["stageName"], stage.get("deploymentId")
        self.source_arn = (
            f"arn:{partition}:execute-api:{self.region}:{self.account_id}:{rest_api_id}"
            f"/{self.stage}/{http_method}{self.resource['path']}"
        )
        self.permitted = self._permitted(lambda_client, qualifier or None)

    def _permitted(self, lambda_client: Any, qualifier: str | None) -> bool:
        """Does the function's resource policy let API Gateway invoke it from this source ARN?"""
        args = {"FunctionName": self.function_name, **({"Qualifier": qualifier} if qualifier else {})}
        try:
            statements = json.loads(lambda_client.get_policy(**args)["Policy"])["Statement"]
        except lambda_client.exceptions.ResourceNotFoundException:
            return False
        for statement in statements:
            principal = statement.get("Principal", {})
            service = principal.get("Service") if isinstance(principal, dict) else None
            source = (statement.get("Condition", {}).get("ArnLike", {})).get("AWS:SourceArn", "")
            if (
                statement.get("Effect") == "Allow"
                and service == "apigateway.amazonaws.com"
                and statement.get("Action") in ("lambda:InvokeFunction", ["lambda:InvokeFunction"])
                and source
                and fnmatch.fnmatchcase(self.source_arn, source)
            ):
                return True
        return False

    def event(
        self, body: str | None, *, headers: dict[str, str], request_time_ms: int, request_id: str
    ) -> dict[str, Any]:
        """The REST API Lambda proxy event (payload 1.0) for one request."""
        path = self.resource["path"]
        domain = f"{self.rest_api_id}.execute-api.{self.region}.amazonaws.com"
        all_headers = {"Host": domain, **headers}
        identity_fields = (
            "cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller", "principalOrgId", "accessKey",
            "cognitoAuthenticationType", "cognitoAuthenticationProvider", "userArn", "user",
        )  # fmt: skip
        request_time = datetime.fromtimestamp(request_time_ms / 1000, tz=UTC)
        return {
            "resource": path,
            "path": path,
            "httpMethod": self.http_method,
            "headers": all_headers,
            "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "pathParameters": None,
            "stageVariables": None,
            "requestContext": {
                "resourceId": self.resource["id"],
                "resourcePath": path,
                "httpMethod": self.http_method,
                "extendedRequestId": request_id[:16],
                "requestTime": request_time.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "path": f"/{self.stage}{path}",
                "accountId": self.account_id,
                "protocol": "HTTP/1.1",
                "stage": self.stage,
                "domainPrefix": self.rest_api_id,
                "requestTimeEpoch": request_time_ms,
                "requestId": request_id,
                "identity": {
                    **dict.fromkeys(identity_fields),
                    "sourceIp": "127.0.0.1",
                    "userAgent": all_headers.get("User-Agent"),
                },
                "domainName": domain,
                "deploymentId": self.deployment_id,
                "apiId": self.rest_api_id,
            },
            "body": body,
            "isBase64Encoded": False,
        }

    def send(
        self,
        environment: Invoker,
        body: str | None,
        *,
        request_time_ms: int,
        headers: dict[str, str] | None = None,
    ) -> Response:
        """One request: permission check, proxy event, the function's answer as the response."""
        request_id = str(uuid.uuid4())
        if not self.permitted:
            return Response(500, _INTERNAL_ERROR, request_id)  # "Invalid permissions on Lambda function"
        event = self.event(
            body,
            headers={"Content-Type": "application/json", **(headers or {})},
            request_time_ms=request_time_ms,
            request_id=request_id,
        )
        try:
            result = environment.invoke(event)
        except Exception:  # a function error is API Gateway's 502, whatever it was
            return Response(502, _INTERNAL_ERROR, request_id)
        status = result.get("statusCode") if isinstance(result, dict) else None
        answer = result.get("body", "") if isinstance(result, dict) else None
        if not isinstance(status, int) or not 100 <= status <= 599 or not isinstance(answer, str):
            return Response(502, _INTERNAL_ERROR, request_id)  # "Malformed Lambda proxy response"
        return Response(status, answer, request_id)
