"""emulation.unmanaged finds event wiring that exists in an account but in no Terraform state.

Each test builds the wiring with boto3 against in-process moto, writes by hand the state Terraform
would hold for the managed part (format version 4, the attributes the provider records), adds
one extra directly through the API, and expects exactly that extra back.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import boto3
import pytest

from emulation.unmanaged import PIPE, RULE, SUBSCRIPTION, TARGET, Unmanaged, unmanaged_resources
from tests.conftest import REGION

ACCOUNT = "123456789012"  # moto's default account
OTHER = "222222222222"
PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"].dev'
OTHER_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"].prod'


def state(*resources: tuple[str, dict[str, Any]], provider: str = PROVIDER) -> dict[str, Any]:
    """A local-backend state (format version 4) holding one instance per (type, attributes)."""
    return {
        "version": 4,
        "terraform_version": "1.11.0",
        "resources": [
            {
                "module": 'module.platform["dev"]',
                "mode": "managed",
                "type": kind,
                "name": f"r{n}",
                "provider": provider,
                "instances": [{"index_key": "k", "schema_version": 0, "attributes": attributes}],
            }
            for n, (kind, attributes) in enumerate(resources)
        ],
    }


class Account:
    """One moto account, reached with credentials that belong to it."""

    def __init__(self, session: boto3.Session) -> None:
        self.session = session
        self.id = self.client("sts").get_caller_identity()["Account"]

    def client(self, service: str) -> Any:
        return self.session.client(service, region_name=REGION)  # type: ignore[call-overload]

    def queue(self, name: str) -> str:
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])

    def role(self, name: str) -> str:
        return str(self.client("iam").create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"])

    def function(self, name: str) -> str:
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("handler.py", "def lambda_handler(event, context):\n    return None\n")
        return str(
            self.client("lambda").create_function(
                FunctionName=name,
                Runtime="python3.12",
                Role=self.role(f"{name}-role"),
                Handler="handler.lambda_handler",
                Code={"ZipFile": code.getvalue()},
            )["FunctionArn"]
        )

    def rule(self, bus: str, name: str) -> tuple[str, dict[str, Any]]:
        arn = self.client("events").put_rule(
            Name=name, EventBusName=bus, EventPattern=json.dumps({"source": ["switchyard"]})
        )["RuleArn"]
        rule_id = name if bus == "default" else f"{bus}/{name}"
        return RULE, {"id": rule_id, "arn": arn, "name": name, "event_bus_name": bus}

    def target(self, bus: str, rule: str, target_id: str, arn: str) -> tuple[str, dict[str, Any]]:
        self.client("events").put_targets(Rule=rule, EventBusName=bus, Targets=[{"Id": target_id, "Arn": arn}])
        attributes = {"id": f"{bus}-{rule}-{target_id}", "arn": arn, "rule": rule, "event_bus_name": bus}
        return TARGET, {**attributes, "target_id": target_id}


@pytest.fixture
def account(mocked_aws: None) -> Account:
    return Account(boto3.Session(region_name=REGION))


@pytest.fixture
def other_account(account: Account) -> Account:
    """A second account: moto keys its backends by the account of the credentials (assumed role)."""
    sts = account.client("sts")
    credentials = sts.assume_role(RoleArn=f"arn:aws:iam::{OTHER}:role/operator", RoleSessionName="unit")["Credentials"]
    session = boto3.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    )
    return Account(session)


class World:
    """One of each kind, as an apply leaves them, and the state that apply would have written:
    a queue -> function mapping, a topic -> queue subscription, a rule with a target on a custom
    bus and on the default bus, an archive of the custom bus, and a pipe from a queue to the bus."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.function_arn = account.function("fn")
        self.queue_arn = account.queue("work")
        mapping = account.client("lambda").create_event_source_mapping(EventSourceArn=self.queue_arn, FunctionName="fn")
        sns = account.client("sns")
        self.topic_arn = sns.create_topic(Name="registrations")["TopicArn"]
        subscription_arn = sns.subscribe(TopicArn=self.topic_arn, Protocol="sqs", Endpoint=self.queue_arn)[
            "SubscriptionArn"
        ]
        events = account.client("events")
        self.bus_arn = events.create_event_bus(Name="webhooks")["EventBusArn"]
        events.create_archive(ArchiveName="webhooks", EventSourceArn=self.bus_arn)
        pipe_arn = account.client("pipes").create_pipe(
            Name="intake", RoleArn=account.role("pipe-role"), Source=self.queue_arn, Target=self.bus_arn
        )["Arn"]
        self.resources = [
            (
                "aws_lambda_event_source_mapping",
                {
                    "id": mapping["UUID"],
                    "uuid": mapping["UUID"],
                    "arn": mapping["EventSourceMappingArn"],
                    "function_arn": self.function_arn,
                    "event_source_arn": self.queue_arn,
                },
            ),
            (SUBSCRIPTION, {"id": subscription_arn, "arn": subscription_arn, "topic_arn": self.topic_arn}),
            account.rule("webhooks", "crm"),
            account.target("webhooks", "crm", "crm", self.queue_arn),
            account.rule("default", "nightly"),
            account.target("default", "nightly", "sweep", self.function_arn),
            (PIPE, {"id": "intake", "arn": pipe_arn, "name": "intake"}),
        ]

    def state(self) -> dict[str, Any]:
        return state(*self.resources)

    def unmanaged(self) -> list[Unmanaged]:
        return unmanaged_resources([self.state()], {self.account.id: self.account.client})


