"""The harness's DynamoDB stream poller plays Lambda's documented rules; each test names its page.

Pages (AWS Lambda Developer Guide):
- PARTIAL: "Configuring partial batch response with DynamoDB and Lambda",
  https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
- ERRORS: "Retaining discarded records for a DynamoDB event source in Lambda",
  https://docs.aws.amazon.com/lambda/latest/dg/services-dynamodb-errors.html
- PARAMETERS: "Lambda parameters for Amazon DynamoDB event source mappings",
  https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-params.html
- FILTERING: "Using event filtering with a DynamoDB event source",
  https://docs.aws.amazon.com/lambda/latest/dg/with-ddb-filtering.html
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from emulation import emulator_patches
from emulation.harness.checkpoints import StreamCheckpoints
from emulation.harness.clock import SimulatedClock
from emulation.harness.dynamodb_stream_source import DynamoDbStreamPlayer
from tests.conftest import REGION, deploy_function, table_with_stream

ACCOUNT_ID = "123456789012"  # moto's default account


class Function:
    """Stands in for a function: answers each batch with `respond(records)`."""

    def __init__(self, respond: Callable[[list[dict[str, Any]]], Any] = lambda records: None) -> None:
        self.respond = respond
        self.batches: list[list[str]] = []

    def invoke(self, event: dict[str, Any]) -> Any:
        self.batches.append([r["dynamodb"]["Keys"]["id"]["S"] for r in event["Records"]])
        return self.respond(event["Records"])


@pytest.fixture
def clock(mocked_aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatedClock]:
    emulator_patches.simulated_clock()
    monkeypatch.setattr(emulator_patches, "_clock_offset", 0.0)
    yield SimulatedClock.in_process()


def schedule_table() -> tuple[Any, str]:
    return boto3.client("dynamodb", region_name=REGION), table_with_stream("schedule", key="id")


def put(dynamodb: Any, *ids: str) -> None:
    for item_id in ids:
        dynamodb.put_item(TableName="schedule", Item={"id": {"S": item_id}})


def dlq() -> tuple[str, str]:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="stream-failures")["QueueUrl"]
    return url, sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def player(
    function: Function, stream_arn: str, clock: SimulatedClock, **settings: Any
) -> DynamoDbStreamPlayer[Function]:
    mapping = {
        "EventSourceArn": stream_arn,
        "FunctionArn": f"arn:aws:lambda:{REGION}:123456789012:function:fn",
        "StartingPosition": "TRIM_HORIZON",
        "BatchSize": 3,
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        **settings,
    }
    return DynamoDbStreamPlayer(function, mapping, streams_client(), boto3.client("sqs", region_name=REGION), clock)


def streams_client() -> Any:
    # moto's in-process mock matches the Streams host only when the endpoint is given explicitly.
    return boto3.client(
        "dynamodbstreams", region_name=REGION, endpoint_url=f"https://streams.dynamodb.{REGION}.amazonaws.com"
    )


def seq(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def test_records_arrive_in_order_in_batches_and_the_checkpoint_moves_past_successes(clock: SimulatedClock) -> None:
    """PARAMETERS: BatchSize records per invocation; a successful batch is checkpointed, so the
    next drain sees only new records."""
    dynamodb, stream = schedule_table()
    put(dynamodb, *"abcdefg")
    function = Function()
    p = player(function, stream, clock)
    p.drain()
    put(dynamodb, "h")
    p.drain()
    assert function.batches == [["a", "b", "c"], ["d", "e", "f"], ["g"], ["h"]]


def test_a_partial_failure_checkpoints_at_the_lowest_reported_sequence_number(clock: SimulatedClock) -> None:
    """PARTIAL: with several itemIdentifiers Lambda uses the lowest sequence number as the
    checkpoint, then retries all records starting from that checkpoint."""
    dynamodb, stream = schedule_table()
    put(dynamodb, *"abcde")
    failed_once: set[str] = set()

    def respond(records: list[dict[str, Any]]) -> Any:
        ids = [r["dynamodb"]["Keys"]["id"]["S"] for r in records]
        failing = [seq(r) for r, i in zip(records, ids, strict=True) if i in "dc" and i not in failed_once]
        failed_once.update(i for i in ids if i in "dc")
        return {"batchItemFailures": [{"itemIdentifier": s} for s in reversed(failing)]}

    function = Function(respond)
    stats = player(function, stream, clock, BatchSize=5).drain()

    assert function.batches == [list("abcde"), list("cde")]  # b succeeded; c onwards retried
    assert stats.retries == 1 and stats.discarded == 0


@pytest.mark.parametrize(
    "failures", [[{"itemIdentifier": ""}], [{"itemIdentifier": None}], [{"sequence": "1"}], [{"itemIdentifier": "1"}]]
)
def test_an_unusable_response_fails_the_whole_batch(clock: SimulatedClock, failures: list[dict[str, Any]]) -> None:
    """PARTIAL, "Success and failure conditions": an empty-string or null itemIdentifier, or one
    with a bad key name, makes the batch a complete failure (as does a sequence number that is
    not in the batch)."""
    dynamodb, stream = schedule_table()
    put(dynamodb, "a", "b")
    answers = iter([{"batchItemFailures": failures}])
    function = Function(lambda records: next(answers, None))
    player(function, stream, clock).drain()
    assert function.batches == [["a", "b"], ["a", "b"]]


def test_bisect_isolates_a_bad_record_without_using_retries_then_discards_it_to_the_destination(
    clock: SimulatedClock,
) -> None:
    """ERRORS: BisectBatchOnFunctionError splits a failed batch in two; splitting does not consume
    the retry quota; after MaximumRetryAttempts the records are discarded and an invocation record
    (requestContext, responseContext, DDBStreamBatchInfo) goes to the OnFailure destination."""
    dynamodb, stream = schedule_table()
    put(dynamodb, *"abcd")
    url, arn = dlq()

    def respond(records: list[dict[str, Any]]) -> None:
        if any(r["dynamodb"]["Keys"]["id"]["S"] == "c" for r in records):
            raise RuntimeError("poison")

    function = Function(respond)
    stats = player(
        function,
        stream,
        clock,
        BatchSize=4,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": arn}},
        FunctionResponseTypes=[],
    ).drain()

    assert function.batches == [list("abcd"), ["a", "b"], ["c", "d"], ["c"], ["c"], ["d"]]
    assert stats.bisections == 2 and stats.retries == 1 and stats.discarded == 1
    (message,) = boto3.client("sqs", region_name=REGION).receive_message(QueueUrl=url)["Messages"]
    record = json.loads(message["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["responseContext"]["functionError"] == "Unhandled"
    info = record["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1 and info["streamArn"] == stream
    assert info["startSequenceNumber"] == info["endSequenceNumber"]


def test_without_bisect_a_failing_batch_is_retried_then_discarded(clock: SimulatedClock) -> None:
    """ERRORS / PARAMETERS: MaximumRetryAttempts retries after the first attempt, then discard."""
    dynamodb, stream = schedule_table()
    put(dynamodb, "a", "b")

    def respond(records: list[dict[str, Any]]) -> None:
        raise RuntimeError("always")

    function = Function(respond)
    stats = player(function, stream, clock, MaximumRetryAttempts=2).drain()
    assert function.batches == [["a", "b"]] * 3 and stats.discarded == 2


def test_records_older_than_the_maximum_age_are_discarded_unprocessed(clock: SimulatedClock) -> None:
    """PARAMETERS: MaximumRecordAgeInSeconds: older records are not sent to the function; with an
    OnFailure destination, a record of the discarded batch is sent there."""
    dynamodb, stream = schedule_table()
    put(dynamodb, "old")
    _, arn = dlq()
    clock.advance(120)
    put(dynamodb, "new")
    function = Function()
    stats = player(
        function, stream, clock, MaximumRecordAgeInSeconds=60, DestinationConfig={"OnFailure": {"Destination": arn}}
    ).drain()
    assert function.batches == [["new"]]
    assert stats.discarded == 1
    assert stats.sent_to_destination[0]["requestContext"]["condition"] == "MaximumRecordAgeExceeded"


def test_filter_criteria_pick_the_records_the_function_sees(clock: SimulatedClock) -> None:
    """FILTERING: a filter on eventName lets only REMOVE records through; the others are skipped
    and the checkpoint moves past them."""
    dynamodb, stream = schedule_table()
    put(dynamodb, "a", "b")
    dynamodb.delete_item(TableName="schedule", Key={"id": {"S": "a"}})
    function = Function()
    filters = {"Filters": [{"Pattern": json.dumps({"eventName": ["REMOVE"]})}]}
    stats = player(function, stream, clock, FilterCriteria=filters).drain()
    assert function.batches == [["a"]] and stats.filtered_out == 2


def test_ttl_expiry_writes_the_remove_record_dynamodb_writes_and_the_ttl_filter_matches_it(
    clock: SimulatedClock,
) -> None:
    """DynamoDB Developer Guide, "DynamoDB Streams and Time to Live": items deleted by TTL appear
    in the stream as REMOVE with userIdentity {type: Service, principalId: dynamodb.amazonaws.com};
    the filter of DESIGN.md section 2 picks exactly those (FILTERING). A user's delete has no
    userIdentity and is filtered out; unexpired, non-Number and >5-year-old TTLs stay."""
    dynamodb, stream = schedule_table()
    dynamodb.update_time_to_live(
        TableName="schedule", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"}
    )
    now = int(clock.time())
    for item_id, ttl in (
        ("due", {"N": str(now + 60)}),
        ("later", {"N": str(now + 3600)}),
        ("ancient", {"N": str(now - 6 * 365 * 86400)}),
        ("text", {"S": str(now)}),
    ):
        dynamodb.put_item(TableName="schedule", Item={"id": {"S": item_id}, "expires_at": ttl})
    put(dynamodb, "by-hand")
    dynamodb.delete_item(TableName="schedule", Key={"id": {"S": "by-hand"}})
    assert emulator_patches.expire_ttl_items() == 0  # nothing is due yet
    clock.advance(120)

    assert emulator_patches.expire_ttl_items() == 1

    remaining = {i["id"]["S"] for i in dynamodb.scan(TableName="schedule")["Items"]}
    assert remaining == {"later", "ancient", "text"}
    seen: list[dict[str, Any]] = []
    ttl_filter = {
        "eventName": ["REMOVE"],
        "userIdentity": {"type": ["Service"], "principalId": ["dynamodb.amazonaws.com"]},
    }
    function = Function(lambda records: seen.extend(records))
    player(function, stream, clock, FilterCriteria={"Filters": [{"Pattern": json.dumps(ttl_filter)}]}).drain()
    (record,) = seen
    assert record["dynamodb"]["Keys"] == {"id": {"S": "due"}}
    assert record["userIdentity"] == {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
    assert record["dynamodb"]["OldImage"]["expires_at"] == {"N": str(now + 60)}


def test_bisected_halves_are_batches_of_their_own_and_later_records_wait(clock: SimulatedClock) -> None:
    """ERRORS: a split batch is retried as its two halves; records behind them are not pulled into
    a retried half (the second half is invoked alone, then the next full batch)."""
    dynamodb, stream = schedule_table()
    put(dynamodb, *"abcdefgh")

    def respond(records: list[dict[str, Any]]) -> None:
        if any(r["dynamodb"]["Keys"]["id"]["S"] == "b" for r in records):
            raise RuntimeError("poison")

    function = Function(respond)
    stats = player(
        function,
        stream,
        clock,
        BatchSize=4,
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=0,
        FunctionResponseTypes=[],
    ).drain()
    assert function.batches == [list("abcd"), ["a", "b"], ["a"], ["b"], ["c", "d"], list("efgh")]
    assert stats.bisections == 2 and stats.discarded == 1


def test_after_a_partial_failure_only_the_remaining_records_are_retried(clock: SimulatedClock) -> None:
    """PARTIAL, "Bisecting a batch": Lambda retries only the remaining records of the batch, from
    the checkpoint; records after the batch come in the next one."""
    dynamodb, stream = schedule_table()
    put(dynamodb, *"abcdef")
    failed_once: set[str] = set()

    def respond(records: list[dict[str, Any]]) -> Any:
        for r in records:
            item = r["dynamodb"]["Keys"]["id"]["S"]
            if item == "b" and item not in failed_once:
                failed_once.add(item)
                return {"batchItemFailures": [{"itemIdentifier": seq(r)}]}
        return None

    function = Function(respond)
    stats = player(function, stream, clock, BatchSize=3).drain()
    assert function.batches == [list("abc"), ["b", "c"], list("def")]
    assert stats.retries == 1


# --- The checkpoint lives as long as the mapping ----------------------------------------------
# PARAMETERS: StartingPosition is "the position in a stream from which to start reading"; the
# position is then the mapping's own: a poller of an existing mapping goes on where it stopped.


def deployed_mapping(stream_arn: str) -> dict[str, Any]:
    """A real mapping in (in-process) moto, as the harness lists it: with its UUID."""
    emulator_patches.passive_event_source_mappings()
    function_arn = deploy_function()
    return boto3.client("lambda", region_name=REGION).create_event_source_mapping(
        FunctionName=function_arn, EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON", BatchSize=100
    )


def mapping_player(
    function: Function, mapping: dict[str, Any], clock: SimulatedClock
) -> DynamoDbStreamPlayer[Function]:
    """A new poller of the mapping, as a second traffic run in another process starts one."""
    checkpoints = StreamCheckpoints(ACCOUNT_ID, REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    return DynamoDbStreamPlayer(function, mapping, streams_client(), sqs, clock, checkpoints)


def test_a_second_poller_of_a_mapping_goes_on_where_the_first_stopped(clock: SimulatedClock) -> None:
    dynamodb, stream_arn = schedule_table()
    mapping = deployed_mapping(stream_arn)
    put(dynamodb, "a", "b")
    first = Function()
    mapping_player(first, mapping, clock).drain()
    put(dynamodb, "c")

    second = Function()
    mapping_player(second, mapping, clock).drain()

    assert first.batches == [["a", "b"]]
    assert second.batches == [["c"]]  # not a, b again from TRIM_HORIZON


def test_records_filtered_out_or_discarded_move_the_checkpoint_too(clock: SimulatedClock) -> None:
    dynamodb, stream_arn = schedule_table()
    mapping = deployed_mapping(stream_arn)
    put(dynamodb, "poison")
    failing = Function(lambda records: (_ for _ in ()).throw(RuntimeError("boom")))
    mapping_player(failing, {**mapping, "MaximumRetryAttempts": 1}, clock).drain()

    later = Function()
    mapping_player(later, mapping, clock).drain()

    assert failing.batches == [["poison"], ["poison"]]
    assert later.batches == []


def test_a_new_mapping_starts_at_its_starting_position(clock: SimulatedClock) -> None:
    dynamodb, stream_arn = schedule_table()
    mapping = deployed_mapping(stream_arn)
    put(dynamodb, "a")
    mapping_player(Function(), mapping, clock).drain()
    lambda_client = boto3.client("lambda", region_name=REGION)
    lambda_client.delete_event_source_mapping(UUID=mapping["UUID"])
    replacement = lambda_client.create_event_source_mapping(
        FunctionName="fn", EventSourceArn=stream_arn, StartingPosition="TRIM_HORIZON"
    )

    fresh = Function()
    mapping_player(fresh, replacement, clock).drain()

    assert fresh.batches == [["a"]]
    with pytest.raises(KeyError, match="no event source mapping"):  # the old position went with it
        emulator_patches.stream_checkpoint(ACCOUNT_ID, REGION, mapping["UUID"], "any-shard")
