# The CI roles. All are reachable from GitHub Actions only through the OIDC provider, told apart
# by the token's claims:
#   pr-plan: sub = repo:<org>/<repo>:pull_request         (pull requests; only where
#                                                           pull_request_plans = true, i.e. dev)
#   plan:    sub = repo:<org>/<repo>:ref:refs/heads/<b>    (reviewed code on plan_branches: the
#                                                           deploy workflow's plan job, drift)
#   deploy:  sub = repo:<org>/<repo>:environment:<env>     (only jobs bound to the GitHub
#            AND job_workflow_ref = the deploy workflow     environment, and only that reusable
#                on deploy_workflow_ref (main)              workflow as committed on main)
# GitHub sets `sub` to the environment form whenever a job has an environment, so a pull-request
# token can never carry it; job_workflow_ref names the workflow file and ref that run the job, so
# a workflow on another branch that declares the environment is refused too.

locals {
  subject_prefix     = "repo:${var.github_repository}"
  pr_plan_subjects   = ["${local.subject_prefix}:pull_request"]
  plan_subjects      = [for branch in var.plan_branches : "${local.subject_prefix}:ref:refs/heads/${branch}"]
  deploy_subjects    = ["${local.subject_prefix}:environment:${var.environment}"]
  deploy_workflow    = "${var.github_repository}/${var.deploy_workflow_path}@${var.deploy_workflow_ref}"
  github_claim       = "token.actions.githubusercontent.com"
  iam_arn_prefix     = "arn:${local.partition}:iam::${local.account_id}"
  plan_role_arn      = "${local.iam_arn_prefix}:role/${var.plan_role_name}"
  pr_plan_role_arn   = "${local.iam_arn_prefix}:role/${var.pr_plan_role_name}"
  deploy_role_arn    = "${local.iam_arn_prefix}:role/${var.deploy_role_name}"
  boundary_name      = "${var.name_prefix}-boundary"
  platform_state_key = coalesce(var.platform_state_key, "${var.environment}/platform.tfstate")
  boundary_arn       = "${local.iam_arn_prefix}:policy/${local.boundary_name}"
  platform_roles_arn = "${local.iam_arn_prefix}:role/${var.platform_role_name_prefix}*"
  baseline_roles     = [local.plan_role_arn, local.pr_plan_role_arn, local.deploy_role_arn, local.api_gateway_role_arn]
  # Roles the organisation uses to administer the account (and AWS's own): never the deployer's.
  organisation_roles = concat(
    [for name in var.organisation_role_names : "${local.iam_arn_prefix}:role/${name}"],
    ["${local.iam_arn_prefix}:role/aws-reserved/*", "${local.iam_arn_prefix}:role/aws-service-role/*"],
    var.admin_principal_arns,
  )
  role_changes = [
    "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy",
    "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePermissionsBoundary", "iam:DeleteRolePermissionsBoundary", "iam:TagRole", "iam:UntagRole",
    "iam:CreateRole",
  ]
}

