mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked fails as unknown, never passes.
  override_during = plan
  source          = "../../tests/mocks"

  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::switchyard-tfstate-111111111111-eu-west-1", id = "switchyard-tfstate-111111111111-eu-west-1" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/switchyard-boundary" }
  }
}

variables {
  environment       = "dev"
  github_repository = "acme/switchyard"
}

run "deploy_role_trusts_only_the_matching_github_environment" {
  command = plan

  assert {
    condition     = aws_iam_role.deploy.name == "switchyard-deploy"
    error_message = "The workflows and the registry expect the deploy role to be named switchyard-deploy."
  }
  assert {
    condition     = length(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement) == 1
    error_message = "Without admin_principal_arns the deploy role has exactly one trust statement (GitHub OIDC)."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Action == "sts:AssumeRoleWithWebIdentity"
    error_message = "The deploy role is assumed with a web identity token only."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    error_message = "The deploy role must trust the GitHub Actions OIDC provider of this account."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:acme/switchyard:environment:dev"]
    error_message = "The deploy role's sub condition must be exactly the GitHub environment of this account."
  }
  assert {
    condition     = !contains(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"], "repo:acme/switchyard:pull_request")
    error_message = "A pull-request token must not be able to assume the deploy role."
  }
  assert {
    condition     = !contains(keys(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition), "StringLike")
    error_message = "The deploy trust must compare sub with StringEquals: a StringLike wildcard could admit other refs."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:aud"] == "sts.amazonaws.com"
    error_message = "The deploy role must require the sts.amazonaws.com audience."
  }
  assert {
    condition     = aws_iam_role.deploy.permissions_boundary == aws_iam_policy.boundary.arn
    error_message = "The deploy role must carry the module's permissions boundary."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:job_workflow_ref"] == "acme/switchyard/.github/workflows/deploy-environment.yml@refs/heads/main"
    error_message = "The deploy trust must also require job_workflow_ref = the deploy workflow on main: the environment's protection rules must not be the only guard."
  }
}

run "deploy_workflow_ref_can_be_pinned_elsewhere" {
  command = plan

  variables {
    deploy_workflow_ref = "refs/heads/release"
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:job_workflow_ref"] == "acme/switchyard/.github/workflows/deploy-environment.yml@refs/heads/release"
    error_message = "job_workflow_ref follows deploy_workflow_ref."
  }
}

run "rejects_a_wildcard_deploy_ref" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    deploy_workflow_ref = "refs/heads/*"
  }
  expect_failures = [var.deploy_workflow_ref]
}

run "pull_requests_get_no_role_unless_the_account_opts_in" {
  command = plan

  variables {
    environment = "prod"
  }

  assert {
    condition     = length(aws_iam_role.pr_plan) == 0 && output.pr_plan_role_arn == null
    error_message = "Without pull_request_plans (staging, prod) there is no role a pull request can assume."
  }
  assert {
    condition = alltrue(flatten([
      for policy in [aws_iam_role.plan.assume_role_policy, aws_iam_role.deploy.assume_role_policy] : [
        for statement in jsondecode(policy).Statement :
        !contains(try(statement.Condition.StringEquals["token.actions.githubusercontent.com:sub"], []), "repo:acme/switchyard:pull_request")
      ]
    ]))
    error_message = "A pull-request token (sub repo:<org>/<repo>:pull_request) must not be able to assume the prod plan or deploy role."
  }
}

