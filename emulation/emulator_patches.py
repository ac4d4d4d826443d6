"""Small, targeted corrections to moto's behaviour for the local sandbox.

Each patch is a few lines, states the moto behaviour it corrects, and has its own test in
tests/unit/test_emulator_patches.py. They are applied only by the emulator launcher, never
to the in-process moto used by unit tests. All are candidates for upstream pull requests.
"""

from __future__ import annotations

import json
import threading
from typing import Any


def compact_sqs_redrive_policy() -> None:
    """moto 5.2.5 returns `RedrivePolicy` as `json.dumps(...)` with spaces after separators.

    AWS returns compact JSON; the Terraform provider compares the strings, so without this every
    plan shows a diff on every queue that has a DLQ.
    """
    from moto.sqs.models import Queue

    original = Queue.attributes.fget
    if getattr(original, "_switchyard_patched", False):
        return

    def attributes(self: Queue) -> dict[str, Any]:
        result: dict[str, Any] = original(self)
        if isinstance(result.get("RedrivePolicy"), str):
            result["RedrivePolicy"] = json.dumps(json.loads(result["RedrivePolicy"]), separators=(",", ":"))
        return result

    attributes._switchyard_patched = True  # type: ignore[attr-defined]
    Queue.attributes = property(attributes)


def passive_event_source_mappings() -> None:
    """Keep Lambda event source mappings as records only.

    moto 5.2.5 runs a mapping's function (in Docker) on every SQS send and on every DynamoDB
    stream write. Without Docker the failed run still receives the SQS message (bumping
    ApproximateReceiveCount, so messages reach the DLQ early) and empties the stream records.
    The sandbox's test harness plays the mappings instead, so after moto records a mapping we
    unhook it from the queue/table that would trigger it. List/Get/Update/Delete keep working.
    """
    from moto.awslambda.models import LambdaBackend

    original = LambdaBackend.create_event_source_mapping
    if getattr(original, "_switchyard_patched", False):
        return

    def create_event_source_mapping(self: LambdaBackend, spec: dict[str, Any]) -> Any:
        esm = original(self, spec)
        _unhook_trigger(self, esm)
        return esm

    create_event_source_mapping._switchyard_patched = True  # type: ignore[attr-defined]
    LambdaBackend.create_event_source_mapping = create_event_source_mapping


def _unhook_trigger(backend: Any, esm: Any) -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    for queue in sqs_backends[backend.account_id][backend.region_name].queues.values():
        queue.lambda_event_source_mappings.pop(esm.function_arn, None)
    for table in dynamodb_backends[backend.account_id][backend.region_name].tables.values():
        table.lambda_event_source_mappings.pop(esm.function_arn, None)


def item_level_transaction_rollback() -> None:
    """Roll back a failed TransactWriteItems by restoring the items it names, not whole tables.

    moto 5.2.5 deep-copies every table a transaction touches before applying it, to restore
    them on failure: each transaction costs O(table size) (about 30 ms with a few hundred items,
    growing with every write), so a workload of thousands of transactional writes slows to a
    crawl. DynamoDB transactions name their items by key, so a snapshot of those items is a
    complete rollback. Tables are no longer copied; the named items are restored on failure.
    """
    import copy as real_copy
    import types

    from moto.dynamodb import models as dynamodb_models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_switchyard_patched", False):
        return

    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else real_copy.deepcopy(value, memo)

    # moto's models module reaches deepcopy as `copy.deepcopy`: tables pass through uncopied.
    dynamodb_models.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=real_copy.copy)

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        snapshots = []
        for entry in transact_items:
            operation = next(iter(entry.values()))
            table = self.tables.get(operation.get("TableName"))
            key = operation.get("Key") or operation.get("Item") or {}
            if table is None or table.hash_key_attr not in key:
                continue  # moto raises its own validation error for these
            hash_value = DynamoType(key[table.hash_key_attr])
            range_value = DynamoType(key[table.range_key_attr]) if table.has_range_key else None
            if table.has_range_key and table.range_key_attr not in key:
                continue
            current = table.items[hash_value].get(range_value) if table.has_range_key else table.items.get(hash_value)
            snapshots.append((table, hash_value, range_value, real_copy.deepcopy(current)))
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in reversed(snapshots):
                if table.has_range_key:
                    if item is None:
                        table.items[hash_value].pop(range_value, None)
                    else:
                        table.items[hash_value][range_value] = item
                elif item is None:
                    table.items.pop(hash_value, None)
                else:
                    table.items[hash_value] = item
            raise

    transact_write_items._switchyard_patched = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items


