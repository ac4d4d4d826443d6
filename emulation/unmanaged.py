"""Event wiring that exists in an account but in no Terraform state: what a drift plan cannot see.

`terraform plan` refreshes only what its state names. A resource the provider created but never
recorded (say, a second Lambda event source mapping from a create whose response it lost and
retried) is invisible to it, yet it consumes the same queue as the managed one. This module lists
the wiring of each account through the AWS APIs and names every item that no state manages:

- Lambda event source mappings (aws_lambda_event_source_mapping: `uuid`, else `id`);
- SNS subscriptions, topic by topic (aws_sns_topic_subscription: `arn`);
- EventBridge rules, bus by bus, the default bus included (aws_cloudwatch_event_rule: `name`,
  `event_bus_name`), and their targets (aws_cloudwatch_event_target: `rule`,
  `event_bus_name`, `target_id`);
- EventBridge Pipes (aws_pipes_pipe: `name`).

States are Terraform's local state files (format version 4) as parsed JSON, any number of them
(the sandbox's and each account's bootstrap state). What AWS creates by itself is not
unmanaged: see `service_managed_rule`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

ESM = "aws_lambda_event_source_mapping"
SUBSCRIPTION = "aws_sns_topic_subscription"
RULE = "aws_cloudwatch_event_rule"
TARGET = "aws_cloudwatch_event_target"
PIPE = "aws_pipes_pipe"
KINDS = (ESM, SUBSCRIPTION, RULE, TARGET, PIPE)

DEFAULT_BUS = "default"
ARN_ACCOUNT = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:(\d{12}):")

ClientFor = Callable[[str], Any]  # service name -> boto3 client of one account (SimulatedAccount.client)


@dataclass(frozen=True)
class Unmanaged:
    """One resource in an account that no Terraform state manages."""

    kind: str  # the Terraform resource type that would manage it
    account: str
    id: str  # what `terraform import` of that type takes: a UUID, an ARN, [bus/]rule[/target id], a name
    parent: str  # what it hangs off: "function <arn>", "topic <arn>", "event bus <name>", ...
    detail: str = ""  # what makes it recognisable: the mapping's source, the target's ARN

    def __str__(self) -> str:
        text = f"{self.kind} {self.id} in account {self.account} on {self.parent}"
        return f"{text} ({self.detail})" if self.detail else text


# An account of None in a key: the state does not say which account (see _target_account); such
# an item counts as managed in every account.
Key = tuple[str | None, ...]


@dataclass
class Managed:
    """The keys of what the states manage, per kind, each key starting with the account."""

    keys: dict[str, set[Key]] = field(default_factory=lambda: {kind: set() for kind in KINDS})

    def add(self, kind: str, account: str | None, *rest: str) -> None:
        self.keys[kind].add((account, *rest))

    def has(self, kind: str, account: str, *rest: str) -> bool:
        return (account, *rest) in self.keys[kind] or (None, *rest) in self.keys[kind]


def account_of(arn: str | None) -> str | None:
    found = ARN_ACCOUNT.match(arn or "")
    return found[1] if found else None


def bus_name(value: str | None) -> str:
    """A rule's or target's `event_bus_name` as the APIs list it: a name (the state may hold an ARN)."""
    if not value:
        return DEFAULT_BUS
    return value.split(":event-bus/", 1)[1] if value.startswith("arn:") else value


def _instances(state: Mapping[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(type, provider configuration, attributes) of every managed resource instance."""
    if state.get("version") != 4:
        raise ValueError(f"expected a Terraform state of format version 4, got version {state.get('version')!r}")
    for resource in state.get("resources", []):
        if resource.get("mode", "managed") != "managed" or resource.get("type") not in KINDS:
            continue
        for instance in resource.get("instances", []):
            yield resource["type"], resource.get("provider", ""), instance.get("attributes") or {}


def managed_by(states: Iterable[Mapping[str, Any]]) -> Managed:
    managed = Managed()
    for state in states:
        instances = list(_instances(state))
        # A target records its rule by name only: its account is its rule's, found under the same
        # provider configuration (one set of credentials, so one account) of the same state.
        rule_accounts = {
            (provider, bus_name(a.get("event_bus_name")), a.get("name")): account_of(a.get("arn"))
            for kind, provider, a in instances
            if kind == RULE
        }
        for kind, provider, a in instances:
            if kind == ESM:
                managed.add(ESM, account_of(a.get("arn") or a.get("function_arn")), a.get("uuid") or a["id"])
            elif kind == SUBSCRIPTION:
                arn = a.get("arn") or a["id"]
                managed.add(SUBSCRIPTION, account_of(arn), arn)
            elif kind == RULE:
                managed.add(RULE, account_of(a.get("arn")), bus_name(a.get("event_bus_name")), a["name"])
            elif kind == TARGET:
                bus = bus_name(a.get("event_bus_name"))
                account = account_of(a.get("event_bus_name")) or rule_accounts.get((provider, bus, a["rule"]))
                managed.add(TARGET, account, bus, a["rule"], a["target_id"])
            elif kind == PIPE:
                managed.add(PIPE, account_of(a.get("arn")), a["name"])
    return managed