run "pull_request_plan_role_reads_configuration_and_state_not_data" {
  command = plan

  variables {
    pull_request_plans = true
  }

  assert {
    condition     = jsondecode(aws_iam_role.pr_plan[0].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:acme/switchyard:pull_request"]
    error_message = "The pull-request plan role trusts pull requests of the repository, nothing else."
  }
  assert {
    condition     = aws_iam_role.pr_plan[0].name == "switchyard-pr-plan" && aws_iam_role.pr_plan[0].permissions_boundary == aws_iam_policy.boundary.arn
    error_message = "The pull-request plan role is switchyard-pr-plan, inside the boundary."
  }
  assert {
    condition = alltrue([
      for action in ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "sqs:Receive*", "secretsmanager:GetSecretValue", "logs:GetLogEvents"] :
      contains(one([for st in jsondecode(aws_iam_role_policy.pr_plan_no_data_plane[0].policy).Statement : st.Action if st.Sid == "NoDataPlaneReads"]), action)
    ])
    error_message = "The pull-request plan role must be denied data-plane reads (items, messages, secrets, logs)."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_iam_role_policy.pr_plan_no_data_plane[0].policy).Statement :
      st.Effect == "Deny" && contains(st.Action, "s3:GetObject") && try(st.NotResource, "") == "arn:aws:s3:::switchyard-tfstate-111111111111-eu-west-1/*"
    ])
    error_message = "The pull-request plan role may read objects of the state bucket only."
  }
  assert {
    condition     = !contains(jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"], "repo:acme/switchyard:pull_request")
    error_message = "Pull requests get the pull-request plan role, never the ReadOnlyAccess plan role."
  }
}

run "plan_role_trusts_main_only_read_only" {
  command = plan

  assert {
    condition     = aws_iam_role.plan.name == "switchyard-plan"
    error_message = "The workflows expect the plan role to be named switchyard-plan."
  }
  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:acme/switchyard:ref:refs/heads/main"]
    error_message = "The plan role (ReadOnlyAccess) must trust the main branch only: pull requests run unreviewed code and get the pull-request plan role, where there is one."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] : !strcontains(s, "*")])
    error_message = "No wildcard in the plan role's subjects."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.plan_read_only.policy_arn == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    error_message = "The plan role is read-only (ReadOnlyAccess)."
  }
  assert {
    condition     = aws_iam_role.plan.permissions_boundary == aws_iam_policy.boundary.arn
    error_message = "The plan role must carry the module's permissions boundary."
  }
}

run "state_bucket_is_versioned_encrypted_private_and_tls_only" {
  command = plan

  assert {
    condition     = aws_s3_bucket.state.bucket == "switchyard-tfstate-111111111111-eu-west-1"
    error_message = "The state bucket follows <name_prefix>-tfstate-<account>-<region>; tools/envctl.py relies on it."
  }
  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "State must be versioned."
  }
  assert {
    condition = (
      one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
      && one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].kms_master_key_id == aws_kms_key.state.arn
    )
    error_message = "State must be encrypted with the module's CMK."
  }
  assert {
    condition     = aws_kms_key.state.enable_key_rotation
    error_message = "The state key must rotate."
  }
  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.state.block_public_acls,
      aws_s3_bucket_public_access_block.state.block_public_policy,
      aws_s3_bucket_public_access_block.state.ignore_public_acls,
      aws_s3_bucket_public_access_block.state.restrict_public_buckets,
    ])
    error_message = "All four public access blocks must be on."
  }
  assert {
    condition = (
      jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Effect == "Deny"
      && jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
      && contains(jsondecode(aws_s3_bucket_policy.state.policy).Statement[0].Resource, "arn:aws:s3:::switchyard-tfstate-111111111111-eu-west-1/*")
    )
    error_message = "The bucket policy must deny every request without TLS, on the bucket and its objects."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_s3_bucket_policy.state.policy).Statement :
      st.Effect == "Deny" && st.Action == "s3:PutObject" && try(st.Condition.StringNotEquals["s3:x-amz-server-side-encryption"], "") == "aws:kms"
    ])
    error_message = "The bucket policy must refuse puts that ask for another algorithm than aws:kms (the S3 backend's AES256)."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_s3_bucket_policy.state.policy).Statement :
      st.Effect == "Deny" && st.Action == "s3:PutObject" && try(st.Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"], "") == aws_kms_key.state.arn
      ]) && anytrue([
      for st in jsondecode(aws_s3_bucket_policy.state.policy).Statement :
      st.Effect == "Deny" && try(st.Condition.Null["s3:x-amz-server-side-encryption-aws-kms-key-id"], "") == "true"
    ])
    error_message = "The bucket policy must refuse puts encrypted with another key, or with aws:kms and no key (aws/s3)."
  }
  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.state.rule[0].noncurrent_version_expiration[0].noncurrent_days == 90
    error_message = "Superseded state versions expire after state_noncurrent_version_days."
  }
  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1 && aws_iam_openid_connect_provider.github[0].client_id_list == toset(["sts.amazonaws.com"])
    error_message = "The GitHub OIDC provider is created with audience sts.amazonaws.com."
  }
}

