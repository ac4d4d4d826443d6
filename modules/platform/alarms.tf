# One alarm topic per platform instance (environment): every alarm of every workload notifies it
# on ALARM and on OK. Created here (its own CMK, which CloudWatch may use; TLS-only; the
# subscriptions of var.alarm_topic) unless var.alarm_topic.existing_topic_arn names an on-call
# topic that already exists.

locals {
  create_alarm_topic = var.alarm_topic.existing_topic_arn == null
  alarm_topic_name   = "${var.name_prefix}-alarms"
  alarm_topic_arn    = local.create_alarm_topic ? aws_sns_topic.alarms[0].arn : var.alarm_topic.existing_topic_arn
  # What every module's alarm_actions/ok_actions receive.
  alarm_actions = [local.alarm_topic_arn]
}

data "aws_iam_policy_document" "alarm_key" {
  count = local.create_alarm_topic ? 1 : 0

  #checkov:skip=CKV_AWS_109:key policy: "*" resource means this key only; administration stays with the account root so the key never becomes unmanageable
  #checkov:skip=CKV_AWS_111:key policy: "*" resource means this key only; the only non-root principal is CloudWatch for this account's alarms
  #checkov:skip=CKV_AWS_356:key policy: "*" resource means this key only
  statement {
    sid       = "AccountRootAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  # CloudWatch publishes to an encrypted topic only if the key lets it (AWS: "Using Amazon SNS
  # for alarm notifications"); limited to this account's alarms.
  statement {
    sid       = "CloudWatchAlarmsPublishToTheEncryptedTopic"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_kms_key" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  description             = "${local.alarm_topic_name}: the alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarm_key[0].json
  tags                    = var.tags
}

resource "aws_kms_alias" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name          = "alias/${local.alarm_topic_name}"
  target_key_id = aws_kms_key.alarms[0].key_id
}

resource "aws_sns_topic" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  name              = local.alarm_topic_name
  kms_master_key_id = aws_kms_key.alarms[0].arn
  tags              = var.tags
}

data "aws_iam_policy_document" "alarm_topic" {
  count = local.create_alarm_topic ? 1 : 0

  statement {
    sid       = "CloudWatchAlarmsOfThisAccountPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms[0].arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sns:Publish", "sns:Subscribe", "sns:Receive"]
    resources = [aws_sns_topic.alarms[0].arn]

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

resource "aws_sns_topic_policy" "alarms" {
  count = local.create_alarm_topic ? 1 : 0

  arn    = aws_sns_topic.alarms[0].arn
  policy = data.aws_iam_policy_document.alarm_topic[0].json
}

# Email subscriptions stay pending until the recipient confirms; https endpoints must answer
# SNS's SubscriptionConfirmation.
resource "aws_sns_topic_subscription" "alarms" {
  for_each = local.create_alarm_topic ? { for s in var.alarm_topic.subscriptions : "${s.protocol}:${s.endpoint}" => s } : {}

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}