# --- permissions boundary ----------------------------------------------------------------------
# The well-known delegation pattern: the deploy role may create and change IAM roles only under
# the platform's name prefix and only with this very boundary attached, so nothing it creates can
# do more than it can; it may pass those roles only to the services that run them; the boundary,
# the baseline's roles, the organisation's access roles and IAM users are out of its reach.
# Written with jsonencode so the module tests assert on the rendered document and the e2e
# evaluates the applied one (tests/e2e/test_deploy_boundary.py).
locals {
  boundary_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PlatformServices"
        Effect   = "Allow"
        Action   = [for service in var.deploy_services : "${service}:*"]
        Resource = "*"
      },
      {
        Sid      = "ReadIam"
        Effect   = "Allow"
        Action   = ["iam:Get*", "iam:List*"]
        Resource = "*"
      },
      {
        Sid       = "PlatformRolesOnlyWithThisBoundary"
        Effect    = "Allow"
        Action    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"]
        Resource  = local.platform_roles_arn
        Condition = { StringEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
      },
      {
        Sid      = "ManagePlatformRoles"
        Effect   = "Allow"
        Action   = ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"]
        Resource = local.platform_roles_arn
      },
      {
        Sid       = "PassPlatformRolesToTheirServices"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.platform_roles_arn
        Condition = { StringEquals = { "iam:PassedToService" = var.pass_role_services } }
      },
      {
        # Defence in depth: even an identity policy that allows more cannot create a role, or
        # swap a role's boundary, without this boundary.
        Sid       = "NoRoleWithoutThisBoundary"
        Effect    = "Deny"
        Action    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
        Resource  = "*"
        Condition = { StringNotEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
      },
      {
        Sid      = "BoundaryStays"
        Effect   = "Deny"
        Action   = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"]
        Resource = "*"
      },
      {
        Sid    = "BaselineIsNotTheDeployersToChange"
        Effect = "Deny"
        Action = concat(local.role_changes, [
          "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion",
          "iam:TagPolicy", "iam:UntagPolicy",
          "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint",
          "iam:AddClientIDToOpenIDConnectProvider", "iam:RemoveClientIDFromOpenIDConnectProvider",
        ])
        Resource = concat(local.baseline_roles, [
          local.boundary_arn,
          "${local.iam_arn_prefix}:oidc-provider/token.actions.githubusercontent.com",
        ])
      },
      {
        Sid      = "OrganisationAccessRolesStay"
        Effect   = "Deny"
        Action   = local.role_changes
        Resource = local.organisation_roles
      },
      {
        Sid    = "NoIamUsersOrLongLivedKeys"
        Effect = "Deny"
        Action = [
          "iam:CreateUser", "iam:CreateAccessKey", "iam:UpdateAccessKey", "iam:CreateLoginProfile",
          "iam:UpdateLoginProfile", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:AddUserToGroup",
          "iam:CreateServiceSpecificCredential", "iam:UploadSSHPublicKey", "iam:UploadSigningCertificate",
          "iam:PutUserPermissionsBoundary",
        ]
        Resource = "*"
      },
      {
        Sid    = "StateBucketStaysProtected"
        Effect = "Deny"
        Action = [
          "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration", "s3:PutBucketPublicAccessBlock",
          "s3:PutBucketOwnershipControls",
        ]
        Resource = local.state_bucket_arn
      },
      {
        # State history is the way back from a bad apply: a deployer may write state (new
        # versions) but never destroy old versions.
        Sid      = "StateHistoryStays"
        Effect   = "Deny"
        Action   = ["s3:DeleteObjectVersion"]
        Resource = "${local.state_bucket_arn}/*"
      },
      {
        # API Gateway's account setting points at the baseline's logging role; deployers leave it.
        Sid      = "ApiGatewayAccountSettingStays"
        Effect   = "Deny"
        Action   = "apigateway:PATCH"
        Resource = "arn:${local.partition}:apigateway:${local.region}::/account"
      },
      # The state key is protected by its own key policy (main.tf), which keeps the roles from
      # waiting for the key's creation.
    ]
  }
}