run "admin_principals_get_a_separate_assume_role_statement" {
  command = plan

  variables {
    admin_principal_arns = ["arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"]
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role.deploy.assume_role_policy).Statement) == 2
      && jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[1].Action == "sts:AssumeRole"
      && jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[1].Principal.AWS == ["arn:aws:iam::111111111111:role/OrganizationAccountAccessRole"]
    )
    error_message = "Named admin principals may assume the deploy role with sts:AssumeRole."
  }
  assert {
    condition     = jsondecode(aws_iam_role.deploy.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == ["repo:acme/switchyard:environment:dev"]
    error_message = "Adding operators must not widen the GitHub subject."
  }
}

run "an_existing_oidc_provider_is_reused" {
  command = plan

  variables {
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "With existing_oidc_provider_arn the module must not create a second provider."
  }
  assert {
    condition     = jsondecode(aws_iam_role.plan.assume_role_policy).Statement[0].Principal.Federated == "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    error_message = "The roles trust the existing provider."
  }
}

run "api_gateway_logs_through_its_own_role_into_its_own_log_groups" {
  command = plan

  override_resource {
    target          = aws_iam_role.api_gateway_cloudwatch[0]
    override_during = plan
    values          = { arn = "arn:aws:iam::111111111111:role/switchyard-apigateway-cloudwatch" }
  }

  assert {
    condition     = aws_api_gateway_account.this[0].cloudwatch_role_arn == "arn:aws:iam::111111111111:role/switchyard-apigateway-cloudwatch"
    error_message = "The account's API Gateway setting must name the baseline's logging role."
  }
  assert {
    condition     = output.api_gateway_cloudwatch_role_arn == "arn:aws:iam::111111111111:role/switchyard-apigateway-cloudwatch"
    error_message = "The logging role's ARN is an output."
  }
  assert {
    condition = (
      one(one(data.aws_iam_policy_document.api_gateway_trust[0].statement).principals).type == "Service"
      && one(one(data.aws_iam_policy_document.api_gateway_trust[0].statement).principals).identifiers == toset(["apigateway.amazonaws.com"])
      && one(one(data.aws_iam_policy_document.api_gateway_trust[0].statement).condition).variable == "aws:SourceAccount"
      && toset(one(one(data.aws_iam_policy_document.api_gateway_trust[0].statement).condition).values) == toset(["111111111111"])
    )
    error_message = "Only API Gateway, acting for this account (aws:SourceAccount), may assume the logging role."
  }
  assert {
    condition = alltrue([
      for statement in data.aws_iam_policy_document.api_gateway_logs[0].statement :
      alltrue([for action in statement.actions : startswith(action, "logs:") && !strcontains(action, "*")])
      && alltrue([for resource in statement.resources : startswith(resource, "arn:aws:logs:eu-west-1:111111111111:log-group:")])
    ])
    error_message = "The logging role may use named logs actions on this account's log groups only: no wildcard action, no bare '*'."
  }
  assert {
    condition = alltrue([
      for resource in one([for s in data.aws_iam_policy_document.api_gateway_logs[0].statement : s.resources if s.sid == "WriteApiGatewayLogGroups"]) :
      startswith(resource, "arn:aws:logs:eu-west-1:111111111111:log-group:API-Gateway-Execution-Logs_") || startswith(resource, "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/apigateway/")
    ])
    error_message = "The logging role may write only to API Gateway's execution log groups and the /aws/apigateway/ access log groups."
  }
  assert {
    condition = contains(
      [for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s.Sid if s.Effect == "Deny" && s.Action == "apigateway:PATCH" && s.Resource == "arn:aws:apigateway:eu-west-1::/account"],
      "ApiGatewayAccountSettingStays"
    )
    error_message = "The boundary must keep the deploy role from repointing API Gateway's account setting."
  }
  assert {
    condition = contains(
      one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s.Resource if s.Sid == "BaselineIsNotTheDeployersToChange"]),
      "arn:aws:iam::111111111111:role/switchyard-apigateway-cloudwatch"
    )
    error_message = "The boundary must keep the deploy role from changing the logging role."
  }
}

