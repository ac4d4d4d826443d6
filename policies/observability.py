"""CKV2_SWY_8: log groups keep logs for a set time, encrypted with a KMS key.
CKV2_SWY_9: every Lambda function has active X-Ray tracing.
CKV2_SWY_15: every metric alarm notifies someone (alarm_actions and ok_actions are wired)."""

from __future__ import annotations

from typing import Any

import swy_graph as g
from checkov.common.models.enums import CheckCategories, CheckResult
from swy_base import SwitchyardCheck


class LogGroupRetentionAndKms(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_8",
            "Every CloudWatch log group has a retention period and a KMS key",
            ["aws_cloudwatch_log_group"],
            CheckCategories.LOGGING,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        problems = []
        retention = g.first(conf.get("retention_in_days"))
        if retention in (None, 0, "0", ""):
            problems.append("retention_in_days unset or 0 (logs kept forever)")
        if g.first(conf.get("kms_key_id")) in (None, ""):
            problems.append("kms_key_id unset")
        return self.fail("; ".join(problems)) if problems else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["retention_in_days", "kms_key_id"]


class LambdaActiveTracing(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_9",
            'Every Lambda function has tracing_config.mode = "Active"',
            ["aws_lambda_function"],
            CheckCategories.LOGGING,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        tracing = g.first(conf.get("tracing_config"))
        if isinstance(tracing, dict) and g.first(tracing.get("mode")) == "Active":
            return CheckResult.PASSED
        return self.fail('tracing_config.mode is not "Active"')

    def get_evaluated_keys(self) -> list[str]:
        return ["tracing_config/[0]/mode"]


class AlarmsHaveActions(SwitchyardCheck):
    """Source scans see `alarm_actions = var.alarm_actions` as the variable's default (often
    []), so the check asks that both attributes are wired at all and not a literal empty list
    in a root; that they reach the environment's alarm topic is proved by
    tests/unit/test_environment_workloads.py on a planned root and by the sandbox e2e."""

    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_15",
            "Every CloudWatch metric alarm sets alarm_actions and ok_actions",
            ["aws_cloudwatch_metric_alarm"],
            CheckCategories.LOGGING,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        missing = [key for key in ("alarm_actions", "ok_actions") if key not in conf or conf[key] in (None, [None])]
        if missing:
            return self.fail(f"{' and '.join(missing)} unset: the alarm notifies no one")
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["alarm_actions", "ok_actions"]


checks = [LogGroupRetentionAndKms(), LambdaActiveTracing(), AlarmsHaveActions()]
