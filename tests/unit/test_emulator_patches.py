"""Each emulator patch corrects one moto behaviour; each test shows the corrected behaviour."""

from __future__ import annotations

import io
import json
import zipfile

import boto3
import pytest

from emulation import emulator_patches
from tests.conftest import REGION


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


def _function(account_region_client: object) -> str:
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("handler.py", "def lambda_handler(event, context):\n    return None\n")
    return boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role,
        Handler="handler.lambda_handler",
        Code={"ZipFile": code.getvalue()},
    )["FunctionArn"]


def test_sqs_event_source_mapping_is_kept_as_a_record_only(mocked_aws: None) -> None:
    emulator_patches.passive_event_source_mappings()
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="source")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    function_arn = _function(None)
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

    dynamodb = boto3.client("dynamodb", region_name=REGION)
    stream_arn = dynamodb.create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]["LatestStreamArn"]
    boto3.client("lambda", region_name=REGION).create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=_function(None), StartingPosition="TRIM_HORIZON"
    )
    table = dynamodb_backends["123456789012"][REGION].get_table("t")
    assert table.lambda_event_source_mappings == {}
    dynamodb.put_item(TableName="t", Item={"pk": {"S": "a"}})
    assert [record.record["eventName"] for record in table.stream_shard.items] == ["INSERT"]


def test_patches_apply_once() -> None:
    emulator_patches.apply_all()
    from moto.awslambda.models import LambdaBackend
    from moto.sqs.models import Queue

    first = (Queue.attributes.fget, LambdaBackend.create_event_source_mapping)
    emulator_patches.apply_all()
    assert (Queue.attributes.fget, LambdaBackend.create_event_source_mapping) == first


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
    from moto.server import ThreadedMotoServer

    from emulation.harness.clock import SimulatedClock

    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        clock = SimulatedClock.of_emulator(f"http://{host}:{port}")
        assert clock.offset == 0.0
        clock.advance(90)
        assert emulator_patches.clock_offset() == 90.0 == SimulatedClock.of_emulator(f"http://{host}:{port}").offset
    finally:
        server.stop()


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
    from moto.server import ThreadedMotoServer

    from emulation.harness.clock import sweep_ttl

    emulator_patches.ttl_expiry()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        assert sweep_ttl(f"http://{host}:{port}") == 0  # no table with TTL: nothing expired
    finally:
        server.stop()