run "api_gateway_setting_can_be_left_to_another_stack" {
  command = plan

  variables {
    api_gateway_cloudwatch_role = false
  }

  assert {
    condition     = length(aws_api_gateway_account.this) == 0 && length(aws_iam_role.api_gateway_cloudwatch) == 0 && output.api_gateway_cloudwatch_role_arn == null
    error_message = "With api_gateway_cloudwatch_role = false the module must not touch the account's API Gateway setting."
  }
}

run "boundary_scopes_iam_to_platform_roles_with_this_boundary" {
  command = plan

  assert {
    condition     = alltrue([for st in jsondecode(aws_iam_policy.boundary.policy).Statement : st.Effect == "Deny" || alltrue([for a in flatten([st.Action]) : !startswith(a, "iam:") || contains(["iam:Get*", "iam:List*"], a) || try(st.Resource == "arn:aws:iam::111111111111:role/swy-*", false)])])
    error_message = "Every IAM write the boundary allows must be limited to the platform's roles (role/swy-*)."
  }
  assert {
    condition     = !anytrue([for st in jsondecode(aws_iam_policy.boundary.policy).Statement : st.Effect == "Allow" && anytrue([for a in flatten([st.Action]) : contains(["*", "iam:*", "sts:*", "iam:Create*", "iam:Put*", "iam:Attach*"], a)])])
    error_message = "The boundary must not allow iam:*, sts:* or any IAM write by wildcard."
  }
  assert {
    condition = alltrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Condition.StringEquals["iam:PermissionsBoundary"] == "arn:aws:iam::111111111111:policy/switchyard-boundary"
      if st.Effect == "Allow" && length(setintersection(flatten([st.Action]), ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy"])) > 0
    ])
    error_message = "CreateRole, PutRolePermissionsBoundary, AttachRolePolicy and PutRolePolicy must require iam:PermissionsBoundary = this boundary."
  }
  assert {
    condition = alltrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Resource == "arn:aws:iam::111111111111:role/swy-*" && toset(st.Condition.StringEquals["iam:PassedToService"]) == toset(["lambda.amazonaws.com", "apigateway.amazonaws.com", "events.amazonaws.com", "pipes.amazonaws.com"])
      if st.Effect == "Allow" && contains(flatten([st.Action]), "iam:PassRole")
    ]) && anytrue([for st in jsondecode(aws_iam_policy.boundary.policy).Statement : contains(flatten([st.Action]), "iam:PassRole")])
    error_message = "iam:PassRole must be limited to platform roles and to the services that assume them: Lambda, API Gateway, EventBridge (API destination targets), EventBridge Pipes (iam:PassedToService)."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Effect == "Deny" && contains(flatten([st.Action]), "iam:CreateRole") && try(st.Condition.StringNotEquals["iam:PermissionsBoundary"], "") == "arn:aws:iam::111111111111:policy/switchyard-boundary"
    ])
    error_message = "The boundary must deny creating a role without this boundary, whatever else allows it."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Effect == "Deny" && alltrue([for a in ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"] : contains(flatten([st.Action]), a)])
      && contains(flatten([st.Resource]), "arn:aws:iam::111111111111:policy/switchyard-boundary")
      && alltrue([for r in ["switchyard-plan", "switchyard-pr-plan", "switchyard-deploy"] : contains(flatten([st.Resource]), "arn:aws:iam::111111111111:role/${r}")])
    ])
    error_message = "The boundary policy and the baseline's own roles must be off limits (deny statement)."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Effect == "Deny" && st.Resource == "*" && alltrue([for a in ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile"] : contains(flatten([st.Action]), a)])
    ])
    error_message = "The boundary must deny IAM users, access keys and login profiles."
  }
  assert {
    condition = anytrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Effect == "Deny" && contains(flatten([st.Action]), "iam:UpdateAssumeRolePolicy") && contains(flatten([st.Action]), "iam:AttachRolePolicy")
      && contains(flatten([st.Resource]), "arn:aws:iam::111111111111:role/OrganizationAccountAccessRole")
    ])
    error_message = "The boundary must deny changes to the organisation's access roles."
  }
  assert {
    condition     = aws_iam_role_policy_attachment.deploy_platform.policy_arn == aws_iam_policy.boundary.arn && !contains([for a in [aws_iam_role_policy_attachment.deploy_platform.policy_arn] : a], "arn:aws:iam::aws:policy/AdministratorAccess")
    error_message = "The deploy role's permissions are the boundary itself, not AdministratorAccess."
  }
}

