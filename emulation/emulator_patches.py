"""Small, targeted corrections to moto's behaviour for the local sandbox.

Each patch is a few lines, states the moto behaviour it corrects, and has its own test in
tests/unit/test_emulator_patches.py. They are applied only by the emulator launcher, never
to the in-process moto used by unit tests. All are candidates for upstream pull requests.
"""

from __future__ import annotations

import functools
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
    import time

    from moto.dynamodb.models import table as dynamodb_table
    from moto.moto_api._internal import urls as moto_api_urls
    from moto.sqs import models as sqs_models

    if getattr(sqs_models.unix_time, "_switchyard_patched", False):
        return
    real_unix_time, real_utcnow = sqs_models.unix_time, dynamodb_table.utcnow

    def unix_time(dt: datetime.datetime | None = None) -> float:
        # moto's unix_time() is utcnow() - utcfromtimestamp(0) through datetime: the same
        # instant as time.time(), at several times the cost, and SQS asks for it per message.
        return float(real_unix_time(dt)) if dt is not None else time.time() + _clock_offset

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


def expired_messages_deleted() -> None:
    """Delete the messages past their queue's retention period before each receive, as SQS does.

    moto 5.2.5's receive stops at the first message past its retention period, and leaves it
    marked received: once a queue's oldest message has expired, every receive answers nothing
    while the queue still reports its messages. Seen when the TTL e2e had moved the simulated
    clock past the 4-day retention: earlier tests' leftovers blocked the registration queues.
    SQS deletes such messages and serves the rest.
    """
    from moto.sqs.models import SQSBackend

    original = SQSBackend.receive_message
    if getattr(original, "_switchyard_expiry", False):
        return

    @functools.wraps(original)  # keeps the other patches' markers
    def receive_message(self: SQSBackend, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        queue = self.get_queue(queue_name)
        for message in [
            m for m in queue._messages if not self.is_message_valid_based_on_retention_period(queue_name, m)
        ]:
            queue._messages.remove(message)
            queue.pending_messages.discard(message)
        return original(self, queue_name, *args, **kwargs)

    receive_message._switchyard_expiry = True  # type: ignore[attr-defined]
    SQSBackend.receive_message = receive_message


def sqs_attributes_computed_once() -> None:
    """Compute a queue's attributes once per GetQueueAttributes, and never per received message.

    moto 5.2.5 builds `Queue.attributes` (every attribute, the Approximate* counts among them,
    each a scan of all the queue's messages) three times per requested attribute name, and its
    receive checks each message's retention through GetQueueAttributes: a receive of 10 from a
    queue holding n messages costs ~90 n clock reads. That made the emulator, not the code under
    test, the slowest part of the end-to-end run. Same answers, read once.
    """
    from moto.sqs import models as sqs_models

    backend = sqs_models.SQSBackend
    original = backend.get_queue_attributes
    if getattr(original, "_switchyard_patched", False):
        return

    def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
        if not attribute_names or "All" in attribute_names:
            return dict(original(self, queue_name, attribute_names))
        queue = self.get_queue(queue_name)  # QueueDoesNotExist as moto raises it; names checked as moto does
        valid = ["All", *queue.BASE_ATTRIBUTES, *queue.FIFO_ATTRIBUTES, *queue.KMS_ATTRIBUTES]
        invalid = next((name for name in attribute_names if name not in valid), None)
        if invalid is not None:
            raise sqs_models.InvalidAttributeName(invalid)
        attributes = queue.attributes
        return {name: attributes[name] for name in attribute_names if attributes.get(name) is not None}

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        retention_s = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_s + message.sent_timestamp / 1000 > sqs_models.unix_time())

    get_queue_attributes._switchyard_patched = True  # type: ignore[attr-defined]
    backend.get_queue_attributes = get_queue_attributes
    backend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period


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


STREAM_CHECKPOINT_PATH = "/moto-api/switchyard/stream-checkpoint"


