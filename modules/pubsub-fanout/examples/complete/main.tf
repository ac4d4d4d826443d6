# One topic, two independent consumers with every subscriber option: mailing gets every
# message; sales-lead only those whose message attribute plan is "pro", with its own sizing.
# The handlers are the platform's registration consumers; their tables are yours (named below).

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Topic name; queues, DLQs and functions are <name>-<subscriber>."
  type        = string
  default     = "swy-example-signup"
}

variable "publisher_role_arns" {
  description = "Roles that publish to the topic (the topic key admits them through SNS)."
  type        = list(string)
  default     = []
}

variable "dlq_operator_role_arns" {
  description = "Roles of the operators who read and redrive the DLQs."
  type        = list(string)
  default     = []
}
locals {
  artifacts_dir = "${path.module}/../../../../build" # make package-lambdas: lambdas/*.zip, layers/shared.zip
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

# A customer-managed key for the log groups and function environments; CloudWatch Logs may use
# it for this account's log groups only.
data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:key policy: "*" resource means this key only, and the account root must keep administering it
  #checkov:skip=CKV_AWS_111:key policy: "*" resource means this key only; writes are limited to the account root and CloudWatch Logs
  #checkov:skip=CKV_AWS_356:key policy: "*" resource means this key only
  statement {
    sid       = "AccountRootAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsEncryptsThisAccountsLogGroups"
    actions = [
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.name}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:aws:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name} logs and function environments"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
}


resource "aws_lambda_layer_version" "shared" {
  layer_name          = "${var.name}-shared"
  filename            = "${local.artifacts_dir}/layers/shared.zip"
  source_code_hash    = filebase64sha256("${local.artifacts_dir}/layers/shared.zip")
  compatible_runtimes = ["python3.12"]
}

module "fanout" {
  source = "../../"

  name                        = var.name
  function_kms_key_arn        = aws_kms_key.this.arn
  layer_arns                  = [aws_lambda_layer_version.shared.arn]
  publisher_role_arns         = var.publisher_role_arns
  dlq_operator_role_arns      = var.dlq_operator_role_arns
  message_retention_seconds   = 345600
  key_deletion_window_in_days = 30
  alarm_actions               = []
  function_defaults = {
    architecture       = "x86_64"
    memory_size        = 256
    timeout            = 10
    log_retention_days = 30
  }

  subscribers = {
    mailing = {
      description           = "Writes one welcome email per user to the outbox"
      handler               = "registration_mailing.handler.lambda_handler"
      package_path          = "${local.artifacts_dir}/lambdas/registration_mailing.zip"
      environment_variables = { OUTBOX_TABLE_NAME = "${var.name}-outbox", IDEMPOTENCY_TABLE_NAME = "${var.name}-idempotency" }
      policy_statements = {
        WriteOutbox = {
          actions   = ["dynamodb:PutItem"]
          resources = ["arn:aws:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.name}-outbox"]
        }
      }
    }
    sales-lead = {
      description                        = "Opens a sales lead for each pro sign-up"
      handler                            = "registration_sales_lead.handler.lambda_handler"
      package_path                       = "${local.artifacts_dir}/lambdas/registration_sales_lead.zip"
      environment_variables              = { LEADS_TABLE_NAME = "${var.name}-leads", IDEMPOTENCY_TABLE_NAME = "${var.name}-idempotency" }
      filter_policy                      = jsonencode({ plan = ["pro"] })
      filter_policy_scope                = "MessageAttributes"
      batch_size                         = 5
      maximum_batching_window_in_seconds = 2
      maximum_concurrency                = 3
      max_receive_count                  = 3
      timeout                            = 20
      memory_size                        = 512
      reserved_concurrency               = 5
      policy_statements = {
        OpenLeads = {
          actions   = ["dynamodb:PutItem"]
          resources = ["arn:aws:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.name}-leads"]
        }
      }
    }
  }

  tags = { example = "pubsub-fanout-complete" }
}
