# SNS topic (CMK) -> one SQS queue per subscriber (same CMK, TLS-only, only this topic may send)
# -> that subscriber's own Lambda via an event source mapping with partial batch failures.
# Each subscriber has one DLQ: the queue redrives to it after max_receive_count, the
# subscription redrives to it when SNS cannot deliver, and the consumer parks poison in it.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
  # Built from the name, not read from the topic: the key policy needs it and the topic needs
  # the key, so reading aws_sns_topic.this.arn here would be a cycle.
  topic_arn = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${var.name}"
  # The consumers' role ARNs, built from the names ../lambda-function gives them
  # ("<function>-role"): the key policy names them in a condition, not as principals, so the
  # key does not wait for the roles, and the roles' policies can name the key (no cycle).
  # tests/fanout.tftest.hcl asserts these equal the created roles' ARNs.
  consumer_role_arns = [for k in sort(keys(var.subscribers)) : "arn:${local.partition}:iam::${local.account_id}:role/${var.name}-${k}-role"]
}

# --- the key: SNS and the subscribers' consumers use it, the account root administers it --
data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_109:key policy: "*" resource means this key only; administration stays with the account root so the key never becomes unmanageable
  #checkov:skip=CKV_AWS_111:key policy: "*" resource means this key only; every write is limited to named principals and, for services, to this topic
  #checkov:skip=CKV_AWS_356:key policy: "*" resource means this key only
  statement {
    sid = "AccountRootAdministersKeyButCannotUseIt"
    actions = [
      "kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
      "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource",
      "kms:UntagResource", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
    ]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "SnsDeliversThisTopicToEncryptedQueues"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["sns.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.topic_arn]
    }
  }

  dynamic "statement" {
    for_each = length(var.publisher_role_arns) == 0 ? [] : [var.publisher_role_arns]
    content {
      sid       = "PublishersEncryptThroughSnsOnly"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${local.region}.amazonaws.com"]
      }
    }
  }

  # Principal root + aws:PrincipalArn: only these roles, and only when their own IAM policy
  # (written by this module) grants the same actions on this key.
  statement {
    sid       = "ConsumersReadAndParkThroughSqsOnly"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = local.consumer_role_arns
    }

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = length(var.dlq_operator_role_arns) == 0 ? [] : [var.dlq_operator_role_arns]
    content {
      sid       = "OperatorsInspectAndRedriveThroughSqsOnly"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["*"]

      principals {
        type        = "AWS"
        identifiers = statement.value
      }

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: SNS topic and its subscriber queues"
  enable_key_rotation     = true
  deletion_window_in_days = var.key_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-topic"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sns_topic" "this" {
  name              = var.name
  kms_master_key_id = aws_kms_key.this.arn
  tags              = var.tags
}

# TLS-only: same-account publishers and subscribers are allowed by their IAM policies (the
# topic's owner is this account); nobody may use the topic without TLS.
data "aws_iam_policy_document" "topic" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:Receive"]
    resources = [aws_sns_topic.this.arn]

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

resource "aws_sns_topic_policy" "this" {
  arn    = aws_sns_topic.this.arn
  policy = data.aws_iam_policy_document.topic.json
}

# --- per subscriber: queue, DLQ, policies and queue alarms (../sqs-queue) -----------------
# The queue and its DLQ admit SNS only for this topic (the DLQ for subscription redrive), and
# refuse anything without TLS; both use the topic's CMK (SNS cannot use alias/aws/sqs).
module "queue" {
  source   = "../sqs-queue"
  for_each = var.subscribers

  name                      = "${var.name}-${each.key}"
  kms_master_key_id         = aws_kms_key.this.arn
  message_retention_seconds = var.message_retention_seconds
  max_receive_count         = each.value.max_receive_count
  senders                   = { services = [{ principal = "sns.amazonaws.com", source_arns = [aws_sns_topic.this.arn] }] }
  # The consumer may park poison in its DLQ (role ARN built from the name, as for the key).
  dlq_senders = {
    services       = [{ principal = "sns.amazonaws.com", source_arns = [aws_sns_topic.this.arn] }]
    principal_arns = ["arn:${local.partition}:iam::${local.account_id}:role/${var.name}-${each.key}-role"]
  }
  # No consumer here: module.consumer needs this module's DLQ URL, and a for_each module
  # referenced by key depends on all of its outputs, so a mapping inside it would be a cycle.
  # The mapping and the consumer's grants stay below.
  visibility_timeout_seconds = 6 * coalesce(each.value.timeout, var.function_defaults.timeout)
  alarm_actions              = var.alarm_actions
  tags                       = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.subscribers

  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = module.queue[each.key].queue_arn
  raw_message_delivery = true
  filter_policy        = each.value.filter_policy
  filter_policy_scope  = each.value.filter_policy == null ? null : each.value.filter_policy_scope
  redrive_policy       = jsonencode({ deadLetterTargetArn = module.queue[each.key].dlq_arn })

  # SNS checks it may send before it confirms the subscription (module.queue's policies).
  depends_on = [module.queue]
}

# --- per subscriber: the consumer function and its mapping --------------------------------
module "consumer" {
  source   = "../lambda-function"
  for_each = var.subscribers

  name               = "${var.name}-${each.key}"
  description        = coalesce(each.value.description, "Consumes ${var.name} events for ${each.key}")
  handler            = each.value.handler
  package_path       = each.value.package_path
  architecture       = var.function_defaults.architecture
  memory_size        = coalesce(each.value.memory_size, var.function_defaults.memory_size)
  timeout            = coalesce(each.value.timeout, var.function_defaults.timeout)
  log_retention_days = var.function_defaults.log_retention_days
  kms_key_arn        = var.function_kms_key_arn
  layer_arns         = var.layer_arns

  reserved_concurrency = each.value.reserved_concurrency # null: the account's unreserved pool

  environment_variables = merge(each.value.environment_variables, {
    DEAD_LETTER_QUEUE_URL = module.queue[each.key].dlq_url
  })
  policy_statements = merge(each.value.policy_statements, {
    ConsumeSubscriberQueue = {
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      resources = [module.queue[each.key].queue_arn]
    }
    ParkRejectedEvents = {
      actions   = ["sqs:SendMessage"]
      resources = [module.queue[each.key].dlq_arn]
    }
    UseTopicKeyThroughSqs = {
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [aws_kms_key.this.arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${local.region}.amazonaws.com"]
      }]
    }
  })
  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = var.tags
}

resource "aws_lambda_event_source_mapping" "this" {
  for_each = var.subscribers

  event_source_arn                   = module.queue[each.key].queue_arn
  function_name                      = module.consumer[each.key].function_arn
  batch_size                         = each.value.batch_size
  maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = each.value.maximum_concurrency
  }
}