def _event_source_mapping(account: str, region: str, uuid: str) -> Any:
    from moto.awslambda.models import lambda_backends

    mapping = lambda_backends[account][region].get_event_source_mapping(uuid)
    if mapping is None:
        raise KeyError(f"no event source mapping {uuid} in {account} {region}")
    return mapping


def stream_checkpoint(account: str, region: str, uuid: str, shard: str, sequence: str | None = None) -> str | None:
    """The mapping's checkpoint in `shard` (the last sequence number it is done with), set first
    when `sequence` is given. Kept on moto's mapping object, so it ends with the mapping."""
    checkpoints: dict[str, str] = vars(_event_source_mapping(account, region, uuid)).setdefault(
        "_switchyard_checkpoints", {}
    )
    if sequence is not None:
        checkpoints[shard] = sequence
    return checkpoints.get(shard)


def stream_checkpoints() -> None:
    """Lambda keeps a stream mapping's position per shard for as long as the mapping exists:
    `StartingPosition` applies only to a new mapping. moto 5.2.5 plays no stream mappings, so it
    keeps no position; the harness's stream poller reads and writes it here, in the emulator,
    so it outlives one traffic run or process as Lambda's does.
    `POST /moto-api/switchyard/stream-checkpoint` {account, region, uuid, shard[, sequence]}
    answers {"sequence": the checkpoint or null}; 404 when the mapping does not exist."""
    from moto.moto_api._internal import urls as moto_api_urls

    def view(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            body = json.loads(request.get_data())
            args = (body["account"], body["region"], body["uuid"], body["shard"])
            sequence = stream_checkpoint(*args, body.get("sequence"))
        except KeyError as error:
            return 404, {}, json.dumps({"message": str(error)})
        except (ValueError, TypeError) as error:
            return 400, {}, json.dumps({"message": f"bad request: {error}"})
        return 200, {"Content-Type": "application/json"}, json.dumps({"sequence": sequence})

    moto_api_urls.url_paths["{0}" + STREAM_CHECKPOINT_PATH] = view


_api_destination_calls = threading.local()


def api_destination_body_and_auth() -> None:
    """Send what EventBridge sends to an API destination: the body, the auth, dynamic parameters.

    With MOTO_EVENTS_INVOKE_HTTP=true moto 5.2.5 calls the endpoint with the target's header and
    query parameters only: no body (the input-transformed event), no auth from the connection,
    and JSON-path parameter values ("$.detail.eventId") sent literally. For each API destination
    target moto calls, in target order, `requests.request(method, url, headers)` from
    `moto.events.models`; that module's `requests` now resolves the call against the target
    (queued per thread by Rule.send_to_targets) and sends the JSON body
    (Content-Type application/json; charset=utf-8), the API key header or basic auth, and the
    parameters with JSON paths resolved on the event, with AWS's 5 s timeout. OAuth client
    credentials (a token request first) are not emulated. Worth an upstream PR to moto.
    """
    import base64
    import types
    import urllib.parse

    import requests
    from jsonpath_ng.ext import parse as jsonpath
    from moto.events import models as events_models

    original = events_models.Rule.send_to_targets
    if getattr(original, "_switchyard_patched", False):
        return

    def send_to_targets(self: Any, original_event: Any, transform_input: bool = True) -> None:
        targets = [t for t in self.targets if ":api-destination/" in t["Arn"]]
        _api_destination_calls.queue = [(self, t, original_event, transform_input) for t in targets]
        try:
            original(self, original_event, transform_input)
        finally:
            _api_destination_calls.queue = []

    def resolve(value: str, event: Any) -> str:
        if not value.startswith("$."):
            return value
        found = jsonpath(value).find(event)
        return str(found[0].value) if found else ""

    def request(method: str, url: str, headers: dict[str, str], **_: Any) -> requests.Response | None:
        rule, target, event, transform = _api_destination_calls.queue.pop(0)
        backend = events_models.events_backends[rule.account_id][rule.region_name]
        destination = rule._find_api_destination(target["Arn"].split(":api-destination/", 1)[1])
        auth = next(c for c in backend.connections.values() if c.arn == destination.connection_arn).auth_parameters
        parameters = target.get("HttpParameters", {})
        send = {"Content-Type": "application/json; charset=utf-8"}
        send.update({k: resolve(v, event) for k, v in parameters.get("HeaderParameters", {}).items()})
        if "ApiKeyAuthParameters" in auth:
            send[auth["ApiKeyAuthParameters"]["ApiKeyName"]] = auth["ApiKeyAuthParameters"]["ApiKeyValue"]
        if "BasicAuthParameters" in auth:
            pair = f"{auth['BasicAuthParameters']['Username']}:{auth['BasicAuthParameters']['Password']}"
            send["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        query = {k: resolve(v, event) for k, v in parameters.get("QueryStringParameters", {}).items()}
        transformer = target.get("InputTransformer", {}) if transform else {}
        body = events_models.EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=event,
        )
        endpoint = destination.invocation_endpoint + (f"?{urllib.parse.urlencode(query)}" if query else "")
        try:
            return requests.request(method, endpoint, headers=send, data=json.dumps(body), timeout=5)
        except requests.RequestException:
            return None  # an unreachable partner never fails PutEvents (AWS retries, then dead-letters)

    send_to_targets._switchyard_patched = True  # type: ignore[attr-defined]
    events_models.Rule.send_to_targets = send_to_targets
    events_models.requests = types.SimpleNamespace(request=request)


IAM_ENFORCEMENT_PATH = "/moto-api/switchyard/iam-enforcement"
# What enforcement decided since it was last switched on: per principal (the role or user ARN,
# not the session), how many calls were allowed, and each denied (action, resource).
_iam_decisions: dict[str, dict[str, Any]] = {}
_iam_lock = threading.Lock()
# A DynamoDB transaction is authorised per contained action, not as "TransactWriteItems".
_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
# SQS authorises a batch action as its single action (there is no sqs:SendMessageBatch).
_SQS_BATCH_ACTIONS = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def iam_enforcement_enabled() -> bool:
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    return bool(ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT)


def set_iam_enforcement(enabled: bool) -> None:
    """On: every request signed with credentials the emulator issued is authorised (moto's
    INITIAL_NO_AUTH_ACTION_COUNT = 0, what `/moto-api/reset-auth` sets); off: none is."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    with _iam_lock:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0 if enabled else float("inf")
        ActionAuthenticatorMixin.request_count = 0
        if enabled:
            _iam_decisions.clear()


def iam_decisions() -> dict[str, dict[str, Any]]:
    with _iam_lock:
        return json.loads(json.dumps(_iam_decisions))


def _record_decision(principal: str, denied: tuple[str, str] | None) -> None:
    with _iam_lock:
        entry = _iam_decisions.setdefault(principal, {"allowed": 0, "denied": []})
        if denied is None:
            entry["allowed"] += 1
        else:
            entry["denied"].append({"action": denied[0], "resource": denied[1]})


def _issuing_account(access_key_id: str) -> str | None:
    """The simulated account whose emulator issued this key (an IAM user's key or an
    sts:AssumeRole session, kept in the role's account), or None."""
    from moto.iam.models import iam_backends

    for account, partitions in list(iam_backends.items()):
        if any(access_key_id in backend.access_keys for backend in list(partitions.values())):
            return str(account)
    return None


def _issued_by_emulator(access_key_id: str) -> bool:
    """Was this key created by the emulator (an IAM user's key or an sts:AssumeRole session)?"""
    return _issuing_account(access_key_id) is not None


def authorization_checks(
    service: str, action: str, params: dict[str, Any], resource: str, arn_prefix: str
) -> list[tuple[str, str]]:
    """The (action, resource) pairs AWS authorises for one request, where moto's are wrong.

    moto 5.2.5 resolves the resource only for SQS (queue), IAM/STS (role) and S3 and checks
    everything else against "*", which no resource-scoped grant matches; it checks a
    transaction as "dynamodb:TransactWriteItems" and a batch as "sqs:SendMessageBatch", actions
    IAM does not have. For the services the platform's code calls: a DynamoDB table (or
    index) from TableName, each item of a transaction as its own action on its own table, an
    SNS topic from TopicArn, SQS batch actions as their single action. `arn_prefix` is
    "arn:<partition>:<service>:<region>:<account>".
    """

    def table_arn(name: str) -> str:
        return name if name.startswith("arn:") else f"{arn_prefix}:table/{name}"

    if service == "dynamodb":
        if action == "TransactWriteItems":
            return [
                (_TRANSACT_ACTIONS[kind], table_arn(operation["TableName"]))
                for entry in params.get("TransactItems", [])
                for kind, operation in entry.items()
            ]
        if action == "TransactGetItems":
            return [("GetItem", table_arn(entry["Get"]["TableName"])) for entry in params.get("TransactItems", [])]
        if action in ("BatchWriteItem", "BatchGetItem"):
            return [(action, table_arn(name)) for name in params.get("RequestItems", {})]
        if "TableName" in params:
            index = f"/index/{params['IndexName']}" if params.get("IndexName") else ""
            return [(action, table_arn(params["TableName"]) + index)]
    if service == "sns" and params.get("TopicArn"):
        return [("Publish" if action == "PublishBatch" else action, params["TopicArn"])]
    if service == "sqs":
        return [(_SQS_BATCH_ACTIONS.get(action, action), resource)]
    return [(action, resource)]


def iam_enforcement() -> None:
    """A switch for moto's IAM enforcement, and the corrections that make it usable.

    moto 5.2.5 authorises requests (identity policies of IAM users and assumed roles; no
    resource policies, permissions boundaries, KMS key policies or SCPs; conditions only
    `StringEquals` on `sts:ExternalId` in trust policies, every other condition counts as met)
    once INITIAL_NO_AUTH_ACTION_COUNT requests have passed, a number read from the environment
    at import. `POST /moto-api/switchyard/iam-enforcement {"enabled": true|false}` switches it
    at run time; GET answers {"enabled": ..., "decisions": {principal: {allowed, denied}}}.
    While on:
    - a request signed with a key the emulator did not issue (the sandbox's `test` keys, used
      by Terraform and by the harness where it plays an AWS service) is the operator's and
      passes unchecked; moto would refuse it (InvalidClientTokenId) and has no account root;
    - the caller is identified by its access key and session token; the signature is not
      recomputed (moto's recomputation fails for REST-protocol GETs, e.g. Lambda's
      ListEventSourceMappings and API Gateway's GetResources: SignatureDoesNotMatch);
    - the resource and action are the ones AWS authorises (authorization_checks), each checked;
    - a denial answers a JSON-protocol service's JSON error (AccessDeniedException), not XML;
    - a trust policy naming only a service (lambda.amazonaws.com) admits no IAM caller: moto
      raised TypeError (a 500) instead of AccessDenied.
    """
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import AccessDeniedError, JsonRESTError
    from moto.iam import access_control
    from moto.moto_api._internal import urls as moto_api_urls
    from moto.utilities.utils import get_partition

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action
    if getattr(original, "_switchyard_patched", False):
        return

    def authenticate_and_authorize(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        if not iam_enforcement_enabled():
            ActionAuthenticatorMixin.request_count += 1
            return
        authorization = self.headers.get("Authorization", "")
        if self.headers.get("X-Amz-Target") in ActionAuthenticatorMixin.PUBLIC_OPERATIONS:
            return
        access_key_id = authorization.partition("Credential=")[2].partition("/")[0]
        if not _issued_by_emulator(access_key_id):
            return  # the operator's credentials (see above)
        scope = authorization.partition("Credential=")[2].partition(",")[0].split("/")
        service, region = scope[3], scope[2]
        body = (
            self.raw_body.decode("utf-8", "replace") if isinstance(self.raw_body, bytes) else str(self.raw_body or "")
        )
        try:
            params = json.loads(body) if body.lstrip().startswith("{") else {}  # JSON protocols
        except ValueError:
            params = {}
        params.update({k: v[0] for k, v in (self.querystring or {}).items() if isinstance(v, list) and v})
        arn_prefix = f"arn:{get_partition(region)}:{service}:{region}:{self.current_account}"
        checks = authorization_checks(service, self._get_action(), params, resource, arn_prefix)
        path = self.raw_path + (f"?{self.uri.partition('?')[2]}" if "?" in self.uri else "")
        principal = "unknown"
        for action, checked_resource in checks or [(self._get_action(), resource)]:
            request = iam_request_cls(
                account_id=self.current_account,
                method=self.method,
                path=path,
                data=self.data,
                body=self.raw_body,
                headers=self.headers,
                action=action,
            )
            key = request._access_key
            principal = (
                key.arn
                if isinstance(key, access_control.IAMUserAccessKey)
                else (f"arn:{key.partition}:iam::{key.account_id}:role/{key._owner_role_name}")
            )
            try:
                request.check_action_permitted(checked_resource)
            except AccessDeniedError as denied:
                _record_decision(principal, (request._action, checked_resource))
                if "json" in self.headers.get("Content-Type", ""):
                    # moto answers a JSON-protocol service (DynamoDB, SQS) in IAM's XML, which
                    # boto3 reads as error code "403"; those services send this JSON error.
                    raise JsonRESTError("AccessDeniedException", denied.message) from denied
                raise
        _record_decision(principal, None)

    original_check_principal = access_control.IAMPolicyStatement._check_principal

    def check_principal(self: Any, principal: str) -> bool:
        expected = self._statement.get("Principal")
        if isinstance(expected, dict) and "AWS" not in expected:
            return False  # only services (or federated identities) are trusted
        return bool(original_check_principal(self, principal))

    def iam_enforcement_view(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        if request.method == "POST":
            try:
                enabled = json.loads(request.get_data())["enabled"]
                if not isinstance(enabled, bool):
                    raise TypeError("enabled must be true or false")
            except (ValueError, KeyError, TypeError) as error:
                return 400, {}, json.dumps({"message": str(error)})
            set_iam_enforcement(enabled)
        answer = {"enabled": iam_enforcement_enabled(), "decisions": iam_decisions()}
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    authenticate_and_authorize._switchyard_patched = True  # type: ignore[attr-defined]
    ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize
    access_control.IAMPolicyStatement._check_principal = check_principal
    moto_api_urls.url_paths["{0}" + IAM_ENFORCEMENT_PATH] = iam_enforcement_view


EXECUTE_API_AUTHORIZE_PATH = "/moto-api/switchyard/execute-api-authorize"


def authorize_execute_api(request: dict[str, Any]) -> dict[str, Any]:
    """API Gateway's AWS_IAM authorization of one request, which moto does not do.

    `request`: the caller's `method`, `url` (as signed: https://<api>.execute-api.<region>.
    amazonaws.com/<stage>/<path>), `headers`, `body`, and `resource`, the method ARN
    (arn:aws:execute-api:<region>:<account>:<api>/<stage>/<METHOD>/<path>). As API Gateway: no
    SigV4 Authorization is 403 "Missing Authentication Token"; a key the emulator did not
    issue, a credential scoped to another service or a signature that does not match the
    request is 403; so is a caller whose identity policies (moto's evaluation: no resource
    policies, boundaries or conditions) do not allow execute-api:Invoke on the resource.
    Allowed: {"status": 200, "identity": {caller, user, userArn, accountId}}, what
    $context.identity holds (caller and user: the IAM user id, or role-id:session-name).
    """
    from moto.core.exceptions import AccessDeniedError, InvalidClientTokenIdError, SignatureDoesNotMatchError
    from moto.iam import access_control
    from moto.iam.models import iam_backends

    headers = {str(k): str(v) for k, v in request.get("headers", {}).items()}
    lower = {k.lower(): v for k, v in headers.items()}
    authorization = lower.get("authorization", "")
    if not authorization.startswith("AWS4-HMAC-SHA256 "):
        return {"status": 403, "message": "Missing Authentication Token"}
    scope = authorization.partition("Credential=")[2].partition(",")[0].split("/")
    if len(scope) != 5:
        return {"status": 403, "message": "Authorization header requires 'Credential' parameter."}
    if scope[3] != "execute-api":
        return {
            "status": 403,
            "message": f"Credential should be scoped to correct service: 'execute-api'. not '{scope[3]}'",
        }
    # moto's own request check (what its IAM enforcement uses): the key from the headers, the
    # signature recomputed with the key's secret, the identity policies evaluated.
    for name in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token"):
        if name.lower() in lower:
            headers.setdefault(name, lower[name.lower()])
    invalid_key = {"status": 403, "message": "The security token included in the request is invalid."}
    account = _issuing_account(scope[0])
    if account is None:
        return invalid_key
    resource = str(request["resource"])
    try:
        checked = access_control.IAMRequest(
            account_id=account,
            method=request["method"],
            path=request["url"],
            data={},
            body=(request.get("body") or "").encode(),
            headers=headers,
            action="Invoke",
        )
        checked.check_signature()
        checked.check_action_permitted(resource)
    except InvalidClientTokenIdError:
        return invalid_key
    except SignatureDoesNotMatchError:
        return {
            "status": 403,
            "message": "The request signature we calculated does not match the signature you provided.",
        }
    except AccessDeniedError:
        return {
            "status": 403,
            "message": f"User: {checked._access_key.arn} is not authorized to perform: execute-api:Invoke "
            f"on resource: {resource}",
        }
    key = checked._access_key
    backend = iam_backends[key.account_id][key.partition]
    if isinstance(key, access_control.IAMUserAccessKey):
        principal = backend.get_user(key._owner_user_name).id
    else:
        principal = f"{backend.get_role(key._owner_role_name).id}:{key._session_name}"
    identity = {"caller": principal, "user": principal, "userArn": key.arn, "accountId": key.account_id}
    return {"status": 200, "identity": identity}


def execute_api_authorization() -> None:
    """`POST /moto-api/switchyard/execute-api-authorize {"requests": [...]}` answers
    {"results": [authorize_execute_api(r), ...]} (the harness plays API Gateway, moto does not
    authorize execute-api calls). Many requests per call only cut round trips."""
    from moto.moto_api._internal import urls as moto_api_urls

    def view(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
        try:
            requests = json.loads(request.get_data())["requests"]
            if not isinstance(requests, list):
                raise TypeError("requests must be a list")
            results = [authorize_execute_api(r) for r in requests]
        except (ValueError, KeyError, TypeError) as error:
            return 400, {}, json.dumps({"message": f"bad request: {error}"})
        return 200, {"Content-Type": "application/json"}, json.dumps({"results": results})

    moto_api_urls.url_paths["{0}" + EXECUTE_API_AUTHORIZE_PATH] = view


def apply_all() -> None:
    compact_sqs_redrive_policy()
    passive_event_source_mappings()
    item_level_transaction_rollback()
    simulated_clock()
    fifo_order_after_visibility_timeout()
    expired_messages_deleted()  # after: it wraps the receive that one installed
    sqs_attributes_computed_once()
    ttl_expiry()
    stream_checkpoints()
    api_destination_body_and_auth()
    iam_enforcement()
    execute_api_authorization()
    serialized_writes()  # last: it wraps what the patches above installed
