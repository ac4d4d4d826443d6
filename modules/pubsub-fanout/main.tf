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

# --- per subscriber: function, queue, DLQ, policies, mapping, grants, alarms --------------
# ./modules/subscriber: ../lambda-function for the consumer and ../sqs-queue with its consumer
# block (the mapping with ReportBatchItemFailures, the role's grants on its queue, DLQ and the
# topic key, and the DLQ-depth, oldest-age, Errors and Throttles alarms). One module instance per
# subscriber, because the function needs the queue module's DLQ URL and the queue module needs
# the function: modules/subscriber/main.tf says why two for_each modules would be a cycle.
module "subscriber" {
  source   = "./modules/subscriber"
  for_each = var.subscribers

  name        = "${var.name}-${each.key}"
  topic_arn   = aws_sns_topic.this.arn
  kms_key_arn = aws_kms_key.this.arn

  function = {
    description              = coalesce(each.value.description, "Consumes ${var.name} events for ${each.key}")
    handler                  = each.value.handler
    package_path             = each.value.package_path
    architecture             = var.function_defaults.architecture
    memory_size              = coalesce(each.value.memory_size, var.function_defaults.memory_size)
    timeout                  = coalesce(each.value.timeout, var.function_defaults.timeout)
    log_retention_days       = var.function_defaults.log_retention_days
    kms_key_arn              = var.function_kms_key_arn
    layer_arns               = var.layer_arns
    reserved_concurrency     = each.value.reserved_concurrency
    environment_variables    = each.value.environment_variables
    policy_statements        = each.value.policy_statements
    permissions_boundary_arn = var.permissions_boundary_arn
  }

  queue = {
    message_retention_seconds          = var.message_retention_seconds
    max_receive_count                  = each.value.max_receive_count
    batch_size                         = each.value.batch_size
    maximum_batching_window_in_seconds = each.value.maximum_batching_window_in_seconds
    maximum_concurrency                = each.value.maximum_concurrency
  }

  alarm_actions = var.alarm_actions
  tags          = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.subscribers

  topic_arn            = aws_sns_topic.this.arn
  protocol             = "sqs"
  endpoint             = module.subscriber[each.key].queue_arn
  raw_message_delivery = true
  filter_policy        = each.value.filter_policy
  filter_policy_scope  = each.value.filter_policy == null ? null : each.value.filter_policy_scope
  redrive_policy       = jsonencode({ deadLetterTargetArn = module.subscriber[each.key].dlq_arn })

  # SNS checks it may send before it confirms the subscription (the queue policies).
  depends_on = [module.subscriber]
}

# Deployments made before ./modules/subscriber existed had module.queue[<key>],
# module.consumer[<key>] and aws_lambda_event_source_mapping.this[<key>] here. moved blocks take
# no for_each, so the moves are written where the keys are known (modules/platform/moved.tf):
#   module.queue["k"]                         -> module.subscriber["k"].module.queue
#   module.consumer["k"]                      -> module.subscriber["k"].module.function
#   aws_lambda_event_source_mapping.this["k"] -> module.subscriber["k"].module.queue.aws_lambda_event_source_mapping.this[0]
