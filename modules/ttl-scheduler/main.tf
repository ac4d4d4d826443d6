# A TTL scheduler: put an item whose TTL attribute is its due time; when DynamoDB's TTL service
# deletes it, the stream's REMOVE record wakes the handler. The mapping admits only TTL deletes
# (a manual delete, such as an admin cancelling the schedule, never runs the handler), bisects a
# failing batch, retries a bounded number of times and sends what it discards to an encrypted,
# alarmed on-failure queue. TTL deletes "typically within a few days": README "Caveats".

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  role_arn      = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.handler.role_name}"
  function_name = element(split(":", var.handler.function_arn), 6)
  # DynamoDB writes this userIdentity on TTL deletes only (and only in the Region that deleted).
  ttl_delete_filter = {
    eventName    = ["REMOVE"]
    userIdentity = { type = ["Service"], principalId = ["dynamodb.amazonaws.com"] }
  }
}

module "table" {
  source = "../dynamodb-table"

  name             = var.name
  hash_key         = var.hash_key
  range_key        = var.range_key
  billing_mode     = var.billing_mode
  provisioned      = var.provisioned
  kms_key_arn      = var.kms_key_arn
  data_protection  = var.data_protection
  ttl_attribute    = var.ttl_attribute
  stream_view_type = var.stream_view_type
  tags             = var.tags
}

# Lambda sends the invocation record of a discarded batch with the function's own role.
module "on_failure" {
  source = "../sqs-queue"

  name                      = "${var.name}-on-failure"
  kms_master_key_id         = var.on_failure.kms_master_key_id
  message_retention_seconds = var.on_failure.message_retention_seconds
  senders                   = { principal_arns = [local.role_arn] }
  alarm_actions             = var.alarm_actions
  tags                      = var.tags
}

data "aws_iam_policy_document" "handler" {
  statement {
    sid       = "ReadScheduleStream"
    actions   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
    resources = [module.table.stream_arn]
  }

  statement {
    sid       = "DecryptScheduleStream"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${data.aws_region.current.name}.amazonaws.com"]
    }
  }

  statement {
    sid       = "SendToOnFailureDestination"
    actions   = ["sqs:SendMessage"]
    resources = [module.on_failure.queue_arn]
  }

  dynamic "statement" {
    for_each = var.on_failure.kms_master_key_id == null ? [] : [var.on_failure.kms_master_key_id]
    content {
      sid       = "EncryptForOnFailureDestination"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "handler" {
  name   = "${var.name}-ttl-stream"
  role   = var.handler.role_name
  policy = data.aws_iam_policy_document.handler.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn  = module.table.stream_arn
  function_name     = var.handler.function_arn
  starting_position = "TRIM_HORIZON" # expiries that happen while the mapping is being created count too

  batch_size                     = var.handler.batch_size
  parallelization_factor         = var.handler.parallelization_factor
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = var.handler.maximum_retry_attempts
  maximum_record_age_in_seconds  = var.handler.maximum_record_age_in_seconds
  function_response_types        = ["ReportBatchItemFailures"]

  filter_criteria {
    filter {
      pattern = jsonencode(local.ttl_delete_filter)
    }
  }

  destination_config {
    on_failure {
      destination_arn = module.on_failure.queue_arn
    }
  }

  tags = var.tags

  # Lambda checks the role's stream and destination permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.handler]
}

resource "aws_cloudwatch_metric_alarm" "iterator_age" {
  alarm_name          = "${var.name}-iterator-age"
  alarm_description   = "${local.function_name} reads ${var.name}'s stream more than ${var.iterator_age_alarm_seconds}s behind: it is slow or retrying a failing batch (records older than ${var.handler.maximum_record_age_in_seconds}s go to ${module.on_failure.queue_name}; the stream drops records after 24 hours)."
  namespace           = "AWS/Lambda"
  metric_name         = "IteratorAge"
  dimensions          = { FunctionName = local.function_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.iterator_age_alarm_seconds * 1000 # IteratorAge is in milliseconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "on_failure_depth" {
  alarm_name          = "${module.on_failure.queue_name}-not-empty"
  alarm_description   = "Expired items of ${var.name} were discarded by the stream mapping (retries or record age exhausted): each message in ${module.on_failure.queue_name} names a shard and a sequence-number range. Read those records from the stream within 24 hours, fix the cause, and apply them (README \"When the on-failure alarm fires\")."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = module.on_failure.queue_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = var.on_failure.depth_alarm_threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
