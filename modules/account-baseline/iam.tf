# The plan and deploy roles. Both are reachable from GitHub Actions only through the OIDC
# provider, told apart by the token's `sub` claim:
#   plan:   repo:<org>/<repo>:pull_request        (pull requests)
#           repo:<org>/<repo>:ref:refs/heads/<b>  (branch runs without an environment: drift)
#   deploy: repo:<org>/<repo>:environment:<env>   (only jobs bound to the GitHub environment,
#                                                 where required reviewers gate the run)
# GitHub sets `sub` to the environment form whenever a job has an environment, so a
# pull-request token can never carry it.

locals {
  subject_prefix = "repo:${var.github_repository}"
  plan_subjects = concat(
    ["${local.subject_prefix}:pull_request"],
    [for branch in var.plan_branches : "${local.subject_prefix}:ref:refs/heads/${branch}"],
  )
  deploy_subjects = ["${local.subject_prefix}:environment:${var.environment}"]

  plan_role_arn   = "arn:${local.partition}:iam::${local.account_id}:role/${var.plan_role_name}"
  deploy_role_arn = "arn:${local.partition}:iam::${local.account_id}:role/${var.deploy_role_name}"
  boundary_name   = "${var.name_prefix}-boundary"
  boundary_arn    = "arn:${local.partition}:iam::${local.account_id}:policy/${local.boundary_name}"
}

# --- permissions boundary ----------------------------------------------------------------------
data "aws_iam_policy_document" "boundary" {
  statement {
    sid       = "PlatformServicesOnly"
    actions   = [for service in var.deploy_services : "${service}:*"]
    resources = ["*"]
  }

  statement {
    sid    = "BaselineIsNotTheDeployersToChange"
    effect = "Deny"
    actions = [
      "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
      "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy",
      "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary",
      "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
      "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
      "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
    ]
    resources = [
      local.plan_role_arn,
      local.deploy_role_arn,
      local.api_gateway_role_arn,
      local.boundary_arn,
      "arn:${local.partition}:iam::${local.account_id}:oidc-provider/token.actions.githubusercontent.com",
    ]
  }

  statement {
    sid    = "StateBucketStaysProtected"
    effect = "Deny"
    actions = [
      "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning",
      "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketOwnershipControls",
    ]
    resources = [local.state_bucket_arn]
  }

  # API Gateway's account setting points at the baseline's logging role; deployers leave it.
  statement {
    sid       = "ApiGatewayAccountSettingStays"
    effect    = "Deny"
    actions   = ["apigateway:PATCH"]
    resources = ["arn:${local.partition}:apigateway:${local.region}::/account"]
  }

  # The state key is protected by its own key policy (main.tf), which keeps the roles from
  # waiting for the key's creation.
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Caps ${var.plan_role_name} and ${var.deploy_role_name}: platform services only; the baseline itself is off limits."
  policy      = data.aws_iam_policy_document.boundary.json
  tags        = var.tags
}

# --- state access (both roles) -----------------------------------------------------------------
data "aws_iam_policy_document" "state_read" {
  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
  }

  # S3 native locking (use_lockfile): a plan writes and deletes <key>.tflock next to the state.
  statement {
    sid       = "TakeStateLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*.tflock"]
  }

  statement {
    sid       = "UseStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.state.arn]
  }
}

data "aws_iam_policy_document" "state_write" {
  source_policy_documents = [data.aws_iam_policy_document.state_read.json]

  statement {
    sid       = "WriteState"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
  }
}

# --- trust policies ----------------------------------------------------------------------------
# Written with jsonencode rather than aws_iam_policy_document so that `terraform test` with a
# mock provider can decode and assert on them (tests/account_baseline.tftest.hcl).
locals {
  github_audience = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }

  plan_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubPullRequestsAndBranches"
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.oidc_provider_arn }
      Condition = {
        StringEquals = merge(local.github_audience, { "token.actions.githubusercontent.com:sub" = local.plan_subjects })
      }
    }]
  }

  deploy_trust_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "GitHubEnvironmentOnly"
        Effect    = "Allow"
        Action    = "sts:AssumeRoleWithWebIdentity"
        Principal = { Federated = local.oidc_provider_arn }
        Condition = {
          StringEquals = merge(local.github_audience, { "token.actions.githubusercontent.com:sub" = local.deploy_subjects })
        }
      }],
      [for arns in [var.admin_principal_arns] : {
        Sid       = "BootstrapOperators"
        Effect    = "Allow"
        Action    = "sts:AssumeRole"
        Principal = { AWS = arns }
      } if length(arns) > 0],
    )
  }
}

# --- plan role ---------------------------------------------------------------------------------
resource "aws_iam_role" "plan" {
  name                 = var.plan_role_name
  description          = "Read-only plans of ${var.github_repository} (pull requests, drift detection) in ${var.environment}"
  assume_role_policy   = jsonencode(local.plan_trust_policy)
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "plan_read_only" {
  role       = aws_iam_role.plan.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "plan_state" {
  name   = "terraform-state-read-and-lock"
  role   = aws_iam_role.plan.id
  policy = data.aws_iam_policy_document.state_read.json
}

# --- deploy role ---------------------------------------------------------------------------------
resource "aws_iam_role" "deploy" {
  name                 = var.deploy_role_name
  description          = "Applies ${var.github_repository} to ${var.environment} from the GitHub environment ${var.environment}"
  assume_role_policy   = jsonencode(local.deploy_trust_policy)
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = var.max_session_duration
  tags                 = var.tags
}

# AdministratorAccess inside the boundary: effective permissions are the boundary's platform
# services minus its deny statements.
resource "aws_iam_role_policy_attachment" "deploy_admin" {
  role       = aws_iam_role.deploy.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role_policy" "deploy_state" {
  name   = "terraform-state-read-write"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.state_write.json
}
