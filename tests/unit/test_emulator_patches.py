"""Each emulator patch corrects one moto behaviour; each test shows the corrected behaviour."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulation import emulator_patches
from tests.conftest import REGION, deploy_function, table_with_stream


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    """A threaded moto server on a free port, as the emulator runs it; yields its base URL.
    Apply the patch under test first: the server reads moto's routes when it starts."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_redrive_policy_is_returned_as_compact_json(mocked_aws: None) -> None:
    emulator_patches.compact_sqs_redrive_policy()
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5}, separators=(",", ":"))
    queue = sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    returned = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert returned["RedrivePolicy"] == policy  # byte for byte, as AWS returns it
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["All"])["Attributes"]


def test_sqs_event_source_mapping_is_kept_as_a_record_only(mocked_aws: None) -> None:
    emulator_patches.passive_event_source_mappings()
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="source")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    function_arn = deploy_function()
    awslambda = boto3.client("lambda", region_name=REGION)
    mapping = awslambda.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=function_arn, BatchSize=5)
    # The mapping is still there for Terraform to read and the harness to play...
    assert awslambda.get_event_source_mapping(UUID=mapping["UUID"])["BatchSize"] == 5
    # ...but a send no longer triggers moto's own (Docker) invocation, which received the message.
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    message = sqs.receive_message(QueueUrl=queue, AttributeNames=["All"])["Messages"][0]
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"


def test_dynamodb_table_trigger_is_unhooked(mocked_aws: None) -> None:
    # moto's in-process DynamoDB Streams API rejects botocore 1.44's requests ("Not yet
    # implemented"), so this checks the trigger dict that would empty the stream records.
    emulator_patches.passive_event_source_mappings()
    from moto.dynamodb.models import dynamodb_backends

    stream_arn = table_with_stream("t")
    boto3.client("lambda", region_name=REGION).create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=deploy_function(), StartingPosition="TRIM_HORIZON"
    )
    table = dynamodb_backends["123456789012"][REGION].get_table("t")
    assert table.lambda_event_source_mappings == {}
    boto3.client("dynamodb", region_name=REGION).put_item(TableName="t", Item={"pk": {"S": "a"}})
    assert [record.record["eventName"] for record in table.stream_shard.items] == ["INSERT"]


def test_patches_apply_once() -> None:
    emulator_patches.apply_all()
    from moto.awslambda.models import LambdaBackend
    from moto.sqs.models import Queue, SQSBackend

    first = (Queue.attributes.fget, LambdaBackend.create_event_source_mapping, SQSBackend.receive_message)
    emulator_patches.apply_all()
    assert (Queue.attributes.fget, LambdaBackend.create_event_source_mapping, SQSBackend.receive_message) == first


def test_failed_transaction_restores_the_items_it_touched_without_copying_tables(mocked_aws: None) -> None:
    from moto.dynamodb.models.table import Table

    emulator_patches.item_level_transaction_rollback()

    def no_whole_table_copies(self: Table, memo: object) -> Table:
        raise AssertionError("a whole table was deep-copied")

    Table.__deepcopy__ = no_whole_table_copies  # type: ignore[attr-defined]
    try:
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName="t",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
        )
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "p"}, "sk": {"S": "counter"}, "n": {"N": "1"}})
        dynamodb.put_item(TableName="t", Item={"pk": {"S": "p"}, "sk": {"S": "guard"}})
        # GIVEN a transaction whose first two writes apply and whose last condition fails
        items = [
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "p"}, "sk": {"S": "counter"}},
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}},
                }
            },
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "p"}, "sk": {"S": "new"}}}},
            {
                "Put": {
                    "TableName": "t",
                    "Item": {"pk": {"S": "p"}, "sk": {"S": "guard"}},
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            },
        ]
        try:
            dynamodb.transact_write_items(TransactItems=items)
        except dynamodb.exceptions.TransactionCanceledException as error:
            reasons = [r["Code"] for r in error.response["CancellationReasons"]]
        else:
            raise AssertionError("the transaction should have been cancelled")
        # THEN nothing it wrote remains, and the reasons are AWS's
        assert reasons == ["None", "None", "ConditionalCheckFailed"]
        stored = dynamodb.scan(TableName="t")["Items"]
        assert sorted((i["sk"]["S"], i.get("n", {}).get("N")) for i in stored) == [("counter", "1"), ("guard", None)]
        # AND a transaction that succeeds still applies every write
        dynamodb.transact_write_items(TransactItems=items[:2])
        assert len(dynamodb.scan(TableName="t")["Items"]) == 3
    finally:
        del Table.__deepcopy__  # type: ignore[attr-defined]


