"""Plays a DynamoDB stream event source mapping as Lambda's stream poller does.

Reads the table's stream from the emulator (DynamoDB Streams API) and follows the rules of the
AWS Lambda Developer Guide, each with a test in tests/unit/test_dynamodb_stream_player.py:

- records in order, BatchSize per invocation (default 100, at most 10,000), FilterCriteria
  applied to the record (records that match no filter are skipped: the checkpoint moves on);
- a batch that succeeds moves the checkpoint past it; with ReportBatchItemFailures the
  checkpoint moves to the lowest reported sequence number and every record from it is
  retried; a response Lambda cannot use (itemIdentifier empty, null, under a wrong key, not
  a record of the batch) fails the whole batch;
- a failed batch is retried; BisectBatchOnFunctionError splits it in two first, which does not
  consume the retry quota, and each half is then a batch of its own (a partial failure is
  "bisected at the returned sequence number": only the remaining records are retried; neither
  retry is widened with records read since); after MaximumRetryAttempts retries, or once a record is older than
  MaximumRecordAgeInSeconds (both -1, infinite, by default), the batch is discarded, the
  checkpoint moves on, and an invocation record is sent to the OnFailure destination (SQS);
- record age is measured on the simulated clock (the emulator stamps records with it too);
- the checkpoint lives as long as the mapping, in the service (harness/checkpoints.py): a poller
  of a mapping that already read records goes on after them; only a new mapping starts at its
  StartingPosition.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass, field
from typing import Any, Generic

from emulation.harness.checkpoints import StreamCheckpoints
from emulation.harness.sqs_source import Clock, E, failed_message_ids, filter_patterns

MAX_BATCH = 10_000


@dataclass
class StreamStats:
    batches: int = 0
    records: int = 0
    filtered_out: int = 0
    retries: int = 0
    bisections: int = 0
    discarded: int = 0
    batch_sizes: list[int] = field(default_factory=list)
    sent_to_destination: list[dict[str, Any]] = field(default_factory=list)


def _infinite(value: Any) -> int | None:
    return None if value is None or int(value) == -1 else int(value)


def _iso(seconds: float) -> str:
    return (
        datetime.datetime.fromtimestamp(seconds, datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def lambda_stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """One DynamoDB Streams API record as it appears in a Lambda event's Records list."""
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime.datetime):  # boto3 parses it; Lambda sends epoch seconds
        aware = created if created.tzinfo else created.replace(tzinfo=datetime.UTC)
        dynamodb["ApproximateCreationDateTime"] = aware.timestamp()
    out = {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record.get("eventVersion", "1.1"),
        "eventSource": "aws:dynamodb",
        "awsRegion": stream_arn.split(":")[3],  # moto 5.2.5 always writes us-east-1
        "dynamodb": dynamodb,
        "eventSourceARN": stream_arn,
    }
    if identity := record.get("userIdentity"):  # the Streams API's {Type, PrincipalId}
        out["userIdentity"] = {"type": identity["Type"], "principalId": identity["PrincipalId"]}
    return out


