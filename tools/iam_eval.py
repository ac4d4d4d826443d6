"""A small IAM policy evaluator for the subset the account baseline uses.

Why our own: moto 5.2.5 (moto/iam/access_control.py) checks identity policies only, ignores
permissions boundaries, and evaluates no condition keys of identity policies (its own header
says Resource and Condition support is a TODO); pmapper's local simulator is the only PyPI
evaluator that models boundaries and conditions, and it has had no release since January 2022.
This module implements AWS's documented decision logic for one principal in one account:

    explicit Deny in any policy -> denied
    otherwise allowed only if an identity policy allows it AND the boundary (if any) allows it

Supported: Effect Allow/Deny; Action/NotAction and Resource/NotResource with `*` and `?`
wildcards (actions case-insensitive); condition operators StringEquals, StringNotEquals,
StringLike, StringNotLike, ArnEquals, ArnLike, ArnNotEquals, ArnNotLike, Bool, Null and their
...IfExists forms, with ForAnyValue:/ForAllValues: left out (an unsupported operator raises,
so a policy that grows past the subset fails loudly instead of being misjudged). SCPs and
session policies are not evaluated.

`key_policy_allows` judges a KMS key policy, the one resource policy KMS always consults:
moto stores key policies but never evaluates them. A statement applies to a caller when its
Principal names the caller's role ARN, "*", or the caller's account root; a root principal
only delegates to IAM (KMS's rule), so the caller's identity policies must allow the call too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Policy = Mapping[str, Any]


@dataclass(frozen=True)
class Request:
    action: str
    resource: str
    context: Mapping[str, str | list[str]] = field(default_factory=dict)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _glob(pattern: str, value: str, case_sensitive: bool = True) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, 0 if case_sensitive else re.IGNORECASE) is not None


def _condition_holds(operator: str, key: str, expected: Any, context: Mapping[str, str | list[str]]) -> bool:
    if operator.startswith(("ForAnyValue:", "ForAllValues:")):
        raise ValueError(f"unsupported condition operator {operator}")
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    expected_values = [str(v).lower() if isinstance(v, bool) else str(v) for v in _as_list(expected)]
    present = key in context
    if base == "Null":
        return (not present) == (expected_values[0].lower() == "true")
    if not present:
        # A missing key matches no positive operator; a negated one is true (AWS's rule), and
        # ...IfExists is true either way.
        return if_exists or base.startswith(("StringNot", "ArnNot"))
    actual = [str(v) for v in _as_list(context[key])]
    matchers = {
        "StringEquals": lambda a, e: a == e,
        "StringLike": lambda a, e: _glob(e, a),
        "ArnEquals": lambda a, e: a == e,
        "ArnLike": lambda a, e: _glob(e, a),
        "Bool": lambda a, e: a.lower() == e.lower(),
    }
    negated = {
        "StringNotEquals": "StringEquals",
        "StringNotLike": "StringLike",
        "ArnNotEquals": "ArnEquals",
        "ArnNotLike": "ArnLike",
    }
    if base in negated:
        match = matchers[negated[base]]
        return not any(match(a, e) for a in actual for e in expected_values)
    if base not in matchers:
        raise ValueError(f"unsupported condition operator {operator}")
    match = matchers[base]
    return any(match(a, e) for a in actual for e in expected_values)


def _statement_matches(statement: Mapping[str, Any], request: Request) -> bool:
    if "Principal" in statement or "NotPrincipal" in statement:
        raise ValueError("resource-based statements (Principal) are out of scope")
    if "Action" in statement:
        action_ok = any(_glob(p, request.action, case_sensitive=False) for p in _as_list(statement["Action"]))
    else:
        action_ok = not any(_glob(p, request.action, case_sensitive=False) for p in _as_list(statement["NotAction"]))
    if "Resource" in statement:
        resource_ok = any(_glob(p, request.resource) for p in _as_list(statement["Resource"]))
    else:
        resource_ok = not any(_glob(p, request.resource) for p in _as_list(statement["NotResource"]))
    if not (action_ok and resource_ok):
        return False
    for operator, keys in statement.get("Condition", {}).items():
        for key, expected in keys.items():
            if not _condition_holds(operator, key, expected, request.context):
                return False
    return True


def _effects(policies: Iterable[Policy], request: Request) -> set[str]:
    effects: set[str] = set()
    for policy in policies:
        for statement in _as_list(policy["Statement"]):
            if _statement_matches(statement, request):
                effects.add(statement["Effect"])
    return effects


@dataclass(frozen=True)
class Principal:
    """A role as IAM sees it: its identity policies (inline and attached) and its boundary."""

    identity_policies: tuple[Policy, ...]
    boundary: Policy | None = None

    def decide(self, request: Request) -> str:
        """One of "allowed", "explicit deny" or "implicit deny"."""
        identity = _effects(self.identity_policies, request)
        boundary = _effects([self.boundary], request) if self.boundary is not None else {"Allow"}
        if "Deny" in identity or "Deny" in boundary:
            return "explicit deny"
        if "Allow" in identity and "Allow" in boundary:
            return "allowed"
        return "implicit deny"

    def allows(self, request: Request) -> bool:
        return self.decide(request) == "allowed"


def load(document: str | Policy) -> Policy:
    """A policy document as IAM returns it (JSON text, URL-decoded) or already parsed."""
    return json.loads(document) if isinstance(document, str) else document


def _principal_matches(statement: Mapping[str, Any], role_arn: str) -> tuple[bool, bool]:
    """(applies, through the account root) for an IAM role caller."""
    if "NotPrincipal" in statement:
        raise ValueError("NotPrincipal is out of scope")
    principal = statement.get("Principal")
    if principal == "*":
        return True, False
    aws = _as_list(principal.get("AWS", [])) if isinstance(principal, Mapping) else []
    account = role_arn.split(":")[4]
    root = f"arn:{role_arn.split(':')[1]}:iam::{account}:root"
    if "*" in aws or role_arn in aws:
        return True, False
    if root in aws or account in aws:
        return True, True
    return False, False


def key_policy_allows(key_policy: Policy, role_arn: str, request: Request, identity: Principal | None = None) -> bool:
    """Whether KMS lets the role `role_arn` make `request` on a key with this policy.

    aws:PrincipalArn is set from role_arn. A statement whose principal is the account root
    counts only if `identity` (the role's IAM policies) allows the request too."""
    context = {"aws:PrincipalArn": role_arn, **request.context}
    judged = Request(request.action, request.resource, context)
    effects: set[str] = set()
    for statement in _as_list(key_policy["Statement"]):
        applies, through_root = _principal_matches(statement, role_arn)
        if not applies:
            continue
        bare = {k: v for k, v in statement.items() if k != "Principal"}
        if not _statement_matches(bare, judged):
            continue
        if statement["Effect"] == "Allow" and through_root and (identity is None or not identity.allows(judged)):
            continue
        effects.add(statement["Effect"])
    if identity is not None and identity.decide(judged) == "explicit deny":
        return False
    return "Deny" not in effects and "Allow" in effects