def test_the_simulated_clock_moves_sqs_visibility_forward_in_process(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="clocked")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="m")
    assert sqs.receive_message(QueueUrl=queue, VisibilityTimeout=600)["Messages"]
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)  # in flight for 600 s
    emulator_patches.set_clock_offset(601)
    assert sqs.receive_message(QueueUrl=queue)["Messages"][0]["Body"] == "m"  # no sleeping
    with pytest.raises(ValueError, match="only moves forward"):
        emulator_patches.set_clock_offset(1)


def test_the_simulated_clock_is_set_over_http_on_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from emulation.harness.clock import SimulatedClock

    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    with moto_server() as url:
        clock = SimulatedClock.of_emulator(url)
        assert clock.offset == 0.0
        clock.advance(90)
        assert emulator_patches.clock_offset() == 90.0 == SimulatedClock.of_emulator(url).offset


def test_a_fifo_group_keeps_its_order_after_a_visibility_timeout(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator_patches.simulated_clock()
    emulator_patches.fifo_order_after_visibility_timeout()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(
        QueueName="ordered.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    for body in ("a1", "a2", "a3"):
        sqs.send_message(QueueUrl=queue, MessageBody=body, MessageGroupId="a")
    first = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, VisibilityTimeout=30)["Messages"]
    sqs.delete_message(QueueUrl=queue, ReceiptHandle=first[0]["ReceiptHandle"])  # a1 done; a2, a3 time out
    emulator_patches.set_clock_offset(31)
    again = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in again] == ["a2", "a3"]  # without the patch moto returns a3 first


def test_messages_past_their_retention_are_deleted_and_the_rest_served(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator_patches.simulated_clock()
    emulator_patches.sqs_attributes_computed_once()
    emulator_patches.expired_messages_deleted()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="retained", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="old")
    emulator_patches.set_clock_offset(61)  # "old" is past the 60 s retention
    sqs.send_message(QueueUrl=queue, MessageBody="new")
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in received] == ["new"]  # moto alone answers nothing and keeps "old" in flight
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert (attributes["ApproximateNumberOfMessages"], attributes["ApproximateNumberOfMessagesNotVisible"]) == (
        "0",
        "1",
    )