class DynamoDbStreamPlayer(Generic[E]):
    def __init__(
        self,
        environment: E,
        mapping: dict[str, Any],
        streams_client: Any,
        sqs_client: Any,
        clock: Clock,
        checkpoints: StreamCheckpoints | None = None,
    ) -> None:
        """`checkpoints` None: the position lives in this player only (a mapping without a UUID)."""
        self.environment = environment
        self.stream_arn: str = mapping["EventSourceArn"]
        self.function_arn: str = mapping.get("FunctionArn", "")
        batch_size = mapping.get("BatchSize")
        self.batch_size = 100 if batch_size is None else int(batch_size)
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"BatchSize {self.batch_size} is outside 1-{MAX_BATCH} for {self.stream_arn}")
        self.bisect = bool(mapping.get("BisectBatchOnFunctionError"))
        self.max_retries = _infinite(mapping.get("MaximumRetryAttempts"))
        self.max_age_s = _infinite(mapping.get("MaximumRecordAgeInSeconds"))
        on_failure = ((mapping.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
        self.destination_arn: str | None = on_failure
        self.reports_item_failures = "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or [])
        self.patterns = filter_patterns(mapping)
        self.clock = clock
        self._streams = streams_client
        self._sqs = sqs_client
        shards = streams_client.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        self.shard_id: str = shards[0]["ShardId"]
        self.uuid: str = mapping.get("UUID") or ""
        self._checkpoints = checkpoints if self.uuid else None
        self._checkpoint = self._checkpoints.get(self.uuid, self.shard_id) if self._checkpoints else None
        position = (
            {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": self._checkpoint}
            if self._checkpoint
            else {"ShardIteratorType": mapping.get("StartingPosition") or "TRIM_HORIZON"}
        )
        self._iterator: str | None = streams_client.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=self.shard_id, **position
        )["ShardIterator"]
        self._last_read: str | None = self._checkpoint
        self._pending: list[dict[str, Any]] = []  # read, matched by a filter, not yet checkpointed
        self.stats = StreamStats()

    def _read(self) -> None:
        while self._iterator:
            response = self._streams.get_records(ShardIterator=self._iterator, Limit=1000)
            self._iterator = response.get("NextShardIterator")
            records = [lambda_stream_record(r, self.stream_arn) for r in response.get("Records", [])]
            if not records:
                return
            self._last_read = records[-1]["dynamodb"]["SequenceNumber"]
            for record in records:
                if self._matches(record):
                    self._pending.append(record)
                else:
                    self.stats.filtered_out += 1

    def _matches(self, record: dict[str, Any]) -> bool:
        return not self.patterns or any(p.matches_event(record) for p in self.patterns)

    def _age_s(self, record: dict[str, Any]) -> float:
        return self.clock.time() - float(record["dynamodb"]["ApproximateCreationDateTime"])

    def _discard(self, batch: list[dict[str, Any]], condition: str, invocations: int, error: str | None) -> None:
        """Move the checkpoint past `batch`; tell the OnFailure destination, as Lambda documents it."""
        del self._pending[: len(batch)]
        self.stats.discarded += len(batch)
        if self.destination_arn is None:
            return
        created = [float(r["dynamodb"]["ApproximateCreationDateTime"]) for r in batch]
        invocation_record = {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function_arn,
                "condition": condition,
                "approximateInvokeCount": invocations,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                **({"functionError": error} if error else {}),
            },
            "version": "1.0",
            "timestamp": _iso(self.clock.time()),
            "DDBStreamBatchInfo": {
                "shardId": self.shard_id,
                "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(min(created)),
                "approximateArrivalOfLastRecord": _iso(max(created)),
                "batchSize": len(batch),
                "streamArn": self.stream_arn,
            },
        }
        _, _, _, _, account, name = self.destination_arn.split(":")
        url = self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        self._sqs.send_message(QueueUrl=url, MessageBody=json.dumps(invocation_record))
        self.stats.sent_to_destination.append(invocation_record)

    def drain(self, max_invocations: int = 10_000) -> StreamStats:
        """Process everything the stream holds now, until every record is checkpointed.

        `segments` holds the sizes of the batches still owed after a bisection or a partial
        failure: Lambda retries exactly those records (each half of a split separately, the
        remainder after a checkpoint), never a batch widened with records that arrived since.
        """
        self._read()
        segments: list[int] = []
        retries, invocations, error = 0, 0, None
        for _ in range(max_invocations):
            if not self._pending:
                self._save_checkpoint()
                return self.stats
            if self.max_age_s is not None:
                expired = 0
                while expired < len(self._pending) and self._age_s(self._pending[expired]) > self.max_age_s:
                    expired += 1
                if expired:
                    self._discard(self._pending[:expired], "MaximumRecordAgeExceeded", invocations, error)
                    segments = _consume(segments, expired)
                    retries, invocations, error = 0, 0, None
                    continue
            batch = self._pending[: segments[0] if segments else self.batch_size]
            sequence = [r["dynamodb"]["SequenceNumber"] for r in batch]
            invocations += 1
            self.stats.batches += 1
            self.stats.records += len(batch)
            self.stats.batch_sizes.append(len(batch))
            try:
                response = self.environment.invoke({"Records": batch})
            except Exception:  # an unhandled error or a timeout
                failed_from, error = 0, "Unhandled"
            else:
                reported = failed_message_ids(response, sequence) if self.reports_item_failures else set()
                if reported is None:
                    failed_from, error = 0, "Unhandled"
                elif reported:  # checkpoint at the lowest reported sequence number
                    failed_from, error = min(sequence.index(s) for s in reported), None
                else:
                    failed_from = len(batch)
            del self._pending[:failed_from]
            if failed_from == len(batch):
                segments = segments[1:]
                retries, invocations, error = 0, 0, None
                continue
            failed = batch[failed_from:]
            if error and self.bisect and len(failed) > 1:  # splitting does not consume a retry
                half = len(failed) // 2
                segments = [half, len(failed) - half, *segments[1:]]
                self.stats.bisections += 1
                continue
            if self.max_retries is not None and retries >= self.max_retries:
                self._discard(failed, "RetryAttemptsExhausted", invocations, error)
                segments = segments[1:]
                retries, invocations, error = 0, 0, None
                continue
            retries += 1
            self.stats.retries += 1
            segments = [len(failed), *segments[1:]]  # only the remaining records are retried
        raise RuntimeError(f"{self.stream_arn} still had records after {max_invocations} invocations")

    def _save_checkpoint(self) -> None:
        """Every record read is done with (processed, discarded or filtered out)."""
        if self._checkpoints and self._last_read and self._last_read != self._checkpoint:
            self._checkpoints.put(self.uuid, self.shard_id, self._last_read)
            self._checkpoint = self._last_read


def _consume(segments: list[int], count: int) -> list[int]:
    """The owed batch sizes once the first `count` pending records are gone."""
    out = list(segments)
    while out and count:
        taken = min(out[0], count)
        out[0] -= taken
        count -= taken
        if out[0] == 0:
            out.pop(0)
    return out
