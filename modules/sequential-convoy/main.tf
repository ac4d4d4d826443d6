# A sequential convoy: an intake FIFO queue takes everything in arrival order; a processor
# records each item and forwards it to a grouped FIFO queue whose MessageGroupId is a key taken
# from the message; competing consumers see each group strictly in order while different groups
# run in parallel. Both queues (with FIFO DLQs, policies, mappings, alarms) are ../sqs-queue.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  fifo               = { content_based_deduplication = false, high_throughput = var.high_throughput }
  processor_role_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/${var.processor.role_name}"
  # The gap metric's service dimension: Powertools uses the function name (POWERTOOLS_SERVICE_NAME).
  consumer_function_name = element(split(":", var.consumer.function_arn), 6)
  group_key_environment  = var.group_key.json_field != null ? { GROUP_KEY_JSON_FIELD = var.group_key.json_field } : { GROUP_KEY_MESSAGE_ATTRIBUTE = var.group_key.message_attribute }
}

module "intake" {
  source = "../sqs-queue"

  name              = "${var.name}-intake"
  fifo              = local.fifo
  kms_master_key_id = var.kms_master_key_id
  max_receive_count = var.intake_max_receive_count
  senders           = var.senders
  consumer = {
    function_arn        = var.processor.function_arn
    role_name           = var.processor.role_name
    timeout             = var.processor.timeout
    batch_size          = var.processor.batch_size
    maximum_concurrency = var.processor.maximum_concurrency
  }
  alarm_actions = var.alarm_actions
  tags          = var.tags
}

# Only the processor may send to the grouped queue: every message there went through the ledger.
module "groups" {
  source = "../sqs-queue"

  name              = "${var.name}-groups"
  fifo              = local.fifo
  kms_master_key_id = var.kms_master_key_id
  max_receive_count = var.max_receive_count
  senders           = { principal_arns = [local.processor_role_arn] }
  consumer = {
    function_arn        = var.consumer.function_arn
    role_name           = var.consumer.role_name
    timeout             = var.consumer.timeout
    batch_size          = var.consumer.batch_size
    maximum_concurrency = var.consumer.maximum_concurrency
  }
  alarm_actions = var.alarm_actions
  tags          = var.tags
}

data "aws_iam_policy_document" "forward" {
  statement {
    sid       = "ForwardToGroupedQueue"
    actions   = ["sqs:SendMessage"]
    resources = [module.groups.queue_arn]
  }

  dynamic "statement" {
    for_each = var.kms_master_key_id == null ? [] : [var.kms_master_key_id]
    content {
      sid       = "EncryptForGroupedQueue"
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

resource "aws_iam_role_policy" "forward" {
  name   = "${var.name}-forward"
  role   = var.processor.role_name
  policy = data.aws_iam_policy_document.forward.json
}

# A group waits for a missing item: its later items fail on every receive and, after
# max_receive_count, reach the grouped DLQ in order. README "When the gap alarm fires".
resource "aws_cloudwatch_metric_alarm" "gap" {
  alarm_name          = "${var.name}-sequence-gap"
  alarm_description   = "${local.consumer_function_name} found items that arrived before an earlier item of their group (${var.gap_metric.metric_name}): the group waits, then its messages reach ${module.groups.dlq_name} in order. Find the group in the consumer's logs (\"not applied yet\"), send the missing item, then replay the group: python -m tools.convoy_replay --dlq-url ${module.groups.dlq_url} --queue-url ${module.groups.queue_url} --group <id>."
  namespace           = var.gap_metric.namespace
  metric_name         = var.gap_metric.metric_name
  dimensions          = { service = local.consumer_function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = var.gap_alarm_evaluation_periods
  datapoints_to_alarm = var.gap_alarm_evaluation_periods
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
