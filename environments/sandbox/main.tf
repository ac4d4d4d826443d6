# The whole platform on the local emulator (moto), in two simulated accounts. The endpoint
# comes from AWS_ENDPOINT_URL, which the Makefile sets from the running emulator.

locals {
  registry = jsondecode(file("${path.root}/../accounts.json")).environments
  accounts = {
    dev  = local.registry["sandbox-dev"]
    prod = local.registry["sandbox-prod"]
  }
  artifacts_dir = "${path.root}/../../build"
}

provider "aws" {
  alias  = "dev"
  region = local.accounts.dev.region
  # The emulator accepts any credentials; these are not secrets.
  access_key                  = "test"
  secret_key                  = "test"
  skip_metadata_api_check     = true
  skip_credentials_validation = false # keep: the account guard needs sts:GetCallerIdentity

  assume_role {
    role_arn     = "arn:aws:iam::${var.account_ids.dev}:role/${local.accounts.dev.deploy_role_name}"
    session_name = "switchyard-sandbox"
  }

  allowed_account_ids = [local.accounts.dev.account_id]

  default_tags {
    tags = { environment = "sandbox-dev", service = "switchyard", repository = "switchyard" }
  }
}

provider "aws" {
  alias                       = "prod"
  region                      = local.accounts.prod.region
  access_key                  = "test"
  secret_key                  = "test"
  skip_metadata_api_check     = true
  skip_credentials_validation = false

  assume_role {
    role_arn     = "arn:aws:iam::${var.account_ids.prod}:role/${local.accounts.prod.deploy_role_name}"
    session_name = "switchyard-sandbox"
  }

  allowed_account_ids = [local.accounts.prod.account_id]

  default_tags {
    tags = { environment = "sandbox-prod", service = "switchyard", repository = "switchyard" }
  }
}

module "platform_dev" {
  source    = "../../modules/platform"
  providers = { aws = aws.dev }

  name_prefix = "swy-dev"
  # The bootstrap's deploy role may create roles only under its boundary.
  permissions_boundary_arn = "arn:aws:iam::${var.account_ids.dev}:policy/switchyard-boundary"
  environment              = "sandbox"
  artifacts_dir            = local.artifacts_dir
  data_protection          = { point_in_time_recovery = false, deletion_protection = false }
  lambda_defaults          = { log_retention_days = 7 }
  ledger                   = { enabled = true, intake_groups = 4 }
  bans                     = { enabled = true }

  reserved_concurrency = try(var.workloads["dev"].reserved_concurrency, {})
  audit                = try(var.workloads["dev"].audit, {})
  voting               = try(var.workloads["dev"].voting, {})
  registration         = try(var.workloads["dev"].registration, {})
  # The registration DLQs' operator: the deploy role the bootstrap creates (the e2e redrives as it).
  dlq_operator_role_arns = ["arn:aws:iam::${var.account_ids.dev}:role/${local.accounts.dev.deploy_role_name}"]
  # Partner webhooks to a local receiver (tests/e2e/test_webhooks.py); fake credentials.
  webhooks = {
    crm                      = { endpoint = "${var.webhook_receiver_url}/crm" }
    trust_and_safety         = { endpoint = "${var.webhook_receiver_url}/tickets", username = "switchyard" }
    allow_insecure_endpoints = true
  }
  webhook_credentials = { crm_api_key = "sandbox-crm-key", trust_and_safety_password = "sandbox-tickets-password" }
}

module "platform_prod" {
  source    = "../../modules/platform"
  providers = { aws = aws.prod }

  name_prefix = "swy-prod"
  # The bootstrap's deploy role may create roles only under its boundary.
  permissions_boundary_arn = "arn:aws:iam::${var.account_ids.prod}:policy/switchyard-boundary"
  environment              = "sandbox"
  artifacts_dir            = local.artifacts_dir
  data_protection          = { point_in_time_recovery = true, deletion_protection = false }
  lambda_defaults          = { log_retention_days = 30 }

  reserved_concurrency = try(var.workloads["prod"].reserved_concurrency, {})
  audit                = try(var.workloads["prod"].audit, {})
  # IAM access (the platform's default): a voter signs with a session of the caller role, which
  # the deploy role (the harness's identity here) assumes once per voter (tests/e2e/test_voting.py).
  voting = merge(try(var.workloads["prod"].voting, {}), {
    caller_principal_arns = ["arn:aws:iam::${var.account_ids.prod}:role/${local.accounts.prod.deploy_role_name}"]
  })
  registration = try(var.workloads["prod"].registration, {})
  # The registration DLQs' operator: the deploy role the bootstrap creates (the e2e redrives as it).
  dlq_operator_role_arns = ["arn:aws:iam::${var.account_ids.prod}:role/${local.accounts.prod.deploy_role_name}"]
}
