"""Plays an EventBridge Pipe (SQS source -> EventBridge bus target) as Pipes does.

moto 5.2.5 stores pipes (CreatePipe/DescribePipe/...) but never runs them. This player reads the
deployed pipe with DescribePipe and plays it against the emulator's real queue and bus, with the
pipe's own role (it assumes RoleArn and makes every SQS and PutEvents call with those
credentials). The rules, each with a test in tests/unit/test_pipe_source_player.py citing the
EventBridge User Guide page it follows:

- a pipe polls only while its CurrentState is RUNNING (a STOPPED pipe moves nothing);
- batches of SourceParameters.SqsQueueParameters.BatchSize messages (default 10, 1-10,000),
  one receive of at most 10 without MaximumBatchingWindowInSeconds, several with one;
- FilterCriteria with the same matcher as the Lambda player (sqs_source.passes_filters: the
  record's JSON `body` is matched field by field); messages that match no filter are deleted;
- TargetParameters.InputTemplate on each record, the `body` parsed when it is JSON (implicit
  body data parsing): `<$.path>` outside a JSON string is replaced by the value as JSON, inside
  a quoted string by its text (an object's quotes removed); a path the record lacks leaves
  nothing; the reserved variables aws.pipes.pipe-arn, pipe-name, source-arn, target-arn,
  event, event.json and event.ingestion-time. Without a template the record is the detail;
- EventBridgeEventBusParameters.DetailType / Source: static, or a dynamic path (`$.body.x`)
  read from the parsed record; PutEvents to the Target bus in chunks of 10 entries;
- a message is deleted only when PutEvents took its entry; an entry PutEvents refuses, a
  transformed detail that is not a JSON object, or a PutEvents call that fails leaves the
  message in flight: it comes back after the queue's visibility timeout (simulated clock), and
  the queue's redrive policy moves it to the DLQ after maxReceiveCount receives (Pipes with an
  SQS source retries customer errors up to the source queue's maximum receive count).

Not played: several concurrent pollers (one poller; order across batches is not promised by
Pipes either), enrichment, the batching window's wait (producers have finished when a drain
starts), throughput back-off and auto-disable after continuous 4xx errors.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

import boto3

from emulation.harness.sqs_source import Clock, _WallClock, filter_patterns, lambda_sqs_record, passes_filters

MAX_BATCH = 10_000
PUT_EVENTS_ENTRIES = 10
PLACEHOLDER = re.compile(r"<([^<>\s]+)>")
PATH_STEP = re.compile(r"\.([A-Za-z0-9_/-]+)|\[(\d+)\]")


@dataclass
class PipeStats:
    batches: int = 0
    received: int = 0
    filtered_out: int = 0
    put: int = 0
    failed: int = 0
    put_events_errors: int = 0
    clock_advanced_s: float = 0.0
    batch_sizes: list[int] = field(default_factory=list)


_MISSING = object()


def resolve_path(document: Any, path: str) -> Any:
    """A JSON path of the subset Pipes documents (dots, dashes, underscores, array indices);
    _MISSING when the document has no such value. Wildcards are refused: not played."""
    if not path.startswith("$"):
        raise ValueError(f"not a JSON path: {path!r}")
    rest, value = path[1:], document
    while rest:
        step = PATH_STEP.match(rest)
        if step is None:
            raise ValueError(f"JSON path {path!r} is outside the subset this player plays")
        key, index = step.groups()
        if key is not None:
            if not isinstance(value, dict) or key not in value:
                return _MISSING
            value = value[key]
        else:
            if not isinstance(value, list) or int(index) >= len(value):
                return _MISSING
            value = value[int(index)]
        rest = rest[step.end() :]
    return value


def parsed_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its `body` parsed when it is JSON (implicit body data parsing)."""
    document = dict(record)
    with contextlib.suppress(ValueError):
        document["body"] = json.loads(record["body"])
    return document


def _as_text(value: Any) -> str:
    """A value placed inside a quoted string: strings as they are (Pipes does not escape them),
    objects and arrays with their inner quotes removed."""
    if isinstance(value, str):
        return value
    return json.dumps(value).replace('"', "")


