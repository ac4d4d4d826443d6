"""Benchmark the order-ledger functions: records/s per CPU-second, in-process, stubbed tables.

    python bench/ledger_throughput.py [--orders N] [--transactions T]

The real handlers (SqsFifoPartialProcessor with skip_group_on_error, metrics, the ledger and
balances adapters) run in this process on FIFO batches of 10; DynamoDB and SQS are in-memory stubs
that honour the conditions the adapters write (an existing ledger key, the applied seq). The
processor records and forwards every transaction, the consumer applies the forwarded ones in
order (a few overdrafts are rejected). One process is one core. What a deployment reaches is
bounded by SQS too: see modules/sequential-convoy/README.md for the FIFO ceilings per setting.
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
QUEUE_ARN = "arn:aws:sqs:eu-west-1:111111111111:swy-bench-ledger-{}.fifo"
LAMBDA_ENV = {
    "AWS_REGION": "eu-west-1",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "POWERTOOLS_METRICS_NAMESPACE": "Switchyard",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "LEDGER_TABLE_NAME": "ledger",
    "BALANCES_TABLE_NAME": "balances",
    "GROUPED_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111111111111/groups.fifo",
    "GROUP_KEY_JSON_FIELD": "eventDetails.orderId",
    "DEAD_LETTER_QUEUE_URL": "https://sqs.eu-west-1.amazonaws.com/111111111111/dlq.fifo",
}


class ConditionalCheckFailedException(ClientError):
    pass


class TransactionCanceledException(ClientError):
    pass


def _failed(kind: type[ClientError]) -> ClientError:
    return kind({"Error": {"Code": kind.__name__, "Message": "condition"}}, "stub")


class StubDynamoDB:
    """The ledger's and the balances' calls, conditions honoured."""

    class exceptions:
        ConditionalCheckFailedException = ConditionalCheckFailedException
        TransactionCanceledException = TransactionCanceledException

    def __init__(self) -> None:
        self.items: dict[tuple[str, ...], dict[str, Any]] = {}

    @staticmethod
    def _key(table: str, key: dict[str, Any]) -> tuple[str, ...]:
        return (table, *(str(next(iter(v.values()))) for _, v in sorted(key.items())))

    def put_item(self, TableName: str, Item: dict[str, Any], **_: Any) -> None:
        key = self._key(TableName, {k: Item[k] for k in ("orderId", "seq", "entry") if k in Item})
        if key in self.items:
            raise _failed(ConditionalCheckFailedException)
        self.items[key] = Item

    def get_item(self, TableName: str, Key: dict[str, Any], **_: Any) -> dict[str, Any]:
        item = self.items.get(self._key(TableName, Key))
        return {} if item is None else {"Item": item}

    def _update(self, update: dict[str, Any]) -> None:
        key = self._key(update["TableName"], update["Key"])
        current, values = self.items.get(key), update["ExpressionAttributeValues"]
        if update["ConditionExpression"].startswith("attribute_not_exists"):
            ok = current is None
        else:
            ok = current is not None and current["appliedSeq"] == values[":before"]
        if not ok:
            raise _failed(ConditionalCheckFailedException)
        self.items[key] = {"appliedSeq": values[":seq"], "balance": values[":balance"], "currency": values[":currency"]}

    def update_item(self, **update: Any) -> None:
        self._update(update)

    def transact_write_items(self, TransactItems: list[dict[str, Any]]) -> None:
        try:
            self._update(TransactItems[0]["Update"])
        except ConditionalCheckFailedException:
            raise _failed(TransactionCanceledException) from None
        put = TransactItems[1]["Put"]
        self.put_item(put["TableName"], put["Item"])


class StubSQS:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send_message(self, **message: Any) -> dict[str, Any]:
        self.sent.append(message)
        return {"MessageId": str(len(self.sent))}


def record(i: int, body: str, group: str, queue: str) -> dict[str, Any]:
    return {
        "messageId": f"m-{i}",
        "receiptHandle": f"rh-{i}",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795000000000", "MessageGroupId": group},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN.format(queue),
        "awsRegion": "eu-west-1",
    }


def batches(messages: list[tuple[str, str]], queue: str) -> list[dict[str, Any]]:
    records = [record(i, body, group, queue) for i, (group, body) in enumerate(messages)]
    return [{"Records": records[i : i + 10]} for i in range(0, len(records), 10)]


def transactions(orders: int, per_order: int, seed: int = 7) -> list[str]:
    """Interleaved orders, each in seq order: a credit first, then random debits/credits/refunds."""
    rng, bodies = random.Random(seed), []
    queues = [[(f"o-{o}", s) for s in range(1, per_order + 1)] for o in range(orders)]
    while any(queues):
        order, seq = rng.choice([q for q in queues if q]).pop(0)
        kind = "credit" if seq == 1 else rng.choice(["credit", "debit", "debit", "refund"])
        details = {"orderId": order, "seq": seq, "type": kind, "amount": rng.randint(1, 500), "currency": "EUR"}
        bodies.append(
            json.dumps(
                {
                    "eventSource": "bench",
                    "eventType": "LedgerTransactionSubmitted",
                    "eventVersion": 1,
                    "eventId": f"tx-{order}-{seq:06d}",
                    "occurredAt": "2026-12-01T10:00:00Z",
                    "eventDetails": details,
                }
            )
        )
    return bodies


def run(handler: Any, events: list[dict[str, Any]], context: Any) -> tuple[float, float, dict[str, int]]:
    sink = io.StringIO()
    with redirect_stdout(sink):
        handler.lambda_handler(events[0], context)  # warm: first-call costs are the cold start's
        wall, cpu = time.perf_counter(), time.process_time()
        for event in events[1:]:
            response = handler.lambda_handler(event, context)
            assert not response["batchItemFailures"], (response, sink.getvalue()[-3000:])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    totals: dict[str, int] = {}
    for line in sink.getvalue().splitlines():
        if '"_aws"' in line:
            emitted = json.loads(line)
            for metric in emitted["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                value = emitted[metric["Name"]]
                totals[metric["Name"]] = totals.get(metric["Name"], 0) + int(
                    sum(value) if isinstance(value, list) else value
                )
    measured = sum(len(e["Records"]) for e in events[1:])
    return measured / wall, measured / cpu, totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--transactions", type=int, default=50)
    args = parser.parse_args()
    os.environ.update(LAMBDA_ENV)
    sys.path[:0] = [str(ROOT / "lambdas"), str(ROOT / "lambdas" / "shared"), str(ROOT)]
    from emulation.harness.lambda_runtime import FakeLambdaContext
    from ledger_consumer import handler as consumer
    from ledger_consumer.adapters import Balances
    from ledger_processor import handler as processor
    from ledger_processor.adapters import GroupedQueue, Ledger
    from switchyard.dead_letters import DeadLetterSink

    dynamodb, sqs = StubDynamoDB(), StubSQS()
    processor_deps = processor.Dependencies(
        Ledger(dynamodb, "ledger"), GroupedQueue(sqs, "groups.fifo"), DeadLetterSink(sqs, "dlq.fifo")
    )
    processor.dependencies = lambda: processor_deps  # type: ignore[assignment]
    consumer_deps = consumer.Dependencies(Balances(dynamodb, "balances"), DeadLetterSink(sqs, "dlq.fifo"))
    consumer.dependencies = lambda: consumer_deps  # type: ignore[assignment]
    context = FakeLambdaContext("swy-bench-ledger", "arn:aws:lambda:eu-west-1:111111111111:function:x", 256)

    bodies = transactions(args.orders, args.transactions)
    total = len(bodies)
    print(f"ledger throughput over {total} transactions ({args.orders} orders) in FIFO batches of 10, one process:")
    figures = {}
    for name, handler, events in (
        ("processor", processor, batches([("all", b) for b in bodies], "intake")),
        ("consumer", consumer, None),
    ):
        if events is None:  # what the processor forwarded, in the order it forwarded it
            events = batches([(m["MessageGroupId"], m["MessageBody"]) for m in sqs.sent], "groups")
        wall, cpu, totals = run(handler, events, context)
        figures[name] = cpu
        print(f"  {name:9s} {wall:8,.0f} records/s wall, {cpu:8,.0f} records/s per CPU-second")
        print(f"            outcomes {dict(sorted(totals.items()))}")
    print(
        "  SQS FIFO ceilings: 300 API calls/s per action per queue (3,000 msg/s batched); high throughput:"
        " regional limits (up to 70,000 TPS); one intake group: one batch in flight"
    )
    return 0 if min(figures.values()) > 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
