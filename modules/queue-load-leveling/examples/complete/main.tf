# An order intake API with every option of the module: POST /orders is validated against
# order.schema.json and queued (202), a consumer built with ../lambda-function drains the queue
# at a bounded concurrency, and GET /orders/{orderId} reads the orders table directly.
# The consumer here is the audit handler standing in for yours: replace handler and zip.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Base name of the API, queue, DLQ, roles, alarms and the consumer function."
  type        = string
  default     = "swy-example-orders"
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


resource "aws_dynamodb_table" "orders" {
  name                        = "${var.name}-orders"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "orderId"
  deletion_protection_enabled = true

  attribute {
    name = "orderId"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this.arn
  }
}

module "consumer" {
  source = "../../../lambda-function"

  name         = "${var.name}-consumer"
  handler      = "audit.handler.lambda_handler"
  package_path = "${local.artifacts_dir}/lambdas/audit.zip"
  timeout      = 30
  kms_key_arn  = aws_kms_key.this.arn
  environment_variables = {
    DEAD_LETTER_QUEUE_URL = module.orders_api.dlq_url
  }
  # Queue and DLQ permissions come from the queue-load-leveling module.
  policy_statements = {
    WriteOrders = { actions = ["dynamodb:PutItem"], resources = [aws_dynamodb_table.orders.arn] }
  }
}

module "orders_api" {
  source = "../../"

  name = var.name
  write_route = {
    path        = "orders"
    http_method = "POST"
    schema      = file("${path.module}/order.schema.json")
  }
  read_route = {
    path      = "orders/{orderId}"
    table_arn = aws_dynamodb_table.orders.arn
    action    = "GetItem"
    request_template = jsonencode({
      TableName = aws_dynamodb_table.orders.name
      Key       = { orderId = { S = "$util.escapeJavaScript($input.params().path.get('orderId'))" } }
    })
    response_template = "#set($item = $input.path('$.Item')){\"orderId\":\"$util.escapeJavaScript($item.orderId.S)\"}"
  }
  access_control   = "api_key"
  throttling       = { rate_limit = 50, burst_limit = 100 }
  usage_plan_quota = 100000
  stage_name       = "v1"

  consumer                           = { function_arn = module.consumer.function_arn, role_name = module.consumer.role_name, timeout = 30 }
  batch_size                         = 10
  maximum_batching_window_in_seconds = 1
  maximum_concurrency                = 5
  visibility_timeout_seconds         = 180
  max_receive_count                  = 5
  message_retention_seconds          = 345600
  oldest_message_age_alarm_seconds   = 300

  log_kms_key_arn    = aws_kms_key.this.arn
  log_retention_days = 30
  alarm_actions      = []
  tags               = { example = "queue-load-leveling-complete" }
}
