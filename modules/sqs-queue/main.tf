# An SQS queue as every Switchyard pattern needs it: a DLQ with redrive, encryption at rest,
# a policy that refuses non-TLS access and lets only the named senders send, depth and age
# alarms, and (optionally) the Lambda consumer's event source mapping, grants and alarms.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  fifo        = var.fifo != null
  suffix      = local.fifo ? ".fifo" : ""
  queue_name  = "${var.name}${local.suffix}"
  dlq_name    = "${var.name}-dlq${local.suffix}"
  has_key     = var.kms_master_key_id != null
  park_in_dlq = var.consumer != null && try(var.consumer.park_in_dlq, false)
  # The alarms' FunctionName dimension: the last field of the unqualified function ARN.
  function_name = var.consumer == null ? null : element(split(":", var.consumer.function_arn), 6)
  consumer_role_arn = var.consumer == null ? null : (
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.consumer.role_name}"
  )

  # AWS's guidance for Lambda sources: at least 6x the function timeout, so a batch that is
  # still being processed (and retried by Lambda) never becomes visible to a second poller.
  visibility_timeout_seconds = coalesce(var.visibility_timeout_seconds, var.consumer == null ? 30 : 6 * var.consumer.timeout)

  dlq_senders = {
    services       = var.dlq_senders.services
    principal_arns = concat(var.dlq_senders.principal_arns, local.park_in_dlq ? [local.consumer_role_arn] : [])
  }
}

resource "aws_sqs_queue" "dlq" {
  name                        = local.dlq_name
  fifo_queue                  = local.fifo
  content_based_deduplication = try(var.fifo.content_based_deduplication, false)
  # The DLQ follows the queue's mode: parking and redrive send at the queue's rate.
  deduplication_scope               = local.fifo && try(var.fifo.high_throughput, false) ? "messageGroup" : null
  fifo_throughput_limit             = local.fifo && try(var.fifo.high_throughput, false) ? "perMessageGroupId" : null
  sqs_managed_sse_enabled           = local.has_key ? null : true
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = local.has_key ? 300 : null
  message_retention_seconds         = var.dlq_message_retention_seconds
  tags                              = var.tags
}

resource "aws_sqs_queue" "this" {
  name                              = local.queue_name
  fifo_queue                        = local.fifo
  content_based_deduplication       = try(var.fifo.content_based_deduplication, false)
  deduplication_scope               = local.fifo && try(var.fifo.high_throughput, false) ? "messageGroup" : null
  fifo_throughput_limit             = local.fifo && try(var.fifo.high_throughput, false) ? "perMessageGroupId" : null
  sqs_managed_sse_enabled           = local.has_key ? null : true
  kms_master_key_id                 = var.kms_master_key_id
  kms_data_key_reuse_period_seconds = local.has_key ? 300 : null
  visibility_timeout_seconds        = local.visibility_timeout_seconds
  message_retention_seconds         = var.message_retention_seconds
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
  tags = var.tags
}

# Each queue: deny anything without TLS; allow sqs:SendMessage only from its named senders.
data "aws_iam_policy_document" "queue" {
  for_each = {
    queue = { arn = aws_sqs_queue.this.arn, senders = var.senders }
    dlq   = { arn = aws_sqs_queue.dlq.arn, senders = local.dlq_senders }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value.arn]

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

  dynamic "statement" {
    for_each = length(each.value.senders.principal_arns) == 0 ? [] : [distinct(each.value.senders.principal_arns)]
    content {
      sid       = "NamedPrincipalsSend"
      actions   = ["sqs:SendMessage"]
      resources = [each.value.arn]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }
    }
  }

  dynamic "statement" {
    for_each = each.value.senders.services
    content {
      sid       = "ServiceSends${statement.key}"
      actions   = ["sqs:SendMessage"]
      resources = [each.value.arn]

      principals {
        type        = "Service"
        identifiers = [statement.value.principal]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = statement.value.source_arns
      }
    }
  }
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy    = data.aws_iam_policy_document.queue["queue"].json
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy    = data.aws_iam_policy_document.queue["dlq"].json
}

# --- the consumer (optional): what the mapping needs from its role, the mapping ----------
data "aws_iam_policy_document" "consumer" {
  count = var.consumer == null ? 0 : 1

  statement {
    sid       = "ConsumeQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.this.arn]
  }

  dynamic "statement" {
    for_each = var.consumer.park_in_dlq ? [aws_sqs_queue.dlq.arn] : []
    content {
      sid       = "ParkInDeadLetterQueue"
      actions   = ["sqs:SendMessage"]
      resources = [statement.value]
    }
  }

  dynamic "statement" {
    for_each = local.has_key ? [var.kms_master_key_id] : []
    content {
      sid       = "UseQueueKey"
      actions   = var.consumer.park_in_dlq ? ["kms:Decrypt", "kms:GenerateDataKey"] : ["kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${data.aws_region.current.name}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "consumer" {
  count = var.consumer == null ? 0 : 1

  name   = "${var.name}-consume"
  role   = var.consumer.role_name
  policy = data.aws_iam_policy_document.consumer[0].json
}

resource "aws_lambda_event_source_mapping" "this" {
  count = var.consumer == null ? 0 : 1

  event_source_arn                   = aws_sqs_queue.this.arn
  function_name                      = var.consumer.function_arn
  batch_size                         = var.consumer.batch_size
  maximum_batching_window_in_seconds = local.fifo ? null : coalesce(var.consumer.maximum_batching_window_in_seconds, 1)
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.consumer.maximum_concurrency
  }

  dynamic "filter_criteria" {
    for_each = length(var.consumer.filter_patterns) == 0 ? [] : [var.consumer.filter_patterns]
    content {
      dynamic "filter" {
        for_each = filter_criteria.value
        content {
          pattern = filter.value
        }
      }
    }
  }

  # Lambda checks the role's permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.consumer]
}
