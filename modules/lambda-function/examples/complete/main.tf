# Every option of the module: its own key, a layer, an SQS dead-letter target for failed
# asynchronous invocations (with its depth alarm), sizing, reserved concurrency, environment
# variables and one least-privilege statement. Zips come from `make package-lambdas`.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Function name (also its role and log group)."
  type        = string
  default     = "swy-example-audit"
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

resource "aws_sqs_queue" "failed_invocations" {
  name                      = "${var.name}-async-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
}

variable "alarm_topic_arn" {
  description = "SNS topic the DLQ alarm notifies (your on-call topic)."
  type        = string
  default     = "arn:aws:sns:eu-west-1:123456789012:on-call"
}

resource "aws_cloudwatch_metric_alarm" "failed_invocations" {
  alarm_name          = "${aws_sqs_queue.failed_invocations.name}-not-empty"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.failed_invocations.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_topic_arn]
  ok_actions          = [var.alarm_topic_arn]
}

module "function" {
  source = "../../"

  name                 = var.name
  description          = "Example: the audit handler with every module option"
  handler              = "audit.handler.lambda_handler"
  package_path         = "${local.artifacts_dir}/lambdas/audit.zip"
  runtime              = "python3.12"
  architecture         = "x86_64"
  memory_size          = 512
  timeout              = 15
  reserved_concurrency = 10
  log_retention_days   = 90
  kms_key_arn          = aws_kms_key.this.arn
  layer_arns           = [aws_lambda_layer_version.shared.arn]
  dead_letter_target   = { arn = aws_sqs_queue.failed_invocations.arn }

  environment_variables = {
    AUDIT_TABLE_NAME = "${var.name}-log"
  }
  policy_statements = {
    WriteAuditLog = {
      actions   = ["dynamodb:PutItem"]
      resources = ["arn:aws:dynamodb:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:table/${var.name}-log"]
    }
  }
  tags = { example = "lambda-function-complete" }
}
