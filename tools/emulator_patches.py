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

    original = Queue.attributes.fget  # type: ignore[attr-defined]
    if getattr(original, "_switchyard_patched", False):
        return

    def attributes(self: Queue) -> dict[str, Any]:
        result: dict[str, Any] = original(self)
        if isinstance(result.get("RedrivePolicy"), str):
            result["RedrivePolicy"] = json.dumps(json.loads(result["RedrivePolicy"]), separators=(",", ":"))
        return result

    attributes._switchyard_patched = True  # type: ignore[attr-defined]
    Queue.attributes = property(attributes)  # type: ignore[method-assign,assignment]


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
    LambdaBackend.create_event_source_mapping = create_event_source_mapping  # type: ignore[method-assign]


def _unhook_trigger(backend: Any, esm: Any) -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.sqs.models import sqs_backends

    for queue in sqs_backends[backend.account_id][backend.region_name].queues.values():
        queue.lambda_event_source_mappings.pop(esm.function_arn, None)
    for table in dynamodb_backends[backend.account_id][backend.region_name].tables.values():
        table.lambda_event_source_mappings.pop(esm.function_arn, None)


def apply_all() -> None:
    compact_sqs_redrive_policy()
    passive_event_source_mappings()
