"""Plays a deployed REST API's AWS integrations, which the emulator stores but does not run.

Everything is read back from the emulator's API Gateway API (method, validator, model,
integration URI, credentials role, request and response templates), never from our own
Terraform, so what is tested is what was deployed:

- the request body is validated against the method's model (JSON Schema draft-04, as API
  Gateway does): a bad body is a 400 and nothing is sent;
- the integration's request template is rendered with a real Velocity engine (emulation.harness.vtl);
- an SQS integration's rendered form parameters are POSTed, SigV4-signed with the integration
  role's credentials, to the queue's query API, as API Gateway does; for volume, accepted
  requests can be combined into SendMessageBatch calls whose entries are exactly the rendered
  parameters (only the `SendMessageBatchRequestEntry.N.` prefix is added);
- a DynamoDB integration's rendered JSON is sent as that action with the read role;
- the integration response template is rendered on the service's answer.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

import fastjsonschema
import urllib3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulation.harness import vtl
from emulation.harness.accounts import SimulatedAccount

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
        response = self.account.client("sts").assume_role(RoleArn=role_arn, RoleSessionName="apigateway-integration")
        c = response["Credentials"]
        return Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])

    # -- request side ----------------------------------------------------------------------

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

    def _context(self, request_time_ms: int, *, request_id: str | None = None) -> dict[str, Any]:
        """$context as API Gateway fills it for this method's stage, account and API."""
        return vtl.context(
            request_id=request_id,
            request_time_ms=request_time_ms,
            http_method=self.http_method,
            resource_path=self.resource["path"],
            stage=self.stage,
            account_id=self.account.account_id,
            api_id=self.rest_api_id,
        )

    def _render(self, body: str, path: dict[str, str], request_time_ms: int) -> _Rendered:
        request = vtl.Request(body=body, path=dict(path), header={"Content-Type": "application/json"})
        ctx = self._context(request_time_ms, request_id=str(uuid.uuid4()))
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

    def send(self, body: str, path: dict[str, str], *, request_time_ms: int) -> Response:
        """One request exactly as API Gateway runs it: validate, render, SendMessage, respond."""
        if (error := self.validation_error(body)) is not None:
            return Response(400, json.dumps({"message": error}), "")
        rendered = self._render(body, path, request_time_ms)
        root = self._sqs_post(rendered.form)
        message_id = root.findtext(".//sqs:MessageId", namespaces=_SQS_NS)
        answer = json.dumps({"SendMessageResponse": {"SendMessageResult": {"MessageId": message_id}}})
        return self._accepted(rendered, answer)

    def send_batched(self, requests: Sequence[tuple[str, dict[str, str], int]]) -> list[Response]:
        """Many requests: each validated and rendered alone, queued ten per SendMessageBatch.

        The real API sends one SendMessage per request; batching only cuts the emulator's HTTP
        round trips. Each entry carries exactly the parameters the template rendered.
        """
        responses: list[Response | None] = [None] * len(requests)
        pending: list[tuple[int, _Rendered]] = []
        for index, (body, path, request_time_ms) in enumerate(requests):
            if (error := self.validation_error(body)) is not None:
                responses[index] = Response(400, json.dumps({"message": error}), "")
            else:
                pending.append((index, self._render(body, path, request_time_ms)))
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

    def query(self, path: dict[str, str], *, request_time_ms: int) -> Response:
        """A read route: render the request, call DynamoDB as the read role, render the answer."""
        match = _DYNAMODB_URI.match(self.integration["uri"])
        if not match:
            raise ValueError(f"not a DynamoDB integration: {self.integration['uri']}")
        _, action = match.groups()
        request = vtl.Request(path=dict(path))
        ctx = self._context(request_time_ms)
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
