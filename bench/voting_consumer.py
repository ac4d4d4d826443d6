"""Benchmark the voting consumer: records/s per core against a stubbed table.

    python bench/voting_consumer.py [--records N]

Throughput: the real handler (Powertools BatchProcessor, metrics, the transactional vote
store) runs in this process on batches of 10 SQS records; DynamoDB is an in-memory stub that
honours the conditions the store writes (so re-votes, duplicates and conflicts take their real
paths). One process is one core; CPU time is reported beside wall time. Goal: >= 5,000 records/s.

Cold start (init plus first invocation against a minimal boto3 handler) is bench/cold_start.py.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
LAMBDA_PATHS = [str(ROOT / "lambdas"), str(ROOT / "lambdas" / "shared")]
LAMBDA_ENV = {
    "AWS_LAMBDA_FUNCTION_NAME": "swy-bench-voting",
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "POWERTOOLS_SERVICE_NAME": "swy-bench-voting",
    "POWERTOOLS_METRICS_NAMESPACE": "Switchyard",
    "POLLS_TABLE_NAME": "polls",
    "VOTES_TABLE_NAME": "votes",
    "TALLIES_TABLE_NAME": "tallies",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111111111111/dlq",
    "VOTER_IDENTITY": "body",  # the bench's messages name the voter in the body
}


class TransactionCanceledException(ClientError):
    pass


class StubDynamoDB:
    """Just enough of the low-level client for the voting store, with its conditions honoured."""

    class exceptions:
        TransactionCanceledException = TransactionCanceledException

    def __init__(self) -> None:
        self.tables: dict[str, dict[tuple[str, ...], dict[str, Any]]] = {"polls": {}, "votes": {}, "tallies": {}}

    @staticmethod
    def _key(key: dict[str, Any]) -> tuple[str, ...]:
        return tuple(str(next(iter(v.values()))) for _, v in sorted(key.items()))

    def get_item(self, TableName: str, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        item = self.tables[TableName].get(self._key(Key))
        return {"Item": item} if item else {}

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> dict[str, Any]:
        puts = [entry["Put"] for entry in TransactItems if "Put" in entry]
        reasons, failed = [], False
        for put in puts:
            key = self._key({"pollId": put["Item"]["pollId"], "userId": put["Item"]["userId"]})
            current = self.tables[put["TableName"]].get(key)
            if put["ConditionExpression"].startswith("attribute_not_exists"):
                ok = current is None
            else:
                values = put["ExpressionAttributeValues"]
                ok = current is not None and (current["choice"], current["submittedAtMs"]) == (
                    values[":counted_choice"],
                    values[":counted_at"],
                )
            failed |= not ok
            reasons.append({"Code": "None"} if ok else {"Code": "ConditionalCheckFailed", "Item": current})
        if failed:
            raise TransactionCanceledException(
                {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": reasons},
                "TransactWriteItems",
            )
        for put in puts:
            key = self._key({"pollId": put["Item"]["pollId"], "userId": put["Item"]["userId"]})
            self.tables[put["TableName"]][key] = put["Item"]
        for entry in TransactItems:
            if "Update" in entry:
                update = entry["Update"]
                tally = self.tables[update["TableName"]].setdefault(self._key(update["Key"]), {"votes": {"N": "0"}})
                delta = int(update["ExpressionAttributeValues"][":delta"]["N"])
                tally["votes"] = {"N": str(int(tally["votes"]["N"]) + delta)}
        return {}


class StubSQS:
    def __init__(self) -> None:
        self.sent = 0

    def send_message(self, **_: Any) -> dict[str, Any]:
        self.sent += 1
        return {"MessageId": str(self.sent)}


def make_batches(records: int, *, users: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    batches, batch = [], []
    for i in range(records):
        user = rng.randrange(users)  # collisions give re-votes, duplicates and stale votes
        body = json.dumps(
            {
                "userId": f"user{user}",
                "choice": rng.choice(["red", "blue"]),
                "submittedAt": f"2026-11-23T10:{i // 60 % 60:02d}:{i % 60:02d}.000Z",
            }
        )
        batch.append(
            {
                "messageId": f"m{i}",
                "receiptHandle": f"r{i}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795428000000"},
                "messageAttributes": {
                    "pollId": {"stringValue": f"poll{user % 5}", "dataType": "String"},
                    "requestId": {"stringValue": f"req-{i}", "dataType": "String"},
                    "receivedAtEpochMs": {"stringValue": "1795428000000", "dataType": "Number"},
                },
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:eu-west-1:111111111111:swy-bench-voting",
                "awsRegion": "eu-west-1",
            }
        )
        if len(batch) == 10:
            batches.append({"Records": batch})
            batch = []
    if batch:
        batches.append({"Records": batch})
    return batches


def throughput(records: int) -> tuple[float, float, dict[str, int]]:
    os.environ.update(LAMBDA_ENV)
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "true"  # no X-Ray daemon here; Lambda's costs ~nothing in-process
    sys.path[:0] = [*LAMBDA_PATHS, str(ROOT)]
    from emulation.harness.lambda_runtime import FakeLambdaContext
    from switchyard.dead_letters import DeadLetterSink
    from voting import handler
    from voting.adapters import PollDirectory, VoteStore

    dynamodb, sqs = StubDynamoDB(), StubSQS()
    for p in range(5):
        dynamodb.tables["polls"][(f"poll{p}",)] = {
            "choices": {"SS": ["red", "blue"]},
            "closesAtMs": {"N": str(1795428000000 + 86_400_000)},
        }
    deps = handler.Dependencies(
        PollDirectory(dynamodb, "polls"), VoteStore(dynamodb, "votes", "tallies"), DeadLetterSink(sqs, "dlq")
    )
    handler.dependencies = lambda: deps  # type: ignore[assignment]
    context = FakeLambdaContext("swy-bench-voting", "arn:aws:lambda:eu-west-1:111111111111:function:x", 256)
    batches = make_batches(records, users=records // 3)
    sink = io.StringIO()
    with redirect_stdout(sink):
        handler.lambda_handler(batches[0], context)  # warm: first-call costs are the cold start's
        wall, cpu = time.perf_counter(), time.process_time()
        for event in batches[1:]:
            response = handler.lambda_handler(event, context)
            assert not response["batchItemFailures"], response
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    totals: dict[str, int] = {}
    for line in sink.getvalue().splitlines():
        if '"_aws"' in line:
            record = json.loads(line)
            for metric in record["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = record[metric["Name"]]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + int(
                    sum(value) if isinstance(value, list) else value
                )
    measured = records - len(batches[0]["Records"])
    return measured / wall, measured / cpu, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=30_000)
    args = parser.parse_args()

    per_second, per_cpu_second, totals = throughput(args.records)
    print(f"throughput over {args.records} records in batches of 10 (stubbed DynamoDB, one process):")
    print(f"  {per_second:,.0f} records/s wall, {per_cpu_second:,.0f} records/s per CPU-second (goal >= 5,000)")
    print(f"  outcomes {dict(sorted(totals.items()))}")
    return 0 if per_cpu_second >= 5000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
