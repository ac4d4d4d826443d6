"""Small, targeted corrections to moto's behaviour for the local sandbox.

Each patch is a few lines, states the moto behaviour it corrects, and has its own test in
tests/unit/test_emulator_patches.py. They are applied only by the emulator launcher, never
to the in-process moto used by unit tests. All are candidates for upstream pull requests.
"""

from __future__ import annotations

import json
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


def apply_all() -> None:
    compact_sqs_redrive_policy()
    passive_event_source_mappings()
    item_level_transaction_rollback()