# Seconds the emulator's clock runs ahead of the wall clock (see simulated_clock).
_clock_offset = 0.0
CLOCK_PATH = "/moto-api/switchyard/clock"


def set_clock_offset(seconds: float) -> None:
    """Move the emulator's clock to wall time + `seconds` (never backwards)."""
    global _clock_offset
    if seconds < _clock_offset:
        raise ValueError(f"the simulated clock only moves forward ({seconds} < {_clock_offset})")
    _clock_offset = float(seconds)


def clock_offset() -> float:
    return _clock_offset


def simulated_clock() -> None:
    """Let the test harness move the emulator's clock forward, so nobody has to sleep.

    moto 5.2.5 has no time control in server mode. Its SQS models read the time through
    `unix_time`/`unix_time_millis` imported by name into `moto.sqs.models` (visibility timeouts,
    delays, retention) and its DynamoDB tables through `utcnow` in `moto.dynamodb.models.table`
    (stream records' ApproximateCreationDateTime). Those names now add an offset, and
    `POST /moto-api/switchyard/clock {"offset": s}` sets it (GET returns it). With offset 0
    nothing changes.
    """
    import datetime

    from moto.dynamodb.models import table as dynamodb_table
    from moto.moto_api._internal import urls as moto_api_urls
    from moto.sqs import models as sqs_models

    if getattr(sqs_models.unix_time, "_switchyard_patched", False):
        return
    real_unix_time, real_utcnow = sqs_models.unix_time, dynamodb_table.utcnow

    def unix_time(dt: datetime.datetime | None = None) -> float:
        return float(real_unix_time(dt)) if dt is not None else float(real_unix_time()) + _clock_offset

    def unix_time_millis(dt: datetime.datetime | None = None) -> float:
        return unix_time(dt) * 1000.0

    def utcnow() -> datetime.datetime:
        return real_utcnow() + datetime.timedelta(seconds=_clock_offset)

    def clock_view(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        if request.method == "POST":
            body = request.get_data()  # JSON, sent with Content-Type application/json
            try:
                set_clock_offset(float(json.loads(body)["offset"]))
            except (ValueError, KeyError, TypeError) as error:
                return 400, {}, json.dumps({"message": str(error)})
        return 200, {"Content-Type": "application/json"}, json.dumps({"offset": _clock_offset})

    for function in (unix_time, unix_time_millis, utcnow):
        setattr(function, "_switchyard_patched", True)  # noqa: B010 - mark for idempotence
    sqs_models.unix_time, sqs_models.unix_time_millis = unix_time, unix_time_millis
    dynamodb_table.utcnow = utcnow
    moto_api_urls.url_paths["{0}" + CLOCK_PATH] = clock_view


def fifo_order_after_visibility_timeout() -> None:
    """Keep a FIFO group in order when its in-flight messages become visible again.

    moto 5.2.5's receive drops a visible-again message from the pending set only when it reaches
    it, and skips a message whose group still has a pending one: after a timeout with a2, a3 in
    flight, a2 is skipped (a3 is still "pending"), then a3 is delivered before a2. SQS delivers
    a2 first. Before each receive, every message whose visibility timeout has passed leaves the
    pending set, so the group is free and its oldest message comes first.
    """
    from moto.sqs.models import SQSBackend

    original = SQSBackend.receive_message
    if getattr(original, "_switchyard_patched", False):
        return

    def receive_message(self: SQSBackend, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        queue = self.get_queue(queue_name)
        queue.pending_messages.difference_update([m for m in queue.pending_messages if m.visible])
        return original(self, queue_name, *args, **kwargs)

    receive_message._switchyard_patched = True  # type: ignore[attr-defined]
    SQSBackend.receive_message = receive_message


def serialized_writes() -> None:
    """Make each DynamoDB write and each SQS message operation atomic, as the services are.

    The server is threaded (werkzeug, one thread per request) and moto 5.2.5 takes no lock: two
    concurrent TransactWriteItems on one item can both pass their conditions, and two receives
    can hand out one FIFO group twice. With several pollers (as Lambda runs them) that would be
    the emulator's race, not the code's. One re-entrant lock orders these calls; reads stay free.
    """
    import functools
    import threading

    from moto.dynamodb.models import DynamoDBBackend
    from moto.sqs.models import SQSBackend

    if getattr(DynamoDBBackend.put_item, "_switchyard_serialized", False):
        return
    lock = threading.RLock()
    for backend, names in (
        (DynamoDBBackend, ("put_item", "update_item", "delete_item", "transact_write_items")),
        (SQSBackend, ("send_message", "receive_message", "delete_message", "change_message_visibility")),
    ):
        for name in names:
            original = getattr(backend, name)

            def serialized(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
                with lock:
                    return _original(*args, **kwargs)

            functools.update_wrapper(serialized, original)
            setattr(serialized, "_switchyard_serialized", True)  # noqa: B010 - mark for idempotence
            setattr(backend, name, serialized)


TTL_SWEEP_PATH = "/moto-api/switchyard/ttl-sweep"
TTL_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
_FIVE_YEARS_S = 5 * 365 * 86400


def expire_ttl_items() -> int:
    """Delete every item whose TTL has passed (on the simulated clock), as DynamoDB's TTL does.

    Of tables with TTL enabled, an item expires when its TTL attribute is a Number of epoch
    seconds before now and not more than five years before (DynamoDB ignores those, and any
    other type). The delete writes the REMOVE stream record DynamoDB writes for TTL deletes:
    with `userIdentity` {Type: Service, PrincipalId: dynamodb.amazonaws.com}. Returns how many.
    """
    import time

    from moto.dynamodb.models import dynamodb_backends

    now = time.time() + _clock_offset
    expired = 0
    for account in list(dynamodb_backends.values()):
        for backend in list(account.values()):
            for table in list(backend.tables.values()):
                if table.ttl.get("TimeToLiveStatus") != "ENABLED":
                    continue
                attribute = table.ttl["AttributeName"]
                for item in table.all_items():
                    value = item.attrs.get(attribute)
                    if value is None or value.type != "N" or not now - _FIVE_YEARS_S <= float(value.value) < now:
                        continue
                    table.delete_item(item.hash_key, item.range_key)
                    if table.stream_shard is not None and table.stream_shard.items:
                        table.stream_shard.items[-1].record["userIdentity"] = dict(TTL_IDENTITY)
                    expired += 1
    return expired


def ttl_expiry() -> None:
    """moto 5.2.5 stores TTL settings but never expires items; `POST /moto-api/switchyard/ttl-sweep`
    runs one sweep of the TTL service now (expire_ttl_items) and answers {"expired": n}."""
    from moto.moto_api._internal import urls as moto_api_urls

    def ttl_sweep_view(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        with _ttl_lock:
            expired = expire_ttl_items()
        return 200, {"Content-Type": "application/json"}, json.dumps({"expired": expired})

    moto_api_urls.url_paths["{0}" + TTL_SWEEP_PATH] = ttl_sweep_view


_ttl_lock = threading.Lock()


def apply_all() -> None:
    compact_sqs_redrive_policy()
    passive_event_source_mappings()
    item_level_transaction_rollback()
    simulated_clock()
    fifo_order_after_visibility_timeout()
    ttl_expiry()
    serialized_writes()  # last: it wraps what the patches above installed
