# The baseline of one account with every option: state bucket, GitHub OIDC provider,
# switchyard-plan and switchyard-deploy inside a permissions boundary, and API Gateway's
# CloudWatch Logs role. infra/ applies the same module once per account of the registry.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "github_repository" {
  description = "The repository whose workflows may assume the roles, as <org>/<repo>."
  type        = string
  default     = "acme/switchyard"
}

variable "admin_principal_arns" {
  description = "Break-glass principals that may also assume the deploy role."
  type        = list(string)
  default     = []
}

module "baseline" {
  source = "../../"

  name_prefix                   = "switchyard"
  environment                   = "dev"
  github_repository             = var.github_repository
  plan_branches                 = ["main"]
  plan_role_name                = "switchyard-plan"
  deploy_role_name              = "switchyard-deploy"
  admin_principal_arns          = var.admin_principal_arns
  existing_oidc_provider_arn    = null # or the ARN of the account's GitHub OIDC provider
  state_noncurrent_version_days = 90
  max_session_duration          = 3600
  api_gateway_cloudwatch_role   = true
  tags                          = { example = "account-baseline-complete" }
}