@pytest.fixture
def world(account: Account) -> World:
    return World(account)


def test_a_state_matching_the_emulator_reports_nothing(world: World) -> None:
    assert world.unmanaged() == []


def test_an_event_source_mapping_no_state_manages_is_reported_under_its_function(world: World) -> None:
    # What a lost create response used to leave: a mapping the provider never recorded. (A second
    # mapping of the same queue is now refused by emulation/create_conflicts.py, so another queue.)
    other_queue = world.account.queue("other")
    extra = world.account.client("lambda").create_event_source_mapping(EventSourceArn=other_queue, FunctionName="fn")
    assert world.unmanaged() == [
        Unmanaged(
            "aws_lambda_event_source_mapping",
            ACCOUNT,
            extra["UUID"],
            f"function {world.function_arn}",
            f"source {other_queue}",
        )
    ]


def test_a_subscription_no_state_manages_is_reported_under_its_topic(world: World) -> None:
    other_queue = world.account.queue("other")
    sns = world.account.client("sns")
    extra = sns.subscribe(TopicArn=world.topic_arn, Protocol="sqs", Endpoint=other_queue)["SubscriptionArn"]
    assert world.unmanaged() == [
        Unmanaged(SUBSCRIPTION, ACCOUNT, extra, f"topic {world.topic_arn}", f"sqs {other_queue}")
    ]


@pytest.mark.parametrize(("bus", "rule_id"), [("default", "stray"), ("webhooks", "webhooks/stray")])
def test_a_rule_no_state_manages_is_reported_on_its_bus(world: World, bus: str, rule_id: str) -> None:
    world.account.rule(bus, "stray")
    assert world.unmanaged() == [Unmanaged(RULE, ACCOUNT, rule_id, f"event bus {bus}")]


def test_a_rule_no_state_manages_is_reported_with_its_targets(world: World) -> None:
    world.account.rule("webhooks", "stray")
    world.account.target("webhooks", "stray", "t", world.queue_arn)
    assert world.unmanaged() == [
        Unmanaged(RULE, ACCOUNT, "webhooks/stray", "event bus webhooks"),
        Unmanaged(TARGET, ACCOUNT, "webhooks/stray/t", "rule stray on event bus webhooks", world.queue_arn),
    ]


@pytest.mark.parametrize(
    ("bus", "rule", "target_id"), [("webhooks", "crm", "webhooks/crm/copy"), ("default", "nightly", "nightly/copy")]
)
def test_a_target_no_state_manages_is_reported_under_its_rule(
    world: World, bus: str, rule: str, target_id: str
) -> None:
    world.account.target(bus, rule, "copy", world.queue_arn)
    assert world.unmanaged() == [
        Unmanaged(TARGET, ACCOUNT, target_id, f"rule {rule} on event bus {bus}", world.queue_arn)
    ]


def test_a_pipe_no_state_manages_is_reported_with_its_source(world: World) -> None:
    account = world.account
    other_queue = account.queue("other")
    account.client("pipes").create_pipe(
        Name="stray", RoleArn=account.role("stray-role"), Source=other_queue, Target=world.bus_arn
    )
    assert world.unmanaged() == [Unmanaged(PIPE, ACCOUNT, "stray", f"source {other_queue}", f"target {world.bus_arn}")]


