"""tools.iam_eval: AWS's decision logic on the subset the baseline's policies use."""

from __future__ import annotations

import pytest

from tools.iam_eval import Principal, Request, key_policy_allows

ROLE = "arn:aws:iam::111111111111:role/swy-dev-audit-role"
BOUNDARY_ARN = "arn:aws:iam::111111111111:policy/switchyard-boundary"


def policy(*statements: dict[str, object]) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


ADMIN = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})


def test_the_boundary_caps_an_administrator() -> None:
    boundary = policy({"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})
    role = Principal((ADMIN,), boundary)
    assert role.allows(Request("sqs:CreateQueue", "arn:aws:sqs:eu-west-1:111111111111:q"))
    assert role.decide(Request("iam:CreateUser", "arn:aws:iam::111111111111:user/x")) == "implicit deny"


def test_the_boundary_alone_grants_nothing() -> None:
    boundary = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    assert Principal((), boundary).decide(Request("sqs:CreateQueue", "*")) == "implicit deny"


def test_an_explicit_deny_wins_over_any_allow() -> None:
    deny = policy({"Effect": "Deny", "Action": "iam:Create*", "Resource": "*"})
    assert Principal((ADMIN, deny)).decide(Request("iam:CreateUser", "x")) == "explicit deny"
    assert Principal((ADMIN,), deny).decide(Request("iam:createuser", "x")) == "explicit deny"  # actions: any case


def test_resource_wildcards_and_not_resource() -> None:
    only_platform = policy(
        {"Effect": "Allow", "Action": "iam:DeleteRole", "Resource": "arn:aws:iam::111111111111:role/swy-*"}
    )
    assert Principal((only_platform,)).allows(Request("iam:DeleteRole", ROLE))
    assert not Principal((only_platform,)).allows(Request("iam:DeleteRole", "arn:aws:iam::111111111111:role/admin"))
    not_state = policy({"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::state/*"})
    assert Principal((ADMIN, not_state)).allows(Request("s3:GetObject", "arn:aws:s3:::state/dev.tfstate"))
    assert not Principal((ADMIN, not_state)).allows(Request("s3:GetObject", "arn:aws:s3:::data/x"))


def test_string_equals_needs_the_key_and_string_not_equals_holds_without_it() -> None:
    allow = policy(
        {
            "Effect": "Allow",
            "Action": "iam:CreateRole",
            "Resource": "*",
            "Condition": {"StringEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}},
        }
    )
    deny = policy(
        {
            "Effect": "Deny",
            "Action": "iam:CreateRole",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": BOUNDARY_ARN}},
        }
    )
    role = Principal((allow, deny))
    assert role.allows(Request("iam:CreateRole", ROLE, {"iam:PermissionsBoundary": BOUNDARY_ARN}))
    assert role.decide(Request("iam:CreateRole", ROLE)) == "explicit deny"
    other = {"iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/other"}
    assert role.decide(Request("iam:CreateRole", ROLE, other)) == "explicit deny"


def test_if_exists_null_and_like_operators() -> None:
    statement = {
        "Effect": "Deny",
        "Action": "s3:PutObject",
        "Resource": "*",
        "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": "aws:kms"}},
    }
    role = Principal((ADMIN, policy(statement)))
    # ...IfExists: a missing key makes the condition true, so this Deny refuses a put without it too.
    assert not role.allows(Request("s3:PutObject", "arn:aws:s3:::b/k"))
    assert not role.allows(Request("s3:PutObject", "arn:aws:s3:::b/k", {"s3:x-amz-server-side-encryption": "AES256"}))
    kms = {"s3:x-amz-server-side-encryption": "aws:kms"}
    assert role.allows(Request("s3:PutObject", "arn:aws:s3:::b/k", kms))
    null = policy({"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Null": {"aws:SourceArn": "true"}}})
    assert not Principal((ADMIN, null)).allows(Request("sqs:SendMessage", "q"))
    assert Principal((ADMIN, null)).allows(Request("sqs:SendMessage", "q", {"aws:SourceArn": "arn:x"}))
    like = policy(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111111111111:*"}},
        }
    )
    assert Principal((like,)).allows(
        Request("sqs:SendMessage", "q", {"aws:SourceArn": "arn:aws:sns:eu-west-1:111111111111:t"})
    )
    assert not Principal((like,)).allows(
        Request("sqs:SendMessage", "q", {"aws:SourceArn": "arn:aws:sns:eu-west-1:222222222222:t"})
    )


def test_a_condition_outside_the_subset_fails_loudly() -> None:
    odd = policy(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}},
        }
    )
    with pytest.raises(ValueError, match="unsupported condition operator NumericLessThan"):
        Principal((odd,)).decide(Request("sqs:SendMessage", "q", {"aws:MultiFactorAuthAge": "10"}))


OPERATOR = "arn:aws:iam::111111111111:role/switchyard-deploy"
KEY = "arn:aws:kms:eu-west-1:111111111111:key/1234"
VIA_SQS = {"kms:ViaService": "sqs.eu-west-1.amazonaws.com"}


def test_a_key_policy_naming_the_role_allows_only_under_its_conditions() -> None:
    # GIVEN a key policy that names the operator role, through SQS only
    key_policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [OPERATOR]},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": VIA_SQS},
            }
        ]
    }
    # THEN it may decrypt through SQS, not directly nor through another service, and nobody else may
    assert key_policy_allows(key_policy, OPERATOR, Request("kms:Decrypt", KEY, VIA_SQS))
    assert not key_policy_allows(key_policy, OPERATOR, Request("kms:Decrypt", KEY))
    sns = {"kms:ViaService": "sns.eu-west-1.amazonaws.com"}
    assert not key_policy_allows(key_policy, OPERATOR, Request("kms:Decrypt", KEY, sns))
    assert not key_policy_allows(key_policy, ROLE, Request("kms:Decrypt", KEY, VIA_SQS))
    assert not key_policy_allows(key_policy, OPERATOR, Request("kms:Encrypt", KEY, VIA_SQS))


def test_a_root_principal_delegates_to_iam_and_honours_principal_arn() -> None:
    # GIVEN the account root with an aws:PrincipalArn condition (how pubsub-fanout names consumers)
    key_policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"ArnEquals": {"aws:PrincipalArn": [ROLE]}},
            }
        ]
    }
    grants = Principal((policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY}),))
    # THEN the named role needs its own IAM allow; another role of the account gets nothing
    assert key_policy_allows(key_policy, ROLE, Request("kms:Decrypt", KEY), grants)
    assert not key_policy_allows(key_policy, ROLE, Request("kms:Decrypt", KEY), Principal(()))
    assert not key_policy_allows(key_policy, OPERATOR, Request("kms:Decrypt", KEY), grants)
    # and another account's root is not this account's
    other = {"Statement": [{**key_policy["Statement"][0], "Principal": {"AWS": "arn:aws:iam::222222222222:root"}}]}
    assert not key_policy_allows(other, ROLE, Request("kms:Decrypt", KEY), grants)
