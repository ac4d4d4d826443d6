"""Make the emulator refuse a repeated create exactly where AWS refuses it.

The Terraform AWS provider sometimes retries a create whose first response it never read. AWS
refuses the second create with a conflict; moto 5.2.5 accepts some of them and makes a second
resource (or silently rewrites the first) that Terraform never tracks. Each patch below adds
the check AWS makes, before moto's own create, and raises moto's exception class with AWS's
error code and message, so the provider fails loudly as it would against AWS. Updates and
reads are untouched. Tests: tests/unit/test_emulator_create_conflicts.py. Candidates for
upstream pull requests. Resource types moto 5.2.5 already refuses as AWS does (event bus,
archive, KMS alias, API Gateway stage, log group, IAM role/policy, DynamoDB table, SQS queue,
Lambda function) need no patch.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

_MARK = "_switchyard_create_conflict"


def _install(owner: Any, name: str, patch: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace `owner.name` by `patch(original)` once (functools.wraps keeps other patches' marks).

    The function is marked, as in emulator_patches, and so is the class: emulator_patches wraps
    create_event_source_mapping without functools.wraps, which would drop a function-only mark.
    """
    class_mark = f"{_MARK}_{name}"
    if getattr(owner, class_mark, False):
        return
    original = getattr(owner, name)
    patched = functools.wraps(original)(patch(original))
    setattr(patched, _MARK, True)
    setattr(owner, name, patched)
    setattr(owner, class_mark, True)


def _check_first(owner: Any, name: str, check: Callable[..., None]) -> None:
    """Run `check(self, *args, **kwargs)` (which raises on a conflict) before `owner.name`."""

    def patch(original: Callable[..., Any]) -> Callable[..., Any]:
        def checked(self: Any, *args: Any, **kwargs: Any) -> Any:
            check(self, *args, **kwargs)
            return original(self, *args, **kwargs)

        return checked

    _install(owner, name, patch)


def _lambda_conflict(message: str) -> Exception:
    from moto.awslambda.exceptions import LambdaClientError

    error = LambdaClientError("ResourceConflictException", message)
    error.code = 409  # HTTP status, as Lambda answers ResourceConflictException
    return error


def event_source_mapping_conflict() -> None:
    """Refuse a second mapping of one event source to one function (Lambda API Reference,
    CreateEventSourceMapping: ResourceConflictException, 409).

    moto 5.2.5 means to refuse it for SQS but looks up the literal key "func.function_arn", so
    it never does, and it never checks streams: each retried create adds a mapping. The same
    source mapped to another function is allowed, as on AWS.
    """
    from moto.awslambda.models import LambdaBackend

    def check(self: Any, spec: dict[str, Any]) -> None:
        source, name = spec.get("EventSourceArn"), spec.get("FunctionName")
        if not (source and name):
            return  # moto answers the missing parameter itself
        function = self._lambdas.get_function_by_name_or_arn_with_qualifier(name)
        for esm in self._event_source_mappings.values():
            if esm.event_source_arn == source and esm.function_arn == function.function_arn:
                who = f'arn (" {source} ") and function (" {function.function_name} ")'
                tail = f"Please update or delete the existing mapping with UUID {esm.uuid}"
                if source.split(":")[2] == "sqs":
                    raise _lambda_conflict(f"An event source mapping with SQS {who} already exists. {tail}")
                raise _lambda_conflict(f"The event source {who} provided mapping already exists. {tail}")

    _check_first(LambdaBackend, "create_event_source_mapping", check)


def permission_statement_id_conflict() -> None:
    """Refuse AddPermission with a statement id the function's policy already holds (Lambda API
    Reference, AddPermission: ResourceConflictException, 409).

    moto 5.2.5 appends a second statement with the same Sid. The scope is the qualified
    function: the same Sid on another function, version or alias is allowed.
    """
    from moto.awslambda.models import LambdaBackend

    def check(self: Any, function_name: str, qualifier: str | None, raw: str) -> None:
        sid = json.loads(raw).get("StatementId")
        function = self.get_function(function_name, qualifier)
        resource = function.function_arn + (f":{qualifier}" if qualifier else "")  # as moto stores it
        if sid and any(s.get("Sid") == sid and s.get("Resource") == resource for s in function.policy.statements):
            raise _lambda_conflict(
                f"The statement id ({sid}) provided already exists. "
                "Please provide a new statement id, or remove the existing statement."
            )

    _check_first(LambdaBackend, "add_permission", check)


