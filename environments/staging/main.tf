# One environment account: provider into the registry's deploy role, the account guard, and
# the platform. Byte-identical in dev, staging and prod; terraform.tfvars says which one.

locals {
  registry = jsondecode(file("${path.root}/../accounts.json"))
  account  = local.registry.environments[var.environment]
}

provider "aws" {
  region = local.account.region

  # The account guard: a role or credentials of any other account stop the plan.
  allowed_account_ids = [local.account.account_id]

  dynamic "assume_role" {
    for_each = var.assume_deploy_role ? [local.account.deploy_role_name] : []

    content {
      role_arn     = "arn:aws:iam::${local.account.account_id}:role/${assume_role.value}"
      session_name = "switchyard-${var.environment}"
    }
  }

  default_tags {
    tags = {
      environment = var.environment
      service     = "switchyard"
      repository  = local.registry.github_repository
      cost_center = var.cost_center
    }
  }
}

module "platform" {
  source = "../../modules/platform"

  name_prefix   = "swy-${var.environment}"
  environment   = var.environment
  artifacts_dir = "${path.root}/../../build"

  lambda_defaults      = var.lambda_defaults
  reserved_concurrency = var.reserved_concurrency
  audit                = var.audit
  voting               = var.voting
  registration         = var.registration
  ledger               = var.ledger
  webhooks             = var.webhooks
  webhook_credentials  = var.webhook_credentials
  alarm_topic          = var.alarm_topic
  # Who may read and redrive dead letters (kms:Decrypt through SQS on the registration key).
  dlq_operator_role_arns = var.dlq_operator_role_arns
  # The account baseline's deploy role may create roles only under this boundary.
  permissions_boundary_arn = "arn:aws:iam::${local.account.account_id}:policy/switchyard-boundary"
  # PITR and deletion protection stay on (the platform's default; it refuses anything else
  # outside the sandbox).
}