def service_managed_rule(rule: Mapping[str, Any]) -> bool:
    """A rule an AWS service created on the account's behalf, with its targets: not Terraform's.

    ListRules shows `ManagedBy` (the creating service's principal) on exactly these "managed rules"
    and a caller cannot set it. The case here is archives: CreateArchive makes the rule
    `Events-Archive-<archive>` that copies the bus's events into the archive, and moto 5.2.5 does
    the same (events/models.py create_archive: put_rule(..., managed_by=
    "prod.vhs.events.aws.internal") plus one target, Id = the rule's name, Arn
    "arn:aws:events:<region>:::"). Terraform manages the archive (aws_cloudwatch_event_archive), so
    the rule and its target are the service's; a rule merely named like one is still compared.
    """
    return bool(rule.get("ManagedBy"))


def _pages(client: Any, operation: str, key: str, **params: Any) -> Iterator[dict[str, Any]]:
    for page in client.get_paginator(operation).paginate(**params):
        yield from page.get(key, [])


def _event_buses(events: Any) -> Iterator[str]:
    """Every bus of the account, the default bus included (ListEventBuses has no paginator)."""
    params: dict[str, Any] = {}
    while True:
        page = events.list_event_buses(**params)
        for bus in page.get("EventBuses", []):
            yield bus["Name"]
        if not page.get("NextToken"):
            return
        params["NextToken"] = page["NextToken"]


def _event_source_mappings(account: str, client_for: ClientFor, managed: Managed) -> Iterator[Unmanaged]:
    # Listed once for the whole account rather than per function: the same mappings, plus any
    # whose function is gone (moto 5.2.5 also ignores FunctionName when given a bare name).
    for mapping in _pages(client_for("lambda"), "list_event_source_mappings", "EventSourceMappings"):
        if not managed.has(ESM, account, mapping["UUID"]):
            source = mapping.get("EventSourceArn", "")
            yield Unmanaged(ESM, account, mapping["UUID"], f"function {mapping['FunctionArn']}", f"source {source}")


def _subscriptions(account: str, client_for: ClientFor, managed: Managed) -> Iterator[Unmanaged]:
    # moto confirms every subscription on Subscribe, so each one listed has its ARN.
    sns = client_for("sns")
    for topic in _pages(sns, "list_topics", "Topics"):
        topic_arn = topic["TopicArn"]
        for sub in _pages(sns, "list_subscriptions_by_topic", "Subscriptions", TopicArn=topic_arn):
            if not managed.has(SUBSCRIPTION, account, sub["SubscriptionArn"]):
                detail = f"{sub.get('Protocol', '')} {sub.get('Endpoint', '')}".strip()
                yield Unmanaged(SUBSCRIPTION, account, sub["SubscriptionArn"], f"topic {topic_arn}", detail)


def _rules_and_targets(account: str, client_for: ClientFor, managed: Managed) -> Iterator[Unmanaged]:
    events = client_for("events")
    for bus in _event_buses(events):
        for rule in _pages(events, "list_rules", "Rules", EventBusName=bus):
            if service_managed_rule(rule):
                continue
            name = rule["Name"]
            rule_id = name if bus == DEFAULT_BUS else f"{bus}/{name}"  # as `terraform import` takes it
            if not managed.has(RULE, account, bus, name):
                yield Unmanaged(RULE, account, rule_id, f"event bus {bus}")
            for target in _pages(events, "list_targets_by_rule", "Targets", Rule=name, EventBusName=bus):
                if not managed.has(TARGET, account, bus, name, target["Id"]):
                    parent = f"rule {name} on event bus {bus}"
                    yield Unmanaged(TARGET, account, f"{rule_id}/{target['Id']}", parent, target.get("Arn", ""))


def _pipes(account: str, client_for: ClientFor, managed: Managed) -> Iterator[Unmanaged]:
    for pipe in _pages(client_for("pipes"), "list_pipes", "Pipes"):
        if not managed.has(PIPE, account, pipe["Name"]):
            parent = f"source {pipe.get('Source', '')}"
            yield Unmanaged(PIPE, account, pipe["Name"], parent, f"target {pipe.get('Target', '')}")


COMPARISONS: tuple[Callable[[str, ClientFor, Managed], Iterator[Unmanaged]], ...] = (
    _event_source_mappings,
    _subscriptions,
    _rules_and_targets,
    _pipes,
)


def unmanaged_resources(states: Iterable[Mapping[str, Any]], accounts: Mapping[str, ClientFor]) -> list[Unmanaged]:
    """Everything of the kinds above in each account (account id -> client factory) that none of
    the states manages, in a stable order; [] when the accounts hold only what the states name."""
    managed = managed_by(states)
    found = [
        item
        for account, client_for in accounts.items()
        for compare in COMPARISONS
        for item in compare(account, client_for, managed)
    ]
    return sorted(found, key=lambda u: (u.account, u.kind, u.parent, u.id))
