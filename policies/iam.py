"""CKV2_SWY_7: no "*" action, no "*" resource for write actions, in any Allow statement.

Covers aws_iam_policy_document data sources, inline `jsonencode` policies and JSON strings on
aws_iam_policy, aws_iam_role_policy, aws_iam_user_policy, aws_iam_group_policy and
aws_iam_role.inline_policy. Action lists checkov cannot resolve fail when they can only be
wildcards: a for-expression such as `[for s in var.services : "${s}:*"]` (the shape of a
permissions boundary that allows whole services, iam and sts included) renders either as an
unresolved string ending in `}:*` or, once checkov substitutes the variable, as an empty list;
an Allow statement with no action checkov can see is not passed unseen. Deny statements pass
(the standard Deny-insecure-transport statement uses sqs:* with Principal *). In
resource-based statements (those naming principals: key, queue and topic policies) Resource
"*" means the resource the policy is attached to, so only the action rule applies there.
"""

from __future__ import annotations

import json
import re
from typing import Any

import swy_graph as g
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from swy_base import GUIDELINE, SwitchyardCheck

ID = "CKV2_SWY_7"
NAME = 'IAM statements allow no "*" action and no "*" resource for write actions'
READ_ONLY = re.compile(
    r"^[a-z0-9-]+:(Get|List|Describe|Head|Query|Scan|BatchGet|Search|Lookup|Receive|Select|View)", re.I
)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            out += _as_list(item)
        return out
    return [value]


# `${service}:*` inside an expression checkov left unresolved: a wildcard over computed services.
UNRESOLVED_WILDCARD = re.compile(r"\}:\*")
# What checkov leaves of a computed action list inside an unresolved jsonencode(): "'Action': []".
EMPTY_ACTIONS = re.compile(r"""['"](?:Not)?Action['"]: \[\]""")


def statement_problems(effect: Any, actions: list[Any], resources: list[Any], resource_based: bool) -> list[str]:
    if str(g.first(effect) or "Allow") != "Allow":
        return []
    problems = []
    actions = [a for a in actions if isinstance(a, str)]
    if not actions:
        return ["allows actions checkov cannot resolve (a computed list renders empty): name them"]
    unresolved = [a for a in actions if "${" in a and UNRESOLVED_WILDCARD.search(a)]
    if unresolved:
        problems.append(f"allows a computed wildcard action list {unresolved[0][:80]!r}")
        actions = [a for a in actions if a not in unresolved]
    wildcard = [a for a in actions if a in ("*", "*:*") or (not resource_based and a.endswith(":*"))]
    if wildcard:
        problems.append(f"allows wildcard action(s) {sorted(set(wildcard))}")
    if not resource_based and "*" in resources:
        writes = [a for a in actions if not READ_ONLY.match(a)]
        if writes:
            problems.append(f'allows write action(s) {sorted(set(writes))[:5]} on resource "*"')
    return problems


def document_problems(document: Any) -> list[str]:
    """A JSON policy document (dict or string) -> problems; unknown or unparsable -> []."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            if "${jsonencode(" in document:
                flat = document.replace("\\", "")
                if UNRESOLVED_WILDCARD.search(flat):
                    return ["jsonencode() builds wildcard actions checkov cannot resolve (a for-expression)"]
                if EMPTY_ACTIONS.search(flat):
                    return ["jsonencode() holds an action list checkov renders empty: name the actions"]
            return []  # a reference such as data.aws_iam_policy_document.x.json: that data source is checked
    if not isinstance(document, dict):
        return []
    problems = []
    for statement in _as_list(document.get("Statement")):
        if not isinstance(statement, dict):
            continue
        problems += statement_problems(
            statement.get("Effect"),
            _as_list(statement.get("Action")),
            _as_list(statement.get("Resource")),
            resource_based="Principal" in statement,
        )
    return problems


class IamPolicyResourceNoWildcards(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            ID,
            NAME,
            ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role"],
            CheckCategories.IAM,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        documents = [g.first(conf.get("policy"))]
        for inline in _as_list(conf.get("inline_policy")):
            if isinstance(inline, dict):
                documents.append(g.first(inline.get("policy")))
        problems = [p for d in documents for p in document_problems(d)]
        return self.fail("; ".join(problems)) if problems else CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["policy", "inline_policy"]


class IamPolicyDocumentNoWildcards(BaseDataCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=ID,
            categories=(CheckCategories.IAM,),
            supported_data=("aws_iam_policy_document",),
            guideline=GUIDELINE,
        )

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        problems = []
        for statement in _as_list(conf.get("statement")):
            if not isinstance(statement, dict):
                continue
            problems += statement_problems(
                statement.get("effect"),
                _as_list(statement.get("actions")),
                _as_list(statement.get("resources")),
                resource_based=bool(statement.get("principals")),
            )
        if problems:
            self.details.append("; ".join(problems))
            return CheckResult.FAILED
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["statement"]


checks = [IamPolicyResourceNoWildcards(), IamPolicyDocumentNoWildcards()]
