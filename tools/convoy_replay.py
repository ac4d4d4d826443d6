"""Replay a sequential convoy's groups from the grouped queue's FIFO DLQ, in seq order.

    python -m tools.convoy_replay --dlq-url URL --queue-url URL --group o-17
    python -m tools.convoy_replay --dlq-url URL --queue-url URL --all [--dry-run]

SQS's own redrive from a FIFO DLQ interleaves the redriven messages with new ones and breaks
order, so this is the explicit operation modules/sequential-convoy/README.md documents next to
its gap and DLQ alarms. It refuses to run while the grouped queue holds any message (in flight,
waiting or delayed): SQS cannot say per group what it holds, and a group's new message ahead of
its replayed ones would wait for them. Each selected group's messages are sent in seq order to
the grouped queue under a deduplication id derived from the DLQ message id (their original ids
may still be in SQS's 5-minute window), then deleted from the DLQ. Run twice, or after a crash
between send and delete, it sends nothing new, or a copy the consumer ignores as a duplicate
(it keeps the applied seq per group). Messages the consumer parked (they carry failureReason)
are malformed and are never replayed. Exit status: 0 done, 2 usage, 3 refused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import boto3

REFUSED = 3
HOLD_SECONDS = 300  # how long a received DLQ message stays invisible while this run works


@dataclass
class Report:
    moved: dict[str, list[int]] = field(default_factory=dict)  # group -> seqs, in the order sent
    received: dict[str, list[int]] = field(default_factory=dict)  # group -> seqs, in the DLQ's order
    parked: int = 0  # malformed messages left in the DLQ
    other_groups: int = 0  # messages of groups not selected, left in the DLQ
    unreadable: int = 0  # no seq at --seq-field: left in the DLQ
    out_of_order: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{group}: {len(seqs)} message(s), seq {seqs[0]}..{seqs[-1]}" for group, seqs in sorted(self.moved.items())
        ]
        out.append(
            f"left in the DLQ: {self.parked} parked (failureReason), {self.other_groups} of other groups, "
            f"{self.unreadable} without a seq"
        )
        out += [f"warning: {warning}" for warning in self.out_of_order]
        return out


class Refused(Exception):
    pass


def seq_of(body: str, path: str) -> int | None:
    try:
        value: Any = json.loads(body)
    except ValueError:
        return None
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def queue_is_empty(sqs: Any, queue_url: str) -> bool:
    names = [
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
    ]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=names)["Attributes"]
    return all(int(attributes.get(name, "0")) == 0 for name in names)


def replay_id(message: Mapping[str, Any]) -> str:
    return hashlib.sha256(f"replay:{message['MessageId']}".encode()).hexdigest()


def replay(
    sqs: Any,
    dlq_url: str,
    queue_url: str,
    groups: Sequence[str] | None,
    *,
    seq_field: str = "eventDetails.seq",
    dry_run: bool = False,
) -> Report:
    """Move the selected groups' messages (every group when `groups` is None) back, in seq order."""
    if not queue_is_empty(sqs, queue_url):
        raise Refused(
            f"{queue_url} still holds messages (in flight, waiting or delayed): pause the intake's "
            "mapping, let the grouped queue drain, then run this again"
        )
    report, held, last_sent = Report(), [], dict[str, int]()
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=10,
            VisibilityTimeout=HOLD_SECONDS,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not messages:
            break
        chosen: list[tuple[str, int, dict[str, Any]]] = []
        for message in messages:
            group = message.get("Attributes", {}).get("MessageGroupId", "")
            seq = seq_of(message["Body"], seq_field)
            if "failureReason" in message.get("MessageAttributes", {}):
                report.parked += 1
            elif groups is not None and group not in groups:
                report.other_groups += 1
            elif seq is None:
                report.unreadable += 1
            else:
                chosen.append((group, seq, message))
                report.received.setdefault(group, []).append(seq)
                continue
            held.append(message)
        # A receive returns a group's messages in order; sorting guards a DLQ filled out of order.
        for group, seq, message in sorted(chosen, key=lambda c: (c[0], c[1])):
            if seq <= last_sent.get(group, 0):
                report.out_of_order.append(f"{group}: seq {seq} came after seq {last_sent[group]} in the DLQ")
            last_sent[group] = max(seq, last_sent.get(group, 0))
            report.moved.setdefault(group, []).append(seq)
            if dry_run:
                held.append(message)
                continue
            sqs.send_message(
                QueueUrl=queue_url,
                MessageBody=message["Body"],
                MessageGroupId=group,
                MessageDeduplicationId=replay_id(message),
                MessageAttributes=message.get("MessageAttributes", {}),
            )
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
        if dry_run:
            break  # a group's later messages stay hidden while its first ones are held
    for message in held:  # visible again for the next run
        sqs.change_message_visibility(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
    return report


def main(argv: Sequence[str] | None = None, sqs: Any = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.convoy_replay", description=__doc__.split("\n")[0])
    parser.add_argument("--dlq-url", required=True, help="the grouped queue's FIFO DLQ (module output grouped_dlq_url)")
    parser.add_argument("--queue-url", required=True, help="the grouped FIFO queue (module output grouped_queue_url)")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--group", action="append", help="a message group to replay (repeatable)")
    which.add_argument("--all", action="store_true", help="replay every group in the DLQ")
    parser.add_argument("--seq-field", default="eventDetails.seq", help="dotted JSON path of the sequence number")
    parser.add_argument("--dry-run", action="store_true", help="report what the first pass would move; move nothing")
    parser.add_argument("--endpoint-url", default=os.environ.get("AWS_ENDPOINT_URL"), help="SQS endpoint (emulator)")
    args = parser.parse_args(argv)
    client = sqs or boto3.client("sqs", endpoint_url=args.endpoint_url)
    try:
        report = replay(
            client,
            args.dlq_url,
            args.queue_url,
            None if args.all else args.group,
            seq_field=args.seq_field,
            dry_run=args.dry_run,
        )
    except Refused as refused:
        print(f"convoy_replay: refused: {refused}", file=sys.stderr)
        raise SystemExit(REFUSED) from None
    print(("dry run: would move\n" if args.dry_run else "moved\n") + "\n".join(report.lines()))
    raise SystemExit(0)


if __name__ == "__main__":
    main()
