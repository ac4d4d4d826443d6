"""Plays an SQS event source mapping as Lambda's poller does, against the emulator's real queue.

Receives up to batch_size messages, builds the event exactly as Lambda delivers it, invokes
the handler, deletes what succeeded and makes reported failures visible again (as if their
visibility timeout had passed). Redrive to the DLQ is the emulator's own: SQS moves a message
once its receive count exceeds the queue's maxReceiveCount.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from emulation.harness.lambda_runtime import ExecutionEnvironment


@dataclass
class PollStats:
    batches: int = 0
    received: int = 0
    deleted: int = 0
    retried: int = 0
    handler_errors: int = 0
    batch_sizes: list[int] = field(default_factory=list)


def lambda_sqs_record(message: dict[str, Any], queue_arn: str) -> dict[str, Any]:
    """One SQS message as it appears in a Lambda event's Records list."""
    attributes = message.get("Attributes", {})
    record_attributes = {
        key: attributes[key]
        for key in (
            "ApproximateReceiveCount",
            "SentTimestamp",
            "SenderId",
            "ApproximateFirstReceiveTimestamp",
            "SequenceNumber",
            "MessageGroupId",
            "MessageDeduplicationId",
            "AWSTraceHeader",
        )
        if key in attributes
    }
    message_attributes = {
        name: {
            "stringValue": value.get("StringValue"),
            "binaryValue": value.get("BinaryValue"),
            "stringListValues": value.get("StringListValues", []),
            "binaryListValues": value.get("BinaryListValues", []),
            "dataType": value["DataType"],
        }
        for name, value in message.get("MessageAttributes", {}).items()
    }
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": record_attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": message.get("MD5OfBody")
        or hashlib.md5(message["Body"].encode(), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": queue_arn.split(":")[3],
    }


class SqsEventSourcePlayer:
    def __init__(self, environment: ExecutionEnvironment, mapping: dict[str, Any], sqs_client: Any) -> None:
        self.environment = environment
        self.queue_arn: str = mapping["EventSourceArn"]
        self.batch_size: int = min(int(mapping.get("BatchSize", 10)), 10)  # one ReceiveMessage returns <= 10
        self.reports_item_failures = "ReportBatchItemFailures" in mapping.get("FunctionResponseTypes", [])
        self._sqs = sqs_client
        _, _, _, _, account, name = self.queue_arn.split(":")
        self.queue_url = sqs_client.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        self.stats = PollStats()

    def poll_once(self) -> int:
        """One receive-invoke-settle cycle; returns how many messages it received."""
        messages = self._sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            return 0
        self.stats.batches += 1
        self.stats.received += len(messages)
        self.stats.batch_sizes.append(len(messages))
        event = {"Records": [lambda_sqs_record(m, self.queue_arn) for m in messages]}
        try:
            response = self.environment.invoke(event)
        except Exception:  # the whole batch failed, as Lambda treats an unhandled error
            self.stats.handler_errors += 1
            failed = {m["MessageId"] for m in messages}
        else:
            failures = (response or {}).get("batchItemFailures", []) if self.reports_item_failures else []
            failed = {f["itemIdentifier"] for f in failures}
        succeeded = []
        for message in messages:
            if message["MessageId"] in failed:
                # Lambda leaves it; it reappears when visibility expires. Play that out now.
                self._sqs.change_message_visibility(
                    QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
                self.stats.retried += 1
            else:
                succeeded.append(message)
        if succeeded:  # Lambda's poller deletes a batch's successes in one DeleteMessageBatch
            response = self._sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(succeeded)],
            )
            if response.get("Failed"):
                raise RuntimeError(f"DeleteMessageBatch failed: {response['Failed']}")
            self.stats.deleted += len(succeeded)
        return len(messages)

    def drain(self, max_batches: int = 10_000) -> PollStats:
        """Poll until the queue returns nothing (failed messages come back until redriven)."""
        for _ in range(max_batches):
            if self.poll_once() == 0:
                break
        else:
            raise RuntimeError(f"{self.queue_arn} still had messages after {max_batches} batches")
        return self.stats
