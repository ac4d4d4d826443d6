"""Traffic for the registration workload: sign-ups, redeliveries, poison, optional faults.

Sign-ups go through the deployed registration function (in-process, its own role) as API
Gateway HTTP API proxy requests (`POST /registrations`, answered 201 or 400), which publishes
to the topic; the emulator's SNS fans them out to the subscriber queues, filter
policies included. Redeliveries re-publish an already published event (same eventId); poison
is published straight to the topic by a misbehaving producer. Each consumer is then drained
through its deployed mapping. Accounting, per consumer: every expected user's effect exists
exactly once, the pro filter delivered exactly the pro users, every poison message is in the
right DLQ with its reason, and nothing is left in a queue.

Faults (`faults={"mailing": 30}`) throttle ~50% of that consumer's DynamoDB calls for its
first N batches, at the harness level. Failed messages come back after the queue's visibility
timeout on the simulated clock; those that exhaust maxReceiveCount land in the DLQ without a
failureReason, and the run redrives them, as an operator would, then drains again. The DLQs
are read and redriven as the platform's DLQ operator (`registration.dlq_operator_role_arns`,
the sandbox's deploy role): the only principal besides the consumers that the topic key lets
decrypt through SQS.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from emulation.harness.accounts import SimulatedAccount
from emulation.harness.faults import FlakyService, flaky_for_first_batches
from emulation.harness.sqs_source import SqsEventSourcePlayer

NAME = "registration"
PLANS = (("free", 0.6), ("pro", 0.25), ("team", 0.15))
SOURCES = ("web", "ios", "android", "partner")
UNFILTERED = ("analytics", "mailing", "onboarding")
POISON_REASONS = {
    "not-json": "body is not JSON",
    "bad-schema": "UserRegistered.v1 eventDetails invalid",
    "unknown-version": "UserRegistered version 2 is not supported",
}


@dataclass
class ConsumerResult:
    expected_users: int
    applied_users: int  # users whose effect exists (exactly one item each, by key)
    metrics: dict[str, float]
    batches: int
    poison_expected: int
    poison_parked_with_reason: int
    reasons_ok: bool
    redriven: int = 0
    faults_injected: int = 0
    left_in_queue: int = 0
    unexpected_users: int = 0  # sales-lead: users that are not pro
    timed_out: int = 0  # invocations the harness stopped at the function's timeout

    @property
    def applied_metric_ok(self) -> bool:
        """Exactly once by metric too: counted when the effect happens, never for a replay. An
        invocation stopped at its timeout after its writes emits no metrics, as in Lambda (this
        VM under load): then fewer, never more."""
        applied = self.metrics.get("EventsApplied", 0)
        return applied == self.expected_users or (self.timed_out > 0 and applied < self.expected_users)

    @property
    def accounted(self) -> bool:
        return (
            self.applied_users == self.expected_users
            and self.applied_metric_ok
            and self.poison_parked_with_reason == self.poison_expected
            and self.metrics.get("EventsRejected", 0) == self.poison_expected
            and self.reasons_ok
            and self.left_in_queue == 0
            and self.unexpected_users == 0
        )


@dataclass
class RegistrationResult:
    account_id: str
    registrations: int
    pro_users: int
    duplicates_sent: int
    poison_sent: int
    poison_pro: int
    refused: int
    signups_by_source: dict[str, int]
    counter_delta_by_source: dict[str, int]
    consumers: dict[str, ConsumerResult] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    redriven_by: str = ""  # caller ARN of the DLQ reads and redrives (the operator role's session)

    def summary_lines(self) -> list[str]:
        lines = [
            f"registered {self.registrations} users ({self.pro_users} pro), re-published {self.duplicates_sent} "
            f"events, published {self.poison_sent} poison ({self.poison_pro} with plan=pro), "
            f"{self.refused} invalid sign-ups refused by the API",
            f"analytics counters moved by {dict(sorted(self.counter_delta_by_source.items()))} "
            f"(expected {dict(sorted(self.signups_by_source.items()))})",
        ]
        for name, c in self.consumers.items():
            extra = f", {c.faults_injected} faults injected, {c.redriven} redriven" if c.faults_injected else ""
            extra += f", {c.timed_out} invocations timed out" if c.timed_out else ""
            lines.append(
                f"{name:>10}: {c.applied_users}/{c.expected_users} users applied once "
                f"(EventsApplied {int(c.metrics.get('EventsApplied', 0))}), "
                f"{int(c.metrics.get('DuplicatesIgnored', 0))} duplicates ignored, "
                f"{c.poison_parked_with_reason}/{c.poison_expected} poison parked with reason, "
                f"{c.batches} batches{extra}"
            )
        lines.append("timings " + ", ".join(f"{k} {v:.1f}s" for k, v in self.seconds.items()))
        return lines

    @property
    def accounted(self) -> bool:
        return self.counter_delta_by_source == self.signups_by_source and all(
            c.accounted for c in self.consumers.values()
        )


def _poison(kind: str, run_id: str, i: int, valid: dict[str, Any]) -> str:
    if kind == "not-json":
        return f"{{not json, run {run_id} poison {i}"
    body = json.loads(json.dumps(valid))
    body["eventId"] = f"{run_id}-poison-{i:05d}"
    body["eventDetails"]["email"] = f"poison{i}-{run_id}@example.com"
    if kind == "bad-schema":
        del body["eventDetails"]["displayName"]
    else:
        body["eventVersion"] = 2
    return json.dumps(body)


def _publish(sns: Any, topic_arn: str, body: str, plan: str) -> None:
    sns.publish(
        TopicArn=topic_arn,
        Message=body,
        MessageAttributes={
            "plan": {"DataType": "String", "StringValue": plan},
            "eventType": {"DataType": "String", "StringValue": "UserRegistered"},
        },
    )


def _sign_up(api: Any, request: dict[str, Any]) -> dict[str, Any]:
    """POST the request as API Gateway's HTTP API (payload 2.0) would; the answer's JSON body
    with `accepted` = 201."""
    answer = api.invoke(
        {
            "version": "2.0",
            "routeKey": "POST /registrations",
            "rawPath": "/registrations",
            "headers": {"content-type": "application/json"},
            "requestContext": {"http": {"method": "POST", "path": "/registrations"}},
            "body": json.dumps(request),
            "isBase64Encoded": False,
        }
    )
    return {"accepted": answer["statusCode"] == 201, **json.loads(answer["body"])}


def sign_up(account: SimulatedAccount, outputs: dict[str, Any], *, users: int, seed: int = 17) -> list[dict[str, Any]]:
    """`users` sign-ups (mixed plans and sources) through the deployed registration function;
    returns the UserRegistered events it published, in order."""
    rng = random.Random(seed)
    run_id = uuid.uuid4().hex[:12]
    api = account.execution_environment(outputs[NAME]["function_name"])
    events = []
    for i in range(users):
        request = {
            "email": f"user{i}-{run_id}@example.com",
            "displayName": f"User {i}",
            "plan": rng.choices([p for p, _ in PLANS], weights=[w for _, w in PLANS])[0],
            "source": rng.choice(SOURCES),
        }
        response = _sign_up(api, request)
        if not response["accepted"]:
            raise RuntimeError(f"registration refused: {response}")
        events.append(response["event"])
    return events


def _batch_get(dynamodb: Any, table: str, keys: list[dict[str, Any]]) -> int:
    found = 0
    for start in range(0, len(keys), 100):
        request: dict[str, Any] = {table: {"Keys": keys[start : start + 100]}}
        while request:
            response = dynamodb.batch_get_item(RequestItems=request)
            found += len(response["Responses"].get(table, []))
            request = response.get("UnprocessedKeys") or {}
    return found


def _signup_counters(dynamodb: Any, table: str) -> Counter[str]:
    totals: Counter[str] = Counter()
    for page in dynamodb.get_paginator("scan").paginate(
        TableName=table,
        FilterExpression="begins_with(pk, :day)",
        ExpressionAttributeValues={":day": {"S": "DAY#"}},
    ):
        for item in page["Items"]:
            totals[item["sk"]["S"].removeprefix("SOURCE#")] += int(item["signups"]["N"])
    return totals


def _sweep_dlq(sqs: Any, dlq_url: str, queue_url: str, run_id: str) -> tuple[list[dict[str, Any]], int]:
    """Take this run's messages out of a DLQ: keep the parked ones (they carry failureReason),
    send the rest (exhausted retries) back to their queue, as an operator redrive would."""
    parked, redriven = [], 0
    while messages := sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    ):
        for message in messages:
            if run_id not in message["Body"]:
                continue
            if "failureReason" in message.get("MessageAttributes", {}):
                parked.append(message)
            else:
                sqs.send_message(QueueUrl=queue_url, MessageBody=message["Body"])
                redriven += 1
            sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
    return parked, redriven


def dlq_operator(account: SimulatedAccount, wiring: dict[str, Any]) -> SimulatedAccount:
    """The account as the first DLQ operator role the platform names (who may decrypt dead
    letters through SQS); a platform without one cannot have its DLQs read."""
    operators = wiring.get("dlq_operator_role_arns") or []
    if not operators:
        raise RuntimeError("the platform names no DLQ operator (dlq_operator_role_arns): nobody may read its DLQs")
    arn = str(operators[0])
    if arn.split(":")[4] != account.account_id:
        raise RuntimeError(f"DLQ operator {arn} is not in account {account.account_id}")
    return SimulatedAccount(
        account.endpoint_url, account.account_id, account.region, arn.split(":role/", 1)[1].split("/")[-1]
    )


def run(
    account: SimulatedAccount,
    outputs: dict[str, Any],
    *,
    registrations: int = 500,
    duplicate_rate: float = 0.03,
    poison_rate: float = 0.01,
    faults: dict[str, int] | None = None,
    chunk: int = 250,
    seed: int = 5,
) -> RegistrationResult:
    """Publish in chunks of `chunk` sign-ups and drain every consumer after each, as consumers
    run alongside producers (and the emulator's queues stay short)."""
    rng = random.Random(seed)
    run_id = uuid.uuid4().hex[:12]
    wiring = outputs[NAME]
    subscribers = wiring["subscribers"]
    sns, sqs, dynamodb = account.client("sns"), account.client("sqs"), account.client("dynamodb")
    operator = dlq_operator(account, wiring)
    operator_sqs = operator.client("sqs")
    seconds: defaultdict[str, float] = defaultdict(float)

    api = account.execution_environment(wiring["function_name"])
    players: dict[str, SqsEventSourcePlayer] = {}
    flaky: dict[str, FlakyService] = {}
    for name, sub in subscribers.items():
        (players[name],) = account.sqs_players(sub["function_name"])
    # Settle what an earlier, interrupted run left in the queues, so this run counts only itself.
    started = time.monotonic()
    for player in players.values():
        player.drain()
    seconds["settle"] = time.monotonic() - started
    baseline = {
        name: (p.environment.logs.metric_totals(), p.stats.batches, p.environment.timeouts)
        for name, p in players.items()
    }
    counters_before = _signup_counters(dynamodb, wiring["tables"]["signups"])
    for name, player in players.items():
        if faults and name in faults:
            flaky[name] = flaky_for_first_batches(player.environment, player.environment.invocations + faults[name])

    refused = [
        _sign_up(api, {"email": f"broken-{run_id}", "displayName": "X", "source": "web"}),
        _sign_up(api, {"email": f"x-{run_id}@example.com", "displayName": "X", "plan": "gold", "source": "web"}),
    ]
    if any(r["accepted"] for r in refused):
        raise RuntimeError(f"the API accepted an invalid sign-up: {refused}")

    accepted: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    poison: list[tuple[str, str, str]] = []  # (body, kind, plan)
    poison_total = max(len(POISON_REASONS), round(registrations * poison_rate))
    chunks = max(1, -(-registrations // chunk))
    for c in range(chunks):
        # 1. Sign-ups through the deployed registration function.
        started = time.monotonic()
        batch: list[dict[str, Any]] = []
        for i in range(c * chunk, min(registrations, (c + 1) * chunk)):
            plan = rng.choices([p for p, _ in PLANS], weights=[w for _, w in PLANS])[0]
            request = {
                "email": f"user{i}-{run_id}@example.com",
                "displayName": f"User {i}",
                "plan": plan,
                "source": rng.choice(SOURCES),
            }
            response = _sign_up(api, request)
            if not response["accepted"]:
                raise RuntimeError(f"registration refused: {response}")
            batch.append(response["event"])
        accepted += batch
        # 2. Redeliveries (the same event again) and poison from a misbehaving producer.
        for event in rng.sample(batch, k=max(1, round(len(batch) * duplicate_rate))):
            _publish(sns, wiring["topic_arn"], json.dumps(event), event["eventDetails"]["plan"])
            duplicates.append(event)
        for i in range(c, poison_total, chunks):
            kind = list(POISON_REASONS)[i % len(POISON_REASONS)]
            plan = "pro" if i % 2 == 0 else "free"
            body = _poison(kind, run_id, i, batch[0])
            _publish(sns, wiring["topic_arn"], body, plan)
            poison.append((body, kind, plan))
        seconds["publish"] += time.monotonic() - started
        # 3. Every consumer drains what arrived, through its deployed mapping.
        for name, player in players.items():
            started = time.monotonic()
            player.drain()
            seconds[name] += time.monotonic() - started

    # 4. What exhausted its retries (faults) is redriven, as an operator would; poison stays.
    users = {e["eventDetails"]["userId"]: e["eventDetails"] for e in accepted}
    pro = {u for u, d in users.items() if d["plan"] == "pro"}
    result = RegistrationResult(
        account_id=account.account_id,
        registrations=registrations,
        pro_users=len(pro),
        duplicates_sent=len(duplicates),
        poison_sent=len(poison),
        poison_pro=sum(1 for _, _, plan in poison if plan == "pro"),
        refused=len(refused),
        signups_by_source=dict(Counter(d["source"] for d in users.values())),
        counter_delta_by_source={},
        redriven_by=str(operator.client("sts").get_caller_identity()["Arn"]),
    )
    for name, sub in subscribers.items():
        started = time.monotonic()
        player = players[name]
        parked, redriven = _sweep_dlq(operator_sqs, sub["dlq_url"], sub["queue_url"], run_id)
        total_redriven, rounds = redriven, 0
        while redriven and rounds < 3:
            rounds += 1
            # Retries came back only after the visibility timeout (6x the function's timeout)
            # on the simulated clock, so the in-progress idempotency records of the failed
            # invocations have expired: the redriven messages apply at once.
            player.drain()
            more_parked, redriven = _sweep_dlq(operator_sqs, sub["dlq_url"], sub["queue_url"], run_id)
            parked += more_parked
            total_redriven += redriven
        seconds[name] += time.monotonic() - started
        result.consumers[name] = _account_consumer(
            name,
            sub,
            wiring,
            player,
            parked,
            users,
            pro,
            poison,
            dynamodb,
            sqs,
            flaky.get(name),
            total_redriven,
            baseline[name],
        )
    result.counter_delta_by_source = {
        source: total - counters_before.get(source, 0)
        for source, total in _signup_counters(dynamodb, wiring["tables"]["signups"]).items()
        if total != counters_before.get(source, 0)
    }
    result.seconds = dict(seconds)
    return result


def _account_consumer(
    name: str,
    sub: dict[str, Any],
    wiring: dict[str, Any],
    player: SqsEventSourcePlayer,
    parked: list[dict[str, Any]],
    users: dict[str, dict[str, Any]],
    pro: set[str],
    poison: list[tuple[str, str, str]],
    dynamodb: Any,
    sqs: Any,
    flaky: FlakyService | None,
    redriven: int,
    baseline: tuple[dict[str, float], int, int],
) -> ConsumerResult:
    expected = pro if name == "sales-lead" else set(users)
    tables = wiring["tables"]
    if name == "analytics":
        table, keys = tables["signups"], [{"pk": {"S": f"USER#{u}"}, "sk": {"S": "COUNTED"}} for u in users]
    elif name == "mailing":
        table, keys = tables["outbox"], [{"outboxId": {"S": f"welcome#{u}"}} for u in users]
    elif name == "onboarding":
        table, keys = tables["workspaces"], [{"userId": {"S": u}} for u in users]
    else:
        table, keys = tables["leads"], [{"userId": {"S": u}} for u in users]
    found = _batch_get(dynamodb, table, keys)  # over all users: for leads, non-pro must be absent
    unexpected = 0
    if name == "sales-lead":
        unexpected = found - _batch_get(dynamodb, table, [{"userId": {"S": u}} for u in pro])
        found -= unexpected
    expected_poison = {body: kind for body, kind, plan in poison if name in UNFILTERED or plan == "pro"}
    reasons = {m["Body"]: m["MessageAttributes"]["failureReason"]["StringValue"] for m in parked}
    reasons_ok = set(reasons) == set(expected_poison) and all(
        reasons[body].startswith(POISON_REASONS[kind]) for body, kind in expected_poison.items()
    )
    attributes = sqs.get_queue_attributes(
        QueueUrl=sub["queue_url"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return ConsumerResult(
        expected_users=len(expected),
        applied_users=found,
        metrics={
            name: value - baseline[0].get(name, 0)
            for name, value in player.environment.logs.metric_totals().items()
            if value != baseline[0].get(name, 0)
        },
        batches=player.stats.batches - baseline[1],
        timed_out=player.environment.timeouts - baseline[2],
        poison_expected=len(expected_poison),
        poison_parked_with_reason=len(reasons),
        reasons_ok=reasons_ok,
        redriven=redriven,
        faults_injected=flaky.injected if flaky else 0,
        left_in_queue=int(attributes["ApproximateNumberOfMessages"])
        + int(attributes["ApproximateNumberOfMessagesNotVisible"]),
        unexpected_users=unexpected,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m emulation.traffic.registration --registrations 5000 --env dev [--faults mailing=30]`
    against the sandbox `make demo` applied (the emulator must be running)."""
    import argparse

    from emulation import emulator
    from emulation.sandbox import ROOT, Sandbox

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--registrations", type=int, default=5000)
    parser.add_argument("--env", default="dev", choices=["dev", "prod"])
    parser.add_argument("--faults", action="append", default=[], help="consumer=batches, e.g. mailing=30")
    args = parser.parse_args(argv)
    state = emulator.read_state()
    if not emulator.is_healthy(state) or state is None:
        print("registration traffic: the emulator is not running; run `make demo` first")
        return 1
    platform = Sandbox(ROOT / ".sandbox" / "demo", str(state["url"])).outputs()["platforms"][args.env]
    account = SimulatedAccount(str(state["url"]), platform["account_id"], "eu-west-1")
    faults = {name: int(batches) for name, _, batches in (f.partition("=") for f in args.faults)}
    started = time.monotonic()
    result = run(account, platform, registrations=args.registrations, faults=faults or None)
    for line in result.summary_lines():
        print(line)
    if not result.accounted:
        for name, consumer in result.consumers.items():
            print(f"{name}: {consumer}")
    print(f"{'every event accounted for' if result.accounted else 'MISMATCH'} in {time.monotonic() - started:.0f}s")
    return 0 if result.accounted else 1


if __name__ == "__main__":
    raise SystemExit(main())