def lambda_alias_conflict_code() -> None:
    """Answer a repeated CreateAlias with ResourceConflictException (Lambda API Reference,
    CreateAlias: ResourceConflictException, 409).

    moto 5.2.5 refuses it with the right message but the code "ConflictException", which is
    not in Lambda's error model: the provider sees an unknown error, not the one AWS sends.
    """
    from moto.awslambda.exceptions import ConflictException
    from moto.awslambda.models import LambdaBackend

    def patch(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_alias(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return original(self, *args, **kwargs)
            except ConflictException as error:
                raise _lambda_conflict(error.message) from None

        return create_alias

    _install(LambdaBackend, "create_alias", patch)


def subscription_attributes_conflict() -> None:
    """Refuse Subscribe for an existing topic + protocol + endpoint when an attribute sent differs
    (SNS API Reference, Subscribe: InvalidParameter, 400).

    SNS returns the existing subscription when the attributes sent match (moto 5.2.5 does that
    too) and refuses otherwise; moto overwrites the existing subscription's attributes, so two
    subscriptions declared with different filter policies silently become one. Only the
    attributes in the request are compared, as SNS does.
    """
    from moto.sns.exceptions import SNSInvalidParameter
    from moto.sns.responses import SNSResponse

    def check(self: Any) -> None:
        params = (self._get_param("TopicArn"), self._get_param("Endpoint"), self._get_param("Protocol"))
        existing = self.backend._find_subscription(*params)
        attributes = self._get_attributes() or {}  # RawMessageDelivery as moto stores it: a bool
        if existing is not None and any(existing.attributes.get(k) != v for k, v in attributes.items()):
            raise SNSInvalidParameter(
                "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"
            )

    _check_first(SNSResponse, "subscribe", check)


def pipe_name_conflict() -> None:
    """Refuse CreatePipe with the name of an existing pipe (EventBridge Pipes API Reference,
    CreatePipe: ConflictException, 409).

    moto 5.2.5 replaces the existing pipe with the new one. The code and status are AWS's; the
    message wording is not in AWS's documentation (the one other emulators use).
    """
    from moto.pipes.exceptions import ConflictException
    from moto.pipes.models import EventBridgePipesBackend

    def check(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        if name in self.pipes:
            raise ConflictException(f"Pipe {name} already exists.", resource_id=name, resource_type="pipe")

    _check_first(EventBridgePipesBackend, "create_pipe", check)


def eventbridge_connection_and_destination_conflicts() -> None:
    """Refuse CreateConnection and CreateApiDestination with an existing name (EventBridge API
    Reference, CreateConnection / CreateApiDestination: ResourceAlreadyExistsException).

    moto 5.2.5 replaces the existing one (a connection also gets a second auth secret).
    """
    from moto.events.exceptions import ResourceAlreadyExistsException
    from moto.events.models import EventsBackend

    def connection(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        if name in self.connections:
            raise ResourceAlreadyExistsException(f"Connection {name} already exists.")

    def destination(self: Any, name: str, *args: Any, **kwargs: Any) -> None:
        if name in self.destinations:
            raise ResourceAlreadyExistsException(f"An api-destination '{name}' already exists.")

    _check_first(EventsBackend, "create_connection", connection)
    _check_first(EventsBackend, "create_api_destination", destination)


def api_gateway_create_conflicts() -> None:
    """Refuse the API Gateway creates that repeat a name (API Gateway REST API Reference):
    CreateResource with a pathPart its parent already has (ConflictException, 409),
    CreateModel with an existing model name (ConflictException, 409), CreateRequestValidator
    with an existing validator name (BadRequestException, 400: "Request Validator name must be
    unique").

    moto 5.2.5 adds a second resource and a second validator, and replaces the model.
    """
    from moto.apigateway.exceptions import BadRequestException, ConflictException
    from moto.apigateway.models import APIGatewayBackend

    def resource(self: Any, function_id: str, parent_resource_id: str, path_part: str) -> None:
        siblings = self.get_rest_api(function_id).resources.values()
        if path_part and any(r.parent_id == parent_resource_id and r.path_part == path_part for r in siblings):
            raise ConflictException(f"Another resource with the same parent already has this name: {path_part}")

    def model(self: Any, rest_api_id: str, name: str, *args: Any, **kwargs: Any) -> None:
        if rest_api_id and name and name in self.get_rest_api(rest_api_id).models:
            raise ConflictException("Model name already exists for this REST API")

    def validator(self: Any, restapi_id: str, name: str | None, *args: Any, **kwargs: Any) -> None:
        validators = self.get_rest_api(restapi_id).request_validators.values()
        if name and any(v.name == name for v in validators):
            raise BadRequestException("Request Validator name must be unique")

    _check_first(APIGatewayBackend, "create_resource", resource)
    _check_first(APIGatewayBackend, "create_model", model)
    _check_first(APIGatewayBackend, "create_request_validator", validator)


def apply_all() -> None:
    event_source_mapping_conflict()
    permission_statement_id_conflict()
    lambda_alias_conflict_code()
    subscription_attributes_conflict()
    pipe_name_conflict()
    eventbridge_connection_and_destination_conflicts()
    api_gateway_create_conflicts()
