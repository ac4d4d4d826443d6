"""CKV2_SWY_10: DynamoDB tables outside the sandbox have PITR and deletion protection.

Sandbox: the resource's `environment` tag (tags or tags_all, which carries the provider's
default_tags in a plan) starts with "sandbox", or the source scan's root folder is named
sandbox* (source scans do not merge default_tags). A value the source leaves to a variable
(`var.data_protection...`) cannot be judged in source: it passes here and is judged in each
environment's plan scan, where it is known; modules/platform also refuses false outside the
sandbox with a variable validation.
"""

from __future__ import annotations

from typing import Any

import swy_graph as g
from checkov.common.models.enums import CheckCategories, CheckResult
from swy_base import SwitchyardCheck


def _is_sandbox(conf: dict[str, Any]) -> bool:
    for key in ("tags_all", "tags"):
        tags = g.first(conf.get(key))
        if isinstance(tags, dict) and str(g.first(tags.get("environment")) or "").startswith("sandbox"):
            return True
    return g.is_sandbox_root()


def _explicitly_off(value: Any) -> bool:
    """False when set to false; unset counts as off (the AWS default is off)."""
    return value is None or value is False or value == "false"


class DynamoDbDataProtection(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_10",
            "DynamoDB tables outside the sandbox have point-in-time recovery and deletion protection",
            ["aws_dynamodb_table"],
            CheckCategories.BACKUP_AND_RECOVERY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if _is_sandbox(conf):
            return CheckResult.PASSED
        problems = []
        pitr = g.first(conf.get("point_in_time_recovery"))
        if _explicitly_off(g.first(pitr.get("enabled")) if isinstance(pitr, dict) else None):
            problems.append("point_in_time_recovery.enabled is not true")
        if _explicitly_off(g.first(conf.get("deletion_protection_enabled"))):
            problems.append("deletion_protection_enabled is not true")
        return self.fail("; ".join(problems)) if problems else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["point_in_time_recovery", "deletion_protection_enabled", "tags_all"]


checks = [DynamoDbDataProtection()]
