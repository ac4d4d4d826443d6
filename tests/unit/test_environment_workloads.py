"""Every workload is sized from an environment's tfvars, and a map key the platform does not know
fails with the list of valid keys.

`terraform test` in tests/environments plans environments/dev (the real roots are
byte-identical, so dev's code with an environment's tfvars is that environment) against a mock
provider and, with `-json -verbose`, prints the plan; these tests read what each setting became
on the functions, mappings, queues and usage plan.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tools.tf_cli_config import plugin_cache_lock

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "tests" / "environments"
FIXTURES = CONFIG / "fixtures"
CLI_CONFIG = ROOT / ".terraform.d" / "cli.tfrc"
PLATFORM = "module.platform."
CONSUMERS = ("analytics", "mailing", "onboarding", "sales-lead")
FUNCTIONS = {
    "audit": "module.audit_function",
    "voting": "module.voting_function",
    "registration_api": "module.registration_api_function",
    **{
        f"registration_{c.replace('-', '_')}": f'module.registration.module.subscriber["{c}"].module.function'
        for c in CONSUMERS
    },
    "ledger_processor": "module.ledger_processor[0]",
    "ledger_consumer": "module.ledger_consumer[0]",
}
LEDGER = ("ledger_processor", "ledger_consumer")
MAPPINGS = {
    "audit": "module.audit_queue.aws_lambda_event_source_mapping.this[0]",
    "voting": "module.voting_api.module.queue.aws_lambda_event_source_mapping.this[0]",
    **{
        c: f'module.registration.module.subscriber["{c}"].module.queue.aws_lambda_event_source_mapping.this[0]'
        for c in CONSUMERS
    },
}


@dataclass
class Planned:
    passed: bool
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)  # address -> planned values
    errors: list[str] = field(default_factory=list)  # error diagnostics: summary, detail

    def after(self, address: str) -> dict[str, Any]:
        return self.resources[PLATFORM + address]

    def function(self, name: str) -> dict[str, Any]:
        return self.after(f"{FUNCTIONS[name]}.aws_lambda_function.this")

    def mapping(self, name: str) -> tuple[int, int, int]:
        """(maximum_concurrency, batch_size, maximum_batching_window_in_seconds)"""
        m = self.after(MAPPINGS[name])
        return m["scaling_config"][0]["maximum_concurrency"], m["batch_size"], m["maximum_batching_window_in_seconds"]


@pytest.fixture(scope="module")
def terraform_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = {
        **os.environ,
        "TF_DATA_DIR": str(tmp_path_factory.mktemp("tfdata")),
        "TF_CLI_CONFIG_FILE": str(CLI_CONFIG),
        "TF_IN_AUTOMATION": "1",
    }
    init = ["terraform", f"-chdir={CONFIG}", "init", "-backend=false", "-input=false", "-lockfile=readonly"]
    with plugin_cache_lock(CLI_CONFIG):
        result = subprocess.run([*init, "-no-color"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return env


def plan(env: dict[str, str], tfvars: Path) -> Planned:
    command = ["terraform", f"-chdir={CONFIG}", "test", "-json", "-verbose", "-no-color", f"-var-file={tfvars}"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    planned = Planned(passed=result.returncode == 0)
    for line in result.stdout.splitlines():
        message = json.loads(line)
        if message["type"] == "test_plan":
            for change in message["test_plan"]["resource_changes"]:
                planned.resources[change["address"]] = change["change"]["after"]
        elif message["type"] == "diagnostic" and message["diagnostic"]["severity"] == "error":
            planned.errors.append(f"{message['diagnostic']['summary']}: {message['diagnostic'].get('detail', '')}")
    assert planned.passed or planned.errors, result.stdout[-3000:] + result.stderr
    return planned


def test_a_tfvars_file_sizes_voting_and_registration(terraform_env: dict[str, str]) -> None:
    # GIVEN dev's tfvars (platform defaults) and a file that sizes every workload
    dev = plan(terraform_env, ROOT / "environments" / "dev" / "terraform.tfvars")
    sized = plan(terraform_env, FIXTURES / "sized.tfvars")
    assert dev.passed and sized.passed, dev.errors + sized.errors

    # THEN dev keeps the defaults ...
    assert dev.mapping("voting") == (5, 10, 1)
    assert {c: dev.mapping(c) for c in CONSUMERS} == dict.fromkeys(CONSUMERS, (2, 10, 1))
    assert all(
        dev.function(f)["reserved_concurrent_executions"] is None for f in FUNCTIONS if f not in ("audit", *LEDGER)
    )
    # ... with the ledger and the webhooks off unless an environment turns them on
    assert not [a for a in dev.resources if a.startswith((PLATFORM + "module.ledger", PLATFORM + "module.webhooks"))]

    # ... and the sized file reaches every mapping, queue, function and the usage plan.
    assert sized.mapping("voting") == (40, 25, 2)
    assert (
        json.loads(sized.after("module.voting_api.module.queue.aws_sqs_queue.this")["redrive_policy"])[
            "maxReceiveCount"
        ]
        == 7
    )
    usage_plan = sized.after("module.voting_api.aws_api_gateway_usage_plan.this[0]")
    assert usage_plan["quota_settings"][0]["limit"] == 100000
    assert usage_plan["throttle_settings"][0] == {"rate_limit": 500, "burst_limit": 200}  # burst: platform default
    assert sized.mapping("analytics") == sized.mapping("onboarding") == sized.mapping("sales-lead") == (8, 5, 1)
    assert sized.mapping("mailing") == (3, 5, 1)  # consumers.mailing overrides the workload figure
    mailing = sized.function("registration_mailing")
    assert (mailing["timeout"], mailing["memory_size"]) == (20, 512)
    assert (
        sized.after('module.registration.module.subscriber["mailing"].module.queue.aws_sqs_queue.this')[
            "visibility_timeout_seconds"
        ]
        == 6 * 20
    )
    assert sized.function("registration_analytics")["timeout"] == 10  # registration.consumer_timeout default
    assert {f: sized.function(f)["reserved_concurrent_executions"] for f in FUNCTIONS} == {
        "audit": 11, "voting": 60, "registration_api": 12, "registration_analytics": 13,
        "registration_mailing": 14, "registration_onboarding": 15, "registration_sales_lead": 16,
        "ledger_processor": 17, "ledger_consumer": 18,
    }  # fmt: skip
    # the ledger: high-throughput FIFO, the consumers' concurrency on the grouped queue's mapping
    intake = sized.after("module.ledger[0].module.intake.aws_sqs_queue.this")
    assert (intake["deduplication_scope"], intake["fifo_throughput_limit"]) == ("messageGroup", "perMessageGroupId")
    grouped = sized.after("module.ledger[0].module.groups.aws_lambda_event_source_mapping.this[0]")
    assert grouped["scaling_config"][0]["maximum_concurrency"] == 30
    # the webhooks: https endpoints, secrets from the given secret ARNs, the retry bound
    destinations = {a: r for a, r in sized.resources.items() if ".aws_cloudwatch_event_api_destination.this[" in a}
    assert sorted(r["invocation_endpoint"] for r in destinations.values()) == [
        "https://crm.example.com/contacts",
        "https://tickets.example.com/api/tickets",
    ]
    targets = [r for a, r in sized.resources.items() if ".aws_cloudwatch_event_target.this[" in a]
    assert targets and all(t["retry_policy"][0]["maximum_retry_attempts"] == 3 for t in targets)


def test_unknown_function_or_consumer_keys_fail_with_the_valid_keys(terraform_env: dict[str, str]) -> None:
    # GIVEN reserved_concurrency = { audit = 5, votes = 50 } and registration.consumers.mail
    planned = plan(terraform_env, FIXTURES / "unknown_keys.tfvars")
    assert not planned.passed
    assert any(
        "reserved_concurrency keys must be function names: audit, voting, registration_api, registration_analytics, "
        "registration_mailing, registration_onboarding, registration_sales_lead, ledger_processor, ledger_consumer, "
        "bans_classifier, bans_accounts, bans_reactivation, bans_admin (unknown: votes)." in e
        for e in planned.errors
    ), planned.errors
    consumers = "analytics, mailing, onboarding, sales-lead"
    assert any(
        f"registration.consumers keys must be consumer names: {consumers} (unknown: mail)." in e for e in planned.errors
    ), planned.errors


ALARM = re.compile(r"(^|\.)aws_cloudwatch_metric_alarm\.")


def test_every_alarm_of_the_environment_notifies_its_alarm_topic(terraform_env: dict[str, str]) -> None:
    # GIVEN dev as it is configured (no alarm settings in its tfvars)
    dev = plan(terraform_env, ROOT / "environments" / "dev" / "terraform.tfvars")
    assert dev.passed, dev.errors
    # THEN the platform creates its alarm topic, encrypted with its own key (policies: modules/platform tests) ...
    topic = dev.after("aws_sns_topic.alarms[0]")
    assert topic["name"] == "swy-dev-alarms" and topic["kms_master_key_id"] == dev.after("aws_kms_key.alarms[0]")["arn"]
    # ... and every alarm of every module, whatever it is, notifies it on both transitions.
    alarms = {address: after for address, after in dev.resources.items() if ALARM.search(address)}
    assert len(alarms) >= 16, sorted(alarms)  # audit 4, voting 4, registration 8: not a vacuous loop
    silent = {
        a: (v["alarm_actions"], v["ok_actions"]) for a, v in alarms.items() if v["alarm_actions"] != [topic["arn"]]
    }
    silent |= {a: (v["alarm_actions"], v["ok_actions"]) for a, v in alarms.items() if v["ok_actions"] != [topic["arn"]]}
    assert not silent, silent