def test_concurrent_conditional_writes_cannot_both_succeed(mocked_aws: None) -> None:
    import threading

    emulator_patches.serialized_writes()
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName="votes",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    from moto.dynamodb.models import DynamoDBBackend

    assert getattr(DynamoDBBackend.transact_write_items, "_switchyard_serialized", False)
    wins: list[int] = []

    def vote(n: int) -> None:
        try:
            dynamodb.put_item(
                TableName="votes",
                Item={"pk": {"S": "u1"}, "n": {"N": str(n)}},
                ConditionExpression="attribute_not_exists(pk)",
            )
            wins.append(n)
        except dynamodb.exceptions.ConditionalCheckFailedException:
            pass

    threads = [threading.Thread(target=vote, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1


def test_the_ttl_sweep_runs_over_http_on_the_server() -> None:
    from emulation.harness.clock import sweep_ttl

    emulator_patches.ttl_expiry()
    with moto_server() as url:
        assert sweep_ttl(url) == 0  # no table with TTL: nothing expired


def test_api_destination_call_carries_body_auth_and_dynamic_parameters(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from emulation.webhook_receiver import WebhookReceiver

    monkeypatch.setenv("MOTO_EVENTS_INVOKE_HTTP", "true")
    emulator_patches.api_destination_body_and_auth()
    events = boto3.client("events", region_name=REGION)
    events.create_event_bus(Name="bus")
    with WebhookReceiver(max_requests=10, lifetime_s=30) as receiver:
        for name, auth_type, auth in (
            ("crm", "API_KEY", {"ApiKeyAuthParameters": {"ApiKeyName": "X-Api-Key", "ApiKeyValue": "k3y"}}),
            ("tickets", "BASIC", {"BasicAuthParameters": {"Username": "swy", "Password": "pw"}}),
        ):
            connection = events.create_connection(Name=name, AuthorizationType=auth_type, AuthParameters=auth)
            destination = events.create_api_destination(
                Name=name,
                ConnectionArn=connection["ConnectionArn"],
                InvocationEndpoint=f"{receiver.url}/{name}",
                HttpMethod="POST",
            )["ApiDestinationArn"]
            events.put_rule(Name=name, EventBusName="bus", EventPattern=json.dumps({"detail-type": [name]}))
            events.put_targets(
                Rule=name,
                EventBusName="bus",
                Targets=[
                    {
                        "Id": name,
                        "Arn": destination,
                        "RoleArn": "arn:aws:iam::123456789012:role/invoke",
                        "InputTransformer": {
                            "InputPathsMap": {"email": "$.detail.email"},
                            "InputTemplate": '{"contact": {"email": "<email>"}, "kind": "' + name + '"}',
                        },
                        "HttpParameters": {
                            "HeaderParameters": {"Idempotency-Key": "$.detail.id", "X-Static": "s"},
                            "QueryStringParameters": {"source": "$.source"},
                        },
                    }
                ],
            )
        for name in ("crm", "tickets", "nobody"):
            detail = {"id": f"evt-{name}", "email": f"{name}@example.com"}
            events.put_events(
                Entries=[{"EventBusName": "bus", "Source": "swy", "DetailType": name, "Detail": json.dumps(detail)}]
            )
    crm, tickets = receiver.requests  # one call per matching event, none for "nobody"
    assert (crm.method, crm.path, crm.query) == ("POST", "/crm", {"source": ["swy"]})
    assert json.loads(crm.body) == {"contact": {"email": "crm@example.com"}, "kind": "crm"}
    assert crm.headers["x-api-key"] == "k3y" and "authorization" not in crm.headers
    assert crm.headers["idempotency-key"] == "evt-crm" and crm.headers["x-static"] == "s"
    assert crm.headers["content-type"] == "application/json; charset=utf-8"
    assert json.loads(tickets.body) == {"contact": {"email": "tickets@example.com"}, "kind": "tickets"}
    assert tickets.headers["authorization"] == "Basic c3d5OnB3"  # base64("swy:pw")
    assert tickets.headers["idempotency-key"] == "evt-tickets" and "x-api-key" not in tickets.headers


def test_the_webhook_receiver_is_bounded() -> None:
    import urllib.error
    import urllib.request

    from emulation.webhook_receiver import WebhookReceiver

    with WebhookReceiver(max_requests=1, lifetime_s=30) as receiver:
        urllib.request.urlopen(urllib.request.Request(f"{receiver.url}/a", data=b"{}"), timeout=5)
        with pytest.raises(urllib.error.HTTPError, match="503"):
            urllib.request.urlopen(urllib.request.Request(f"{receiver.url}/b", data=b"{}"), timeout=5)
    assert [r.path for r in receiver.requests] == ["/a"]
    stopped = WebhookReceiver(lifetime_s=0.2).start()
    stopped._thread.join(timeout=5)  # it shuts itself down after lifetime_s
    assert not stopped._thread.is_alive()


def test_queue_attributes_are_computed_once_per_read_and_never_per_received_message(
    mocked_aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from botocore.exceptions import ClientError
    from moto.sqs.models import Queue

    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    emulator_patches.sqs_attributes_computed_once()
    computed = {"n": 0}
    attributes = Queue.attributes.fget

    def counting(self: Queue) -> object:
        computed["n"] += 1
        return attributes(self)

    monkeypatch.setattr(Queue, "attributes", property(counting))
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="counted", Attributes={"MessageRetentionPeriod": "600"})["QueueUrl"]
    sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)])

    computed["n"] = 0
    names = ["ApproximateNumberOfMessages", "MessageRetentionPeriod", "QueueArn"]
    read = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=names)["Attributes"]
    assert computed["n"] == 1  # moto 5.2.5 alone: 9
    assert read["ApproximateNumberOfMessages"] == "10" and read["MessageRetentionPeriod"] == "600"
    assert set(read) == set(names)

    computed["n"] = 0
    assert len(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]) == 10
    assert computed["n"] == 0  # moto 5.2.5 alone: 3 per received message

    with pytest.raises(ClientError) as refused:
        sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["NotAnAttribute"])
    assert refused.value.response["Error"]["Code"] == "InvalidAttributeName"

    # retention still applies, on the simulated clock: a message past it is not delivered
    sqs.send_message(QueueUrl=queue, MessageBody="old")
    emulator_patches.set_clock_offset(601)
    assert "Messages" not in sqs.receive_message(QueueUrl=queue)


# --- IAM enforcement (emulator_patches.iam_enforcement) ----------------------------------------

ACCOUNT = "123456789012"  # moto's default account: where the operator's keys put resources


