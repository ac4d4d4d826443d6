# Audit workload: envelope events -> SQS -> audit function -> DynamoDB audit log.
# Malformed events are parked in the DLQ by the function with their reason; transient
# failures return to the queue (batchItemFailures) and reach the DLQ by redrive.

locals {
  audit_name = "${var.name_prefix}-audit"
}

resource "aws_sqs_queue" "audit_dlq" {
  name                      = "${local.audit_name}-dlq"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600 # 14 days, the maximum: time to inspect and redrive
  tags                      = var.tags
}

resource "aws_sqs_queue" "audit" {
  name                       = local.audit_name
  sqs_managed_sse_enabled    = true
  visibility_timeout_seconds = 6 * var.lambda_defaults.timeout
  message_retention_seconds  = 345600 # 4 days
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.audit_dlq.arn
    maxReceiveCount     = var.audit.max_receive_count
  })
  tags = var.tags
}

data "aws_iam_policy_document" "audit_queue_tls_only" {
  for_each = {
    audit     = aws_sqs_queue.audit.arn
    audit_dlq = aws_sqs_queue.audit_dlq.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "audit" {
  queue_url = aws_sqs_queue.audit.id
  policy    = data.aws_iam_policy_document.audit_queue_tls_only["audit"].json
}

resource "aws_sqs_queue_policy" "audit_dlq" {
  queue_url = aws_sqs_queue.audit_dlq.id
  policy    = data.aws_iam_policy_document.audit_queue_tls_only["audit_dlq"].json
}

resource "aws_dynamodb_table" "audit_log" {
  #checkov:skip=CKV_AWS_28:PITR follows var.data_protection (default on); a validation refuses turning it off outside the sandbox
  name                        = "${var.name_prefix}-audit-log"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "eventId"
  deletion_protection_enabled = var.data_protection.deletion_protection

  attribute {
    name = "eventId"
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.data_protection.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.platform.arn
  }

  tags = var.tags
}

module "audit_function" {
  source = "../lambda-function"

  permissions_boundary_arn = var.permissions_boundary_arn

  name                 = local.audit_name
  description          = "Keeps every valid Switchyard event in the audit log, once"
  handler              = "audit.handler.lambda_handler"
  package_path         = "${var.artifacts_dir}/lambdas/audit.zip"
  architecture         = var.lambda_defaults.architecture
  memory_size          = var.lambda_defaults.memory_size
  timeout              = var.lambda_defaults.timeout
  log_retention_days   = var.lambda_defaults.log_retention_days
  reserved_concurrency = lookup(var.reserved_concurrency, "audit", null)
  kms_key_arn          = aws_kms_key.platform.arn
  layer_arns           = [aws_lambda_layer_version.shared.arn]
  environment_variables = {
    AUDIT_TABLE_NAME      = aws_dynamodb_table.audit_log.name
    DEAD_LETTER_QUEUE_URL = aws_sqs_queue.audit_dlq.url
  }
  policy_statements = {
    ConsumeAuditQueue = {
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
      resources = [aws_sqs_queue.audit.arn]
    }
    ParkRejectedEvents = {
      actions   = ["sqs:SendMessage"]
      resources = [aws_sqs_queue.audit_dlq.arn]
    }
    WriteAuditLog = {
      actions   = ["dynamodb:PutItem"]
      resources = [aws_dynamodb_table.audit_log.arn]
    }
  }
  tags = var.tags
}

resource "aws_lambda_event_source_mapping" "audit" {
  event_source_arn                   = aws_sqs_queue.audit.arn
  function_name                      = module.audit_function.function_arn
  batch_size                         = var.audit.batch_size
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.audit.maximum_concurrency
  }
}

resource "aws_cloudwatch_metric_alarm" "audit_dlq_depth" {
  alarm_name          = "${aws_sqs_queue.audit_dlq.name}-not-empty"
  alarm_description   = "Events are waiting in ${aws_sqs_queue.audit_dlq.name}: read failureReason, fix, then redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.audit_dlq.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