def test_the_rule_and_target_eventbridge_creates_for_an_archive_are_the_services(account: Account) -> None:
    """CreateArchive makes `Events-Archive-<name>` with ManagedBy set (moto 5.2.5 does too): the
    state holds the archive, not the rule; a caller's rule that merely takes such a name is not."""
    events = account.client("events")
    bus_arn = events.create_event_bus(Name="webhooks")["EventBusArn"]
    events.create_archive(ArchiveName="webhooks", EventSourceArn=bus_arn)
    events.create_archive(
        ArchiveName="everything", EventSourceArn=f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
    )
    service_rules = [r for bus in ("default", "webhooks") for r in events.list_rules(EventBusName=bus)["Rules"]]
    assert {(r["Name"], r["ManagedBy"]) for r in service_rules} == {
        ("Events-Archive-webhooks", "prod.vhs.events.aws.internal"),
        ("Events-Archive-everything", "prod.vhs.events.aws.internal"),
    }
    assert unmanaged_resources([state()], {ACCOUNT: account.client}) == []

    account.rule("webhooks", "Events-Archive-lookalike")
    assert unmanaged_resources([state()], {ACCOUNT: account.client}) == [
        Unmanaged(RULE, ACCOUNT, "webhooks/Events-Archive-lookalike", "event bus webhooks")
    ]


def test_each_account_is_compared_with_what_the_states_manage_in_that_account(
    account: Account, other_account: Account
) -> None:
    """The same rule and target names in two accounts: the state manages them in one account only
    (a target's account is its rule's, under the same provider configuration)."""
    for each in (account, other_account):
        each.client("events").create_event_bus(Name="webhooks-bus")
    queue_arn = account.queue("work")
    managed = [account.rule("webhooks-bus", "crm"), account.target("webhooks-bus", "crm", "crm", queue_arn)]
    other_queue = other_account.queue("work")
    other_account.rule("webhooks-bus", "crm")
    other_account.target("webhooks-bus", "crm", "crm", other_queue)
    accounts = {account.id: account.client, other_account.id: other_account.client}
    assert unmanaged_resources([state(*managed)], accounts) == [
        Unmanaged(RULE, OTHER, "webhooks-bus/crm", "event bus webhooks-bus"),
        Unmanaged(TARGET, OTHER, "webhooks-bus/crm/crm", "rule crm on event bus webhooks-bus", other_queue),
    ]
    # With the other account's state (its own provider configuration) as well, nothing is left.
    other = state(*other_account_resources(other_account, other_queue), provider=OTHER_PROVIDER)
    assert unmanaged_resources([state(*managed), other], accounts) == []


def other_account_resources(account: Account, queue_arn: str) -> list[tuple[str, dict[str, Any]]]:
    arn = f"arn:aws:events:{REGION}:{account.id}:rule/webhooks-bus/crm"
    rule = {"id": "webhooks-bus/crm", "arn": arn, "name": "crm", "event_bus_name": "webhooks-bus"}
    target = {"id": "webhooks-bus-crm-crm", "arn": queue_arn, "rule": "crm", "event_bus_name": "webhooks-bus"}
    return [(RULE, rule), (TARGET, {**target, "target_id": "crm"})]


def test_a_target_whose_state_names_its_bus_by_arn_is_managed_in_that_buses_account_only(
    account: Account, other_account: Account
) -> None:
    """The same bus, rule and target in two accounts; the state's target names the first account's
    bus by ARN and has no rule beside it (its rule is in another state): the second account's
    target is not managed."""
    rules, targets, queues = [], {}, {}
    for each in (account, other_account):
        bus_arn = each.client("events").create_event_bus(Name="webhooks")["EventBusArn"]
        queues[each.id] = each.queue("work")
        rules.append(each.rule("webhooks", "crm"))
        kind, target = each.target("webhooks", "crm", "crm", queues[each.id])
        targets[each.id] = (kind, {**target, "event_bus_name": bus_arn})
    states = [state(*rules, provider=OTHER_PROVIDER), state(targets[ACCOUNT])]
    accounts = {account.id: account.client, other_account.id: other_account.client}
    assert unmanaged_resources(states, accounts) == [
        Unmanaged(TARGET, OTHER, "webhooks/crm/crm", "rule crm on event bus webhooks", queues[OTHER])
    ]


def test_a_state_of_another_format_is_refused() -> None:
    with pytest.raises(ValueError, match="format version 4, got version 3"):
        unmanaged_resources([{"version": 3, "resources": []}], {})


def test_an_unmanaged_resource_reads_well_in_an_assertion_message() -> None:
    extra = Unmanaged(
        "aws_lambda_event_source_mapping",
        "111111111111",
        "2a12ba6d-0416-448c-b935-286fad86e2ae",
        "function arn:aws:lambda:eu-west-1:111111111111:function:swy-dev-voting",
        "source arn:aws:sqs:eu-west-1:111111111111:swy-dev-voting",
    )
    assert str(extra) == (
        "aws_lambda_event_source_mapping 2a12ba6d-0416-448c-b935-286fad86e2ae in account 111111111111"
        " on function arn:aws:lambda:eu-west-1:111111111111:function:swy-dev-voting"
        " (source arn:aws:sqs:eu-west-1:111111111111:swy-dev-voting)"
    )