@pytest.fixture
def enforcing(mocked_aws: None) -> Iterator[None]:
    """Enforcement on for the test (in process, as the server's switch sets it), off afterwards."""
    emulator_patches.iam_enforcement()
    emulator_patches.set_iam_enforcement(True)
    try:
        yield
    finally:
        emulator_patches.set_iam_enforcement(False)


def _role(name: str, statements: list[dict[str, object]], trust_service: str | None = None) -> boto3.Session:
    """A role with one inline policy, and a session of it (taken with the operator's keys)."""
    principal = {"Service": trust_service} if trust_service else {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    iam = boto3.client("iam", region_name=REGION)
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    iam.put_role_policy(
        RoleName=name, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements})
    )
    c = boto3.client("sts", region_name=REGION).assume_role(RoleArn=arn, RoleSessionName=name)["Credentials"]
    return boto3.Session(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"], region_name=REGION)


def _error(call: Any) -> str:
    try:
        call()
    except ClientError as error:
        return str(error.response["Error"]["Code"])
    return "allowed"


def _tables(*names: str) -> list[str]:
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    for name in names:
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return [f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}" for name in names]


def test_enforced_iam_allows_a_role_exactly_the_actions_and_resources_it_is_granted(enforcing: None) -> None:
    granted, other = _tables("granted", "other")
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="q")["QueueUrl"]
    topic = boto3.client("sns", region_name=REGION).create_topic(Name="t")["TopicArn"]
    session = _role(
        "fn",
        [
            {"Effect": "Allow", "Action": ["dynamodb:PutItem", "dynamodb:ConditionCheckItem"], "Resource": granted},
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"},
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": topic},
        ],
    )
    dynamodb, fn_sqs, sns = (session.client(s) for s in ("dynamodb", "sqs", "sns"))
    item = {"k": {"S": "1"}}
    assert _error(lambda: dynamodb.put_item(TableName="granted", Item=item)) == "allowed"
    # moto alone checks these against Resource "*", which the grant on the table does not match
    assert _error(lambda: dynamodb.put_item(TableName="other", Item=item)) == "AccessDeniedException"
    assert _error(lambda: dynamodb.get_item(TableName="granted", Key=item)) == "AccessDeniedException"
    # a transaction is authorised per contained action and table, as DynamoDB does
    check = {"ConditionCheck": {"TableName": "granted", "Key": item, "ConditionExpression": "attribute_exists(k)"}}
    put = {"Put": {"TableName": "granted", "Item": {"k": {"S": "2"}}}}
    assert _error(lambda: dynamodb.transact_write_items(TransactItems=[put, check])) == "allowed"
    put_other = {"Put": {"TableName": "other", "Item": item}}
    assert _error(lambda: dynamodb.transact_write_items(TransactItems=[put, put_other])) == "AccessDeniedException"
    # SendMessageBatch is authorised as sqs:SendMessage; the topic grant covers Publish only
    entries = [{"Id": "1", "MessageBody": "m"}]
    assert _error(lambda: fn_sqs.send_message_batch(QueueUrl=queue, Entries=entries)) == "allowed"
    assert _error(lambda: fn_sqs.receive_message(QueueUrl=queue)) == "AccessDeniedException"
    assert _error(lambda: sns.publish(TopicArn=topic, Message="m")) == "allowed"
    assert _error(lambda: sns.create_topic(Name="t2")) == "AccessDenied"  # a query-protocol service: XML

    decisions = emulator_patches.iam_decisions()[f"arn:aws:iam::{ACCOUNT}:role/fn"]
    assert decisions["allowed"] == 4
    assert decisions["denied"] == [
        {"action": "dynamodb:PutItem", "resource": other},
        {"action": "dynamodb:GetItem", "resource": granted},
        {"action": "dynamodb:PutItem", "resource": other},
        {"action": "sqs:ReceiveMessage", "resource": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"},
        {"action": "sns:CreateTopic", "resource": "*"},
    ]


def test_enforcement_is_off_unless_switched_on(mocked_aws: None) -> None:
    emulator_patches.iam_enforcement()
    _tables("t")
    session = _role("nothing-granted", [{"Effect": "Allow", "Action": "sns:Publish", "Resource": "arn:aws:sns:*"}])
    assert not emulator_patches.iam_enforcement_enabled()
    assert _error(lambda: session.client("dynamodb").put_item(TableName="t", Item={"k": {"S": "1"}})) == "allowed"


def test_the_operator_keys_pass_and_a_service_trust_admits_no_iam_caller(enforcing: None) -> None:
    # the operator's (never issued) keys: Terraform and the harness playing a service
    assert _error(lambda: boto3.client("sqs", region_name=REGION).list_queues()) == "allowed"
    iam = boto3.client("iam", region_name=REGION)
    service_role = iam.create_role(
        RoleName="fn-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )["Role"]["Arn"]
    admin = _role("admin", [{"Effect": "Allow", "Action": "*", "Resource": "*"}])
    assert _error(lambda: admin.client("sqs").list_queues()) == "allowed"
    # moto raised TypeError here (a 500); only Lambda may take a role that trusts lambda.amazonaws.com
    assume = admin.client("sts").assume_role
    assert _error(lambda: assume(RoleArn=service_role, RoleSessionName="escalate")) == "AccessDenied"
    # a session from keys the emulator issued but whose token does not match is refused
    forged = boto3.Session(
        admin.get_credentials().access_key, admin.get_credentials().secret_key, "forged", region_name=REGION
    )
    assert _error(lambda: forged.client("sqs").list_queues()) != "allowed"


def test_what_moto_does_not_evaluate_conditions_and_boundaries(enforcing: None) -> None:
    """Documents the README's list: a condition moto cannot evaluate counts as met, and a
    permissions boundary is not applied. If moto starts evaluating them, update the README."""
    (table,) = _tables("t")
    conditional = {
        "Effect": "Allow",
        "Action": "dynamodb:PutItem",
        "Resource": table,
        "Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}},
    }
    session = _role("conditional", [conditional])
    item = {"k": {"S": "1"}}
    assert _error(lambda: session.client("dynamodb").put_item(TableName="t", Item=item)) == "allowed"  # AWS: denied
    iam = boto3.client("iam", region_name=REGION)
    boundary = iam.create_policy(
        PolicyName="deny-all",
        PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
        ),
    )["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName="conditional", PermissionsBoundary=boundary)
    assert _error(lambda: session.client("dynamodb").put_item(TableName="t", Item=item)) == "allowed"  # AWS: denied


def test_authorization_checks_follow_aws_for_transactions_batches_and_indexes() -> None:
    prefix = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}"
    checks = emulator_patches.authorization_checks
    transaction = {
        "TransactItems": [
            {"Put": {"TableName": "a"}},
            {"Update": {"TableName": "b"}},
            {"Delete": {"TableName": "a"}},
            {"ConditionCheck": {"TableName": f"{prefix}:table/c"}},
        ]
    }
    assert checks("dynamodb", "TransactWriteItems", transaction, "*", prefix) == [
        ("PutItem", f"{prefix}:table/a"),
        ("UpdateItem", f"{prefix}:table/b"),
        ("DeleteItem", f"{prefix}:table/a"),
        ("ConditionCheckItem", f"{prefix}:table/c"),
    ]
    get = {"TransactItems": [{"Get": {"TableName": "a"}}]}
    assert checks("dynamodb", "TransactGetItems", get, "*", prefix) == [("GetItem", f"{prefix}:table/a")]
    query = {"TableName": "a", "IndexName": "by-user"}
    assert checks("dynamodb", "Query", query, "*", prefix) == [("Query", f"{prefix}:table/a/index/by-user")]
    assert checks("dynamodb", "BatchWriteItem", {"RequestItems": {"a": [], "b": []}}, "*", prefix) == [
        ("BatchWriteItem", f"{prefix}:table/a"),
        ("BatchWriteItem", f"{prefix}:table/b"),
    ]
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"
    for batch, single in (("SendMessageBatch", "SendMessage"), ("DeleteMessageBatch", "DeleteMessage")):
        assert checks("sqs", batch, {}, queue, "unused") == [(single, queue)]
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT}:t"
    assert checks("sns", "PublishBatch", {"TopicArn": topic}, "*", "unused") == [("Publish", topic)]
    assert checks("kms", "Decrypt", {"KeyId": "k"}, "*", "unused") == [("Decrypt", "*")]  # moto's resource