resource "aws_iam_policy" "boundary" {
  #checkov:skip=CKV2_SWY_7:a boundary caps whole platform services by design (deploy_services, "<service>:*"); iam and sts cannot be among them (validation) and are granted only in scoped, conditioned statements, which the module tests and tests/e2e/test_deploy_boundary.py prove
  name        = local.boundary_name
  description = "Caps the CI roles and every role they create: platform services only; IAM roles only under ${var.platform_role_name_prefix}* with this boundary; the baseline itself is off limits."
  policy      = jsonencode(local.boundary_policy)
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

  # S3 native locking (use_lockfile): a plan writes and deletes <key>.tflock next to the state,
  # this environment's only: a plan cannot break (delete) another root's lock.
  statement {
    sid       = "TakeOwnStateLock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/${local.platform_state_key}.tflock"]
  }

  statement {
    sid       = "UseStateKey"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
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
      Sid       = "GitHubReviewedBranches"
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.oidc_provider_arn }
      Condition = {
        StringEquals = merge(local.github_audience, { "${local.github_claim}:sub" = local.plan_subjects })
      }
    }]
  }

  pr_plan_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "GitHubPullRequests"
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = local.oidc_provider_arn }
      Condition = {
        StringEquals = merge(local.github_audience, { "${local.github_claim}:sub" = local.pr_plan_subjects })
      }
    }]
  }

  deploy_trust_policy = {
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "GitHubDeployWorkflowInEnvironment"
        Effect    = "Allow"
        Action    = "sts:AssumeRoleWithWebIdentity"
        Principal = { Federated = local.oidc_provider_arn }
        Condition = {
          StringEquals = merge(local.github_audience, {
            "${local.github_claim}:sub"              = local.deploy_subjects
            "${local.github_claim}:job_workflow_ref" = local.deploy_workflow
          })
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

# --- plan role (reviewed code: the deploy workflow's plan job and drift detection on main) -------
resource "aws_iam_role" "plan" {
  name                 = var.plan_role_name
  description          = "Read-only plans of ${var.github_repository} on ${join(", ", var.plan_branches)} (deploy workflow, drift detection) in ${var.environment}"
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

# --- pull-request plan role (unreviewed code; only in accounts with pull_request_plans) ----------
# A pull request runs its own code with these credentials, so the role reads what a refresh needs
# (configuration: describe/list/get) and this account's state, and nothing of the data plane.
locals {
  pr_plan_data_plane_deny = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "NoDataPlaneReads"
        Effect = "Deny"
        Action = [
          "dynamodb:GetItem", "dynamodb:BatchGet*", "dynamodb:Query", "dynamodb:Scan", "dynamodb:PartiQLSelect",
          "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ReadDataForReplication", "dynamodb:SearchVectors",
          "sqs:Receive*",
          "secretsmanager:GetSecretValue", "ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
          "logs:GetLogEvents", "logs:FilterLogEvents", "logs:StartQuery", "logs:GetQueryResults", "logs:StartLiveTail",
          "logs:GetLogRecord", "kinesis:GetRecords", "events:StartReplay", "lambda:InvokeFunction",
          "athena:GetQueryResults", "cloudtrail:LookupEvents",
        ]
        Resource = "*"
      },
      {
        Sid         = "NoObjectReadsOutsideState"
        Effect      = "Deny"
        Action      = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes", "s3:GetObjectTorrent"]
        NotResource = "${local.state_bucket_arn}/*"
      },
      {
        Sid         = "NoDecryptOutsideState"
        Effect      = "Deny"
        Action      = ["kms:Decrypt", "kms:ReEncryptFrom"]
        NotResource = aws_kms_key.state.arn
      },
    ]
  }
}

resource "aws_iam_role" "pr_plan" {
  count = var.pull_request_plans ? 1 : 0

  name                 = var.pr_plan_role_name
  description          = "Plans of ${var.github_repository} pull requests in ${var.environment}: configuration reads and state, no data plane"
  assume_role_policy   = jsonencode(local.pr_plan_trust_policy)
  permissions_boundary = aws_iam_policy.boundary.arn
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy_attachment" "pr_plan_read_only" {
  count = var.pull_request_plans ? 1 : 0

  role       = aws_iam_role.pr_plan[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role_policy" "pr_plan_state" {
  count = var.pull_request_plans ? 1 : 0

  name   = "terraform-state-read-and-lock"
  role   = aws_iam_role.pr_plan[0].id
  policy = data.aws_iam_policy_document.state_read.json
}

resource "aws_iam_role_policy" "pr_plan_no_data_plane" {
  count = var.pull_request_plans ? 1 : 0

  name   = "no-data-plane-reads"
  role   = aws_iam_role.pr_plan[0].id
  policy = jsonencode(local.pr_plan_data_plane_deny)
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

# The boundary doubles as the deploy role's permissions policy (no AdministratorAccess): what the
# role may do is exactly what the boundary allows, and a policy attached to it later still cannot
# go past the boundary.
resource "aws_iam_role_policy_attachment" "deploy_platform" {
  role       = aws_iam_role.deploy.name
  policy_arn = aws_iam_policy.boundary.arn
}

resource "aws_iam_role_policy" "deploy_state" {
  name   = "terraform-state-read-write"
  role   = aws_iam_role.deploy.id
  policy = data.aws_iam_policy_document.state_write.json
}