run "state_history_stays_and_plans_hold_only_their_own_lock" {
  command = plan

  assert {
    condition = anytrue([
      for st in jsondecode(aws_iam_policy.boundary.policy).Statement :
      st.Effect == "Deny" && contains(flatten([st.Action]), "s3:DeleteObjectVersion") && st.Resource == "arn:aws:s3:::switchyard-tfstate-111111111111-eu-west-1/*"
    ])
    error_message = "The boundary (the deploy role's permissions) must deny s3:DeleteObjectVersion on state: old versions are the way back."
  }
  assert {
    condition = alltrue([
      for st in data.aws_iam_policy_document.state_read.statement :
      st.resources == toset(["arn:aws:s3:::switchyard-tfstate-111111111111-eu-west-1/dev/platform.tfstate.tflock"])
      if contains(st.actions, "s3:DeleteObject")
    ]) && anytrue([for st in data.aws_iam_policy_document.state_read.statement : contains(st.actions, "s3:DeleteObject")])
    error_message = "The plan roles may delete only this environment's lock file (<environment>/platform.tfstate.tflock)."
  }
}

run "the_lock_follows_an_explicit_state_key" {
  command = plan

  variables {
    platform_state_key = "accounts/dev/platform.tfstate"
  }

  assert {
    condition     = anytrue([for st in data.aws_iam_policy_document.state_read.statement : st.resources == toset(["arn:aws:s3:::switchyard-tfstate-111111111111-eu-west-1/accounts/dev/platform.tfstate.tflock"])])
    error_message = "platform_state_key decides which lock the plan roles may take."
  }
}

run "rejects_a_wildcard_state_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    platform_state_key = "*/platform.tfstate"
  }

  expect_failures = [var.platform_state_key]
}

run "rejects_iam_as_a_whole_service" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    deploy_services = ["sqs", "iam"]
  }
  expect_failures = [var.deploy_services]
}

run "rejects_a_wildcard_role_prefix" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    platform_role_name_prefix = "*"
  }
  expect_failures = [var.platform_role_name_prefix]
}

run "rejects_a_repository_url" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    github_repository = "https://github.com/acme/switchyard"
  }
  expect_failures = [var.github_repository]
}

run "rejects_a_wildcard_repository" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    github_repository = "acme/*"
  }
  expect_failures = [var.github_repository]
}

run "rejects_an_account_root_as_admin" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    admin_principal_arns = ["arn:aws:iam::111111111111:root"]
  }
  expect_failures = [var.admin_principal_arns]
}

run "rejects_an_uppercase_environment" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    environment = "Prod"
  }
  expect_failures = [var.environment]
}

run "rejects_a_wildcard_service" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    deploy_services = ["*"]
  }
  expect_failures = [var.deploy_services]
}

run "rejects_a_short_state_history" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    state_noncurrent_version_days = 1
  }
  expect_failures = [var.state_noncurrent_version_days]
}