def test_the_iam_enforcement_switch_over_http_on_the_server() -> None:
    from emulation.harness.iam_enforcement import IamEnforcement

    emulator_patches.iam_enforcement()
    try:
        with moto_server() as url:
            switch = IamEnforcement(url)
            assert switch.enabled is False
            with switch.enforced():
                assert switch.enabled is True and emulator_patches.iam_enforcement_enabled()
                assert switch.decisions() == {}
            assert switch.enabled is False
            bad = urllib.request.Request(switch.url, data=b'{"enabled": "yes"}', method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(bad, timeout=5)
            assert refused.value.code == 400
    finally:
        emulator_patches.set_iam_enforcement(False)


# --- execute-api authorization (emulator_patches.authorize_execute_api) -------------------------

API_URL = f"https://a1b2c3.execute-api.{REGION}.amazonaws.com/v1/polls/p1/votes"
METHOD_ARN = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1b2c3/v1/POST/polls/p1/votes"


def _signed(session: boto3.Session, body: str, url: str = API_URL) -> dict[str, str]:
    from emulation.harness.apigateway import signed_headers

    credentials = session.get_credentials()
    assert credentials is not None
    return signed_headers(credentials.get_frozen_credentials(), "POST", url, body, REGION)


def _authorize(headers: dict[str, str], body: str = '{"choice":"a"}', url: str = API_URL) -> dict[str, Any]:
    request = {"method": "POST", "url": url, "headers": headers, "body": body, "resource": METHOD_ARN}
    return emulator_patches.authorize_execute_api(request)


def test_execute_api_admits_a_signer_granted_invoke_and_names_it(mocked_aws: None) -> None:
    invoke = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1b2c3/v1/POST/polls/*/votes"
    voter = _role("voter", [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": invoke}])
    body = '{"choice":"a"}'
    verdict = _authorize(_signed(voter, body), body)
    role_id = boto3.client("iam", region_name=REGION).get_role(RoleName="voter")["Role"]["RoleId"]
    assert verdict == {
        "status": 200,
        "identity": {
            "caller": f"{role_id}:voter",
            "user": f"{role_id}:voter",
            "userArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/voter/voter",
            "accountId": ACCOUNT,
        },
    }


def test_execute_api_refuses_what_api_gateway_refuses(mocked_aws: None) -> None:
    invoke = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:a1b2c3/v1/POST/polls/*/votes"
    voter = _role("voter", [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": invoke}])
    reader = _role("reader", [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": invoke + "/x"}])
    denied = _role(
        "denied",
        [
            {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"},
            {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": invoke},
        ],
    )
    body = '{"choice":"a"}'
    signed = _signed(voter, body)
    forged_key = {**signed, "Authorization": signed["Authorization"].replace("Credential=", "Credential=AKIANOTISSUED")}
    verdicts = {
        "unsigned": _authorize({"Content-Type": "application/json"}, body),
        "body changed after signing": _authorize(signed, '{"choice":"b"}'),
        "signed for another URL": _authorize(_signed(voter, body, API_URL.replace("p1", "p2")), body),
        "key not issued": _authorize(forged_key, body),
        "wrong token": _authorize({**signed, "X-Amz-Security-Token": "forged"}, body),
        "no grant on this resource": _authorize(_signed(reader, body), body),
        "explicit deny": _authorize(_signed(denied, body), body),
    }
    assert {name: (v["status"], v["message"].split(":")[0]) for name, v in verdicts.items()} == {
        "unsigned": (403, "Missing Authentication Token"),
        "body changed after signing": (
            403,
            "The request signature we calculated does not match the signature you provided.",
        ),
        "signed for another URL": (
            403,
            "The request signature we calculated does not match the signature you provided.",
        ),
        "key not issued": (403, "The security token included in the request is invalid."),
        "wrong token": (403, "The security token included in the request is invalid."),
        "no grant on this resource": (403, "User"),
        "explicit deny": (403, "User"),
    }
    assert verdicts["no grant on this resource"]["message"] == (
        f"User: arn:aws:sts::{ACCOUNT}:assumed-role/reader/reader is not authorized to perform: "
        f"execute-api:Invoke on resource: {METHOD_ARN}"
    )


def test_execute_api_authorization_over_http_on_the_server() -> None:
    emulator_patches.execute_api_authorization()
    with moto_server() as base:
        url = base + emulator_patches.EXECUTE_API_AUTHORIZE_PATH
        request = {"method": "POST", "url": API_URL, "headers": {}, "body": "", "resource": METHOD_ARN}
        call = urllib.request.Request(url, data=json.dumps({"requests": [request] * 2}).encode(), method="POST")
        with urllib.request.urlopen(call, timeout=5) as response:
            assert (
                json.loads(response.read())["results"]
                == [{"status": 403, "message": "Missing Authentication Token"}] * 2
            )
        bad = urllib.request.Request(url, data=b'{"requests": 1}', method="POST")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bad, timeout=5)
        assert refused.value.code == 400
