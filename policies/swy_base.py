"""Base class of the Switchyard checks: ids CKV2_SWY_<n>, failure reasons kept in `details`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from swy_graph import Resource, Scope, scope_of

GUIDELINE = "policies/README.md in the Switchyard repository"


class SwitchyardCheck(BaseResourceCheck):
    def __init__(self, id: str, name: str, resources: Iterable[str], category: CheckCategories) -> None:
        super().__init__(
            name=name, id=id, categories=(category,), supported_resources=tuple(resources), guideline=GUIDELINE
        )

    def scope(self, conf: dict[str, Any]) -> tuple[Scope, Resource | None]:
        return scope_of(getattr(self, "entity_path", ""), str(conf.get("__address__", "")))

    def fail(self, reason: str) -> CheckResult:
        self.details.append(reason)
        return CheckResult.FAILED