def render_template(template: str, record: dict[str, Any], variables: dict[str, Any]) -> str:
    """InputTemplate applied to one record (see the module docstring for the rules)."""
    document = parsed_record(record)
    out: list[str] = []
    in_string = escaped = False
    position = 0
    for match in PLACEHOLDER.finditer(template):
        for char in template[position : match.start()]:  # track whether we are inside "..."
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = in_string
            elif char == '"':
                in_string = not in_string
        out.append(template[position : match.start()])
        name = match.group(1)
        value = variables.get(name, _MISSING) if name.startswith("aws.pipes.") else resolve_path(document, name)
        if value is not _MISSING:
            out.append(_as_text(value) if in_string else json.dumps(value))
        position = match.end()
    out.append(template[position:])
    return "".join(out)


def _parameter(value: str | None, document: dict[str, Any]) -> str | None:
    """A target parameter: static, or a dynamic path read from the parsed record."""
    if value is None or not value.startswith("$."):
        return value
    found = resolve_path(document, value)
    return found if isinstance(found, str) else None


class PipeSourcePlayer:
    def __init__(
        self,
        pipe: dict[str, Any],
        session: boto3.Session,
        *,
        endpoint_url: str | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.pipe = pipe
        self.name: str = pipe["Name"]
        self.arn: str = pipe["Arn"]
        self.queue_arn: str = pipe["Source"]
        self.target: str = pipe["Target"]
        if not self.queue_arn.startswith("arn:aws:sqs:") or ":events:" not in self.target:
            raise ValueError(f"{self.name}: this player plays SQS sources and event bus targets only")
        source = pipe.get("SourceParameters") or {}
        sqs_parameters = source.get("SqsQueueParameters") or {}
        self.batch_size = int(sqs_parameters.get("BatchSize") or 10)
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"BatchSize {self.batch_size} is outside 1-{MAX_BATCH} for {self.name}")
        self.batching_window_s = int(sqs_parameters.get("MaximumBatchingWindowInSeconds") or 0)
        self.patterns = filter_patterns(source)
        target = pipe.get("TargetParameters") or {}
        self.input_template: str | None = target.get("InputTemplate")
        bus = target.get("EventBridgeEventBusParameters") or {}
        self.detail_type: str | None = bus.get("DetailType")
        self.source: str | None = bus.get("Source")
        self.clock: Clock = clock or _WallClock()
        self.stats = PipeStats()
        self._back_at: list[float] = []
        credentials = session.client("sts", endpoint_url=endpoint_url).assume_role(
            RoleArn=pipe["RoleArn"], RoleSessionName=f"pipes-{self.name}"[:64]
        )["Credentials"]
        self._role = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=self.queue_arn.split(":")[3],
        )
        self._endpoint_url = endpoint_url
        self.sqs = self._client("sqs")
        self.events = self._client("events")
        _, _, _, _, account, queue_name = self.queue_arn.split(":")
        self.queue_url = self.sqs.get_queue_url(QueueName=queue_name, QueueOwnerAWSAccountId=account)["QueueUrl"]
        attributes = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"])
        self.visibility_timeout_s = int(attributes["Attributes"]["VisibilityTimeout"])
        self.running = pipe.get("CurrentState") == "RUNNING"

    def _client(self, service: str) -> Any:
        return self._role.client(service, endpoint_url=self._endpoint_url)  # type: ignore[call-overload]

    def identity(self) -> str:
        """The ARN the player calls AWS as (the pipe role's assumed-role session)."""
        return str(self._client("sts").get_caller_identity()["Arn"])

    # -- one batch --------------------------------------------------------------------------
    def _gather(self) -> list[dict[str, Any]]:
        batch: list[dict[str, Any]] = []
        while len(batch) < self.batch_size:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.batch_size - len(batch)),
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            batch += messages
            if not messages or self.batching_window_s == 0:
                break
        return batch

    def _delete(self, messages: list[dict[str, Any]]) -> None:
        for start in range(0, len(messages), 10):
            chunk = messages[start : start + 10]
            response = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
            if response.get("Failed"):
                raise RuntimeError(f"DeleteMessageBatch failed: {response['Failed']}")

    def entry(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """The PutEvents entry Pipes would send for one record; None when it cannot be sent."""
        variables = {
            "aws.pipes.pipe-arn": self.arn,
            "aws.pipes.pipe-name": self.name,
            "aws.pipes.source-arn": self.queue_arn,
            "aws.pipes.target-arn": self.target,
            "aws.pipes.event": record,
            "aws.pipes.event.json": parsed_record(record),
            "aws.pipes.event.ingestion-time": datetime.datetime.fromtimestamp(self.clock.time(), datetime.UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        detail = (
            json.dumps(record)
            if self.input_template is None
            else render_template(self.input_template, record, variables)
        )
        try:
            if not isinstance(json.loads(detail), dict):
                return None
        except ValueError:
            return None  # PutEvents takes a JSON object as Detail
        document = parsed_record(record)
        detail_type, source = _parameter(self.detail_type, document), _parameter(self.source, document)
        if detail_type is None or source is None:
            return None
        return {"EventBusName": self.target, "Source": source, "DetailType": detail_type, "Detail": detail}

    def _put(self, records: list[tuple[dict[str, Any], dict[str, Any]]]) -> tuple[list[dict[str, Any]], int]:
        """PutEvents for (message, entry) pairs; returns the messages it took and how many failed."""
        took: list[dict[str, Any]] = []
        failed = 0
        for start in range(0, len(records), PUT_EVENTS_ENTRIES):
            chunk = records[start : start + PUT_EVENTS_ENTRIES]
            try:
                response = self.events.put_events(Entries=[e for _, e in chunk])
            except Exception:  # denied, throttled, missing bus: the whole chunk failed
                self.stats.put_events_errors += 1
                failed += len(chunk)
                continue
            for (message, _), result in zip(chunk, response["Entries"], strict=True):
                if result.get("ErrorCode"):
                    failed += 1
                else:
                    took.append(message)
        return took, failed

    def poll_once(self) -> int:
        """One receive-filter-transform-put-settle cycle; returns how many messages it received."""
        if not self.running:
            return 0
        received_at = self.clock.time()
        messages = self._gather()
        if not messages:
            return 0
        records = [(m, lambda_sqs_record(m, self.queue_arn)) for m in messages]
        kept = [(m, r) for m, r in records if passes_filters(self.patterns, r)]
        dropped = [m for m, r in records if not passes_filters(self.patterns, r)]
        if dropped:  # Pipes deletes SQS messages that match no filter
            self._delete(dropped)
        entries = [(m, self.entry(r)) for m, r in kept]
        sendable = [(m, e) for m, e in entries if e is not None]
        took, failed = self._put(sendable) if sendable else ([], 0)
        failed += len(entries) - len(sendable)
        if took:
            self._delete(took)
        self.stats.batches += 1 if kept else 0
        self.stats.received += len(messages)
        self.stats.filtered_out += len(dropped)
        self.stats.put += len(took)
        self.stats.failed += failed
        if kept:
            self.stats.batch_sizes.append(len(kept))
        if failed:
            self._back_at.append(received_at + self.visibility_timeout_s)
        return len(messages)

    def drain(self, max_batches: int = 10_000) -> PipeStats:
        """Poll until the queue is empty and nothing is in flight; failed messages come back after
        the visibility timeout (the clock moves past it), until put or redriven to the DLQ."""
        for _ in range(max_batches):
            if self.poll_once():
                continue
            back_at, self._back_at = self._back_at, []
            if not back_at:
                return self.stats
            wait = max(back_at) + 1.0 - self.clock.time()  # SQS counts whole seconds
            if wait > 0:
                self.clock.advance(wait)
                self.stats.clock_advanced_s += wait
        raise RuntimeError(f"{self.name} still had messages after {max_batches} polls")
