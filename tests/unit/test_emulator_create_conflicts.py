"""A repeated create is refused where AWS refuses it, and the first resource is left as it was.

Each test applies the patches itself (the unit tests' in-process moto is not patched by default)."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulation import create_conflicts
from tests.conftest import REGION, deploy_function, table_with_stream


@pytest.fixture
def patched(mocked_aws: None) -> None:
    create_conflicts.apply_all()


def _refused(call: Any, **kwargs: Any) -> ClientError:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value


def _queue_arn(name: str) -> str:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


# --- Lambda: CreateEventSourceMapping -------------------------------------------------------


def test_repeated_sqs_event_source_mapping_is_refused(patched: None) -> None:
    awslambda = boto3.client("lambda", region_name=REGION)
    queue_arn, function_arn = _queue_arn("source"), deploy_function("fn")
    first = awslambda.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function_arn, BatchSize=5)

    error = _refused(awslambda.create_event_source_mapping, EventSourceArn=queue_arn, FunctionName="fn", BatchSize=7)

    assert error.response["Error"]["Code"] == "ResourceConflictException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.response["Error"]["Message"] == (
        f'An event source mapping with SQS arn (" {queue_arn} ") and function (" fn ") already exists. '
        f"Please update or delete the existing mapping with UUID {first['UUID']}"
    )
    mappings = awslambda.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    assert [(m["UUID"], m["BatchSize"]) for m in mappings] == [(first["UUID"], 5)]


def test_repeated_stream_event_source_mapping_is_refused(patched: None) -> None:
    stream_arn = table_with_stream("t")
    awslambda = boto3.client("lambda", region_name=REGION)
    deploy_function("fn")
    spec = {"EventSourceArn": stream_arn, "FunctionName": "fn", "StartingPosition": "TRIM_HORIZON"}
    first = awslambda.create_event_source_mapping(**spec)

    error = _refused(awslambda.create_event_source_mapping, **spec)

    assert error.response["Error"]["Code"] == "ResourceConflictException"
    assert error.response["Error"]["Message"] == (
        f'The event source arn (" {stream_arn} ") and function (" fn ") provided mapping already exists. '
        f"Please update or delete the existing mapping with UUID {first['UUID']}"
    )
    mappings = awslambda.list_event_source_mappings(EventSourceArn=stream_arn)["EventSourceMappings"]
    assert [m["UUID"] for m in mappings] == [first["UUID"]]


def test_event_source_mapping_of_another_function_update_and_recreate_still_work(patched: None) -> None:
    awslambda = boto3.client("lambda", region_name=REGION)
    queue_arn, _ = _queue_arn("source"), deploy_function("fn")
    deploy_function("other")
    first = awslambda.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="fn", BatchSize=5)

    awslambda.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="other")  # another function
    assert awslambda.update_event_source_mapping(UUID=first["UUID"], BatchSize=9)["BatchSize"] == 9
    awslambda.delete_event_source_mapping(UUID=first["UUID"])
    awslambda.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName="fn")  # after a delete

    mappings = awslambda.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    assert sorted(m["FunctionArn"].rsplit(":", 1)[-1] for m in mappings) == ["fn", "other"]


# --- Lambda: AddPermission, CreateAlias -----------------------------------------------------


def _permission(function: str, sid: str, source: str) -> dict[str, Any]:
    return {
        "FunctionName": function,
        "StatementId": sid,
        "Action": "lambda:InvokeFunction",
        "Principal": "sns.amazonaws.com",
        "SourceArn": source,
    }


def _statements(function: str) -> list[dict[str, Any]]:
    policy = boto3.client("lambda", region_name=REGION).get_policy(FunctionName=function)["Policy"]
    return list(json.loads(policy)["Statement"])


def test_repeated_permission_statement_id_is_refused(patched: None) -> None:
    awslambda = boto3.client("lambda", region_name=REGION)
    deploy_function("fn")
    topic = f"arn:aws:sns:{REGION}:123456789012:"
    awslambda.add_permission(**_permission("fn", "AllowSns", topic + "first"))

    error = _refused(awslambda.add_permission, **_permission("fn", "AllowSns", topic + "second"))

    assert error.response["Error"]["Code"] == "ResourceConflictException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.response["Error"]["Message"] == (
        "The statement id (AllowSns) provided already exists. "
        "Please provide a new statement id, or remove the existing statement."
    )
    [statement] = _statements("fn")
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == topic + "first"


def test_permission_with_other_statement_id_or_function_and_after_removal_still_work(patched: None) -> None:
    awslambda = boto3.client("lambda", region_name=REGION)
    deploy_function("fn")
    deploy_function("other")
    topic = f"arn:aws:sns:{REGION}:123456789012:t"
    awslambda.add_permission(**_permission("fn", "AllowSns", topic))
    awslambda.add_permission(**_permission("fn", "AllowSns2", topic))  # another statement id
    awslambda.add_permission(**_permission("other", "AllowSns", topic))  # another function
    awslambda.remove_permission(FunctionName="fn", StatementId="AllowSns")
    awslambda.add_permission(**_permission("fn", "AllowSns", topic))  # after its removal
    assert sorted(s["Sid"] for s in _statements("fn")) == ["AllowSns", "AllowSns2"]
    assert [s["Sid"] for s in _statements("other")] == ["AllowSns"]


def test_repeated_alias_is_refused_with_lambdas_error_code(patched: None) -> None:
    awslambda = boto3.client("lambda", region_name=REGION)
    deploy_function("fn")
    version = awslambda.publish_version(FunctionName="fn")["Version"]
    awslambda.create_alias(FunctionName="fn", Name="live", FunctionVersion=version, Description="first")

    error = _refused(awslambda.create_alias, FunctionName="fn", Name="live", FunctionVersion="$LATEST")

    assert error.response["Error"]["Code"] == "ResourceConflictException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.response["Error"]["Message"].startswith("Alias already exists: arn:aws:lambda:")
    alias = awslambda.get_alias(FunctionName="fn", Name="live")
    assert (alias["FunctionVersion"], alias["Description"]) == (version, "first")


# --- SNS: Subscribe -------------------------------------------------------------------------


def _subscription(filter_policy: dict[str, Any]) -> dict[str, Any]:
    topic = boto3.client("sns", region_name=REGION).create_topic(Name="topic")["TopicArn"]
    attributes = {"FilterPolicy": json.dumps(filter_policy), "RawMessageDelivery": "true"}
    return {"TopicArn": topic, "Protocol": "sqs", "Endpoint": _queue_arn("target"), "Attributes": attributes}


def test_subscribe_with_different_attributes_is_refused(patched: None) -> None:
    sns = boto3.client("sns", region_name=REGION)
    first = _subscription({"kind": ["a"]})
    arn = sns.subscribe(**first, ReturnSubscriptionArn=True)["SubscriptionArn"]
    second = {**first, "Attributes": {**first["Attributes"], "FilterPolicy": json.dumps({"kind": ["b"]})}}

    error = _refused(sns.subscribe, **second, ReturnSubscriptionArn=True)

    assert error.response["Error"]["Code"] == "InvalidParameter"
    assert error.response["Error"]["Message"] == (
        "Invalid parameter: Attributes Reason: Subscription already exists with different attributes"
    )
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=first["TopicArn"])["Subscriptions"]
    assert [s["SubscriptionArn"] for s in subscriptions] == [arn]
    attributes = sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
    assert json.loads(attributes["FilterPolicy"]) == {"kind": ["a"]}


def test_subscribe_with_the_same_attributes_returns_the_existing_subscription(patched: None) -> None:
    sns = boto3.client("sns", region_name=REGION)
    request = _subscription({"kind": ["a"]})
    arn = sns.subscribe(**request, ReturnSubscriptionArn=True)["SubscriptionArn"]
    assert sns.subscribe(**request, ReturnSubscriptionArn=True)["SubscriptionArn"] == arn  # SNS is idempotent
    same_subset = {**request, "Attributes": {"RawMessageDelivery": "True"}}  # only the attributes sent count
    assert sns.subscribe(**same_subset, ReturnSubscriptionArn=True)["SubscriptionArn"] == arn
    assert len(sns.list_subscriptions_by_topic(TopicArn=request["TopicArn"])["Subscriptions"]) == 1


# --- EventBridge Pipes: CreatePipe; EventBridge: CreateConnection, CreateApiDestination ------


def test_repeated_pipe_is_refused(patched: None) -> None:
    pipes = boto3.client("pipes", region_name=REGION)
    role = "arn:aws:iam::123456789012:role/pipe-role"
    source, first_target, second_target = _queue_arn("pipe-source"), _queue_arn("t1"), _queue_arn("t2")
    pipes.create_pipe(Name="pipe", RoleArn=role, Source=source, Target=first_target, Description="first")

    error = _refused(pipes.create_pipe, Name="pipe", RoleArn=role, Source=source, Target=second_target)

    assert error.response["Error"]["Code"] == "ConflictException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    pipe = pipes.describe_pipe(Name="pipe")
    assert (pipe["Target"], pipe["Description"]) == (first_target, "first")
    assert [p["Name"] for p in pipes.list_pipes()["Pipes"]] == ["pipe"]


def _connection(events: Any, key: str) -> str:
    auth = {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": key}}
    return str(events.create_connection(Name="conn", AuthorizationType="API_KEY", AuthParameters=auth)["ConnectionArn"])


def test_repeated_connection_is_refused(patched: None) -> None:
    events = boto3.client("events", region_name=REGION)
    arn = _connection(events, "first")

    with pytest.raises(ClientError) as caught:
        _connection(events, "second")

    assert caught.value.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    assert caught.value.response["Error"]["Message"] == "Connection conn already exists."
    connection = events.describe_connection(Name="conn")
    assert connection["ConnectionArn"] == arn
    secret = boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId=connection["SecretArn"])
    assert "first" in secret["SecretString"]
    assert len(events.list_connections()["Connections"]) == 1


def test_repeated_api_destination_is_refused(patched: None) -> None:
    events = boto3.client("events", region_name=REGION)
    connection = _connection(events, "key")
    spec = {"Name": "dest", "ConnectionArn": connection, "HttpMethod": "POST"}
    first = events.create_api_destination(**spec, InvocationEndpoint="https://example.com/first")

    error = _refused(events.create_api_destination, **spec, InvocationEndpoint="https://example.com/second")

    assert error.response["Error"]["Code"] == "ResourceAlreadyExistsException"
    assert error.response["Error"]["Message"] == "An api-destination 'dest' already exists."
    destination = events.describe_api_destination(Name="dest")
    assert destination["ApiDestinationArn"] == first["ApiDestinationArn"]
    assert destination["InvocationEndpoint"] == "https://example.com/first"


# --- API Gateway: CreateResource, CreateModel, CreateRequestValidator -----------------------


def _rest_api(name: str = "api") -> tuple[str, str]:
    apigateway = boto3.client("apigateway", region_name=REGION)
    api = apigateway.create_rest_api(name=name)["id"]
    root = next(r["id"] for r in apigateway.get_resources(restApiId=api)["items"] if r["path"] == "/")
    return api, root


def test_repeated_api_gateway_resource_is_refused(patched: None) -> None:
    apigateway = boto3.client("apigateway", region_name=REGION)
    api, root = _rest_api()
    first = apigateway.create_resource(restApiId=api, parentId=root, pathPart="orders")

    error = _refused(apigateway.create_resource, restApiId=api, parentId=root, pathPart="orders")

    assert error.response["Error"]["Code"] == "ConflictException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.response["Error"]["Message"] == "Another resource with the same parent already has this name: orders"
    orders = [r["id"] for r in apigateway.get_resources(restApiId=api)["items"] if r["path"] == "/orders"]
    assert orders == [first["id"]]


def test_repeated_api_gateway_model_is_refused(patched: None) -> None:
    apigateway = boto3.client("apigateway", region_name=REGION)
    api, _ = _rest_api()
    schema = json.dumps({"type": "object"})
    first = apigateway.create_model(restApiId=api, name="Order", contentType="application/json", schema=schema)

    error = _refused(apigateway.create_model, restApiId=api, name="Order", contentType="application/json", schema="{}")

    assert error.response["Error"]["Code"] == "ConflictException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert error.response["Error"]["Message"] == "Model name already exists for this REST API"
    model = apigateway.get_model(restApiId=api, modelName="Order")
    assert (model["id"], model["schema"]) == (first["id"], schema)


def test_repeated_api_gateway_request_validator_is_refused(patched: None) -> None:
    apigateway = boto3.client("apigateway", region_name=REGION)
    api, _ = _rest_api()
    first = apigateway.create_request_validator(restApiId=api, name="body", validateRequestBody=True)

    error = _refused(apigateway.create_request_validator, restApiId=api, name="body", validateRequestBody=False)

    assert error.response["Error"]["Code"] == "BadRequestException"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert error.response["Error"]["Message"] == "Request Validator name must be unique"
    validators = apigateway.get_request_validators(restApiId=api)["items"]
    assert [(v["id"], v["validateRequestBody"]) for v in validators] == [(first["id"], True)]


def test_api_gateway_names_repeat_under_another_parent_or_api_and_after_updates(patched: None) -> None:
    apigateway = boto3.client("apigateway", region_name=REGION)
    api, root = _rest_api()
    other_api, _ = _rest_api("other")
    orders = apigateway.create_resource(restApiId=api, parentId=root, pathPart="orders")["id"]
    apigateway.create_resource(restApiId=api, parentId=orders, pathPart="orders")  # another parent
    for rest_api in (api, other_api):  # a model name is unique per API
        apigateway.create_model(restApiId=rest_api, name="Order", contentType="application/json", schema="{}")
    validator = apigateway.create_request_validator(restApiId=api, name="body")["id"]
    apigateway.create_request_validator(restApiId=other_api, name="body")
    renamed = [{"op": "replace", "path": "/name", "value": "renamed"}]
    apigateway.update_request_validator(restApiId=api, requestValidatorId=validator, patchOperations=renamed)
    apigateway.create_request_validator(restApiId=api, name="body")  # the name is free again
    paths = sorted(r["path"] for r in apigateway.get_resources(restApiId=api)["items"])
    assert paths == ["/", "/orders", "/orders/orders"]


def test_patches_apply_once() -> None:
    from moto.awslambda.models import LambdaBackend
    from moto.sns.responses import SNSResponse

    create_conflicts.apply_all()
    first = (LambdaBackend.create_event_source_mapping, SNSResponse.subscribe)
    create_conflicts.apply_all()
    assert (LambdaBackend.create_event_source_mapping, SNSResponse.subscribe) == first
