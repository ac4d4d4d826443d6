"""Park a message that can never succeed in a DLQ, with the reason beside it.

Retrying a malformed message only delays it: the consumer sends it to its DLQ at once with
`failureReason` (and where it came from) as message attributes, then reports it processed.
Transient failures are not parked here; they go back to the queue via batchItemFailures and
reach the DLQ through the redrive policy after maxReceiveCount attempts.
"""

from __future__ import annotations

import hashlib
from typing import Any

MAX_REASON_LENGTH = 1024  # message attribute values are capped; keep reasons short
PARKED_GROUP_ID = "parked"  # a FIFO DLQ's group for parked messages (a DLQ has no consumer to block)


class DeadLetterSink:
    def __init__(self, sqs_client: Any, queue_url: str) -> None:
        self._sqs = sqs_client
        self._queue_url = queue_url

    def park(self, body: str, reason: str, *, source_message_id: str, source_arn: str) -> None:
        # A FIFO DLQ needs a group and a deduplication id: parking the same source message twice
        # (a retried invocation) within SQS's 5-minute window then leaves one copy.
        fifo = (
            {
                "MessageGroupId": PARKED_GROUP_ID,
                "MessageDeduplicationId": hashlib.sha256(f"{source_arn}|{source_message_id}".encode()).hexdigest(),
            }
            if self._queue_url.endswith(".fifo")
            else {}
        )
        self._sqs.send_message(
            **fifo,
            QueueUrl=self._queue_url,
            MessageBody=body or "<empty>",
            MessageAttributes={
                "failureReason": {"DataType": "String", "StringValue": reason[:MAX_REASON_LENGTH]},
                "sourceMessageId": {"DataType": "String", "StringValue": source_message_id},
                "sourceArn": {"DataType": "String", "StringValue": source_arn},
            },
        )
