# Alarms: something waits in the DLQ; the queue falls behind; the consumer fails or is
# throttled. alarm_actions are notified on both transitions.

locals {
  consumer_alarms = var.consumer == null ? {} : {
    errors = {
      metric      = "Errors"
      description = "${local.function_name} failed invocations on ${local.queue_name}: read its logs; failed batches return to the queue and reach ${local.dlq_name} after ${var.max_receive_count} receives."
    }
    throttles = {
      metric      = "Throttles"
      description = "${local.function_name} was throttled draining ${local.queue_name}: raise its reserved concurrency to at least maximum_concurrency, or lower maximum_concurrency."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "dlq_depth" {
  alarm_name          = "${aws_sqs_queue.dlq.name}-not-empty"
  alarm_description   = "Messages are waiting in ${aws_sqs_queue.dlq.name}: read failureReason, fix, then redrive."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.dlq.name }
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

resource "aws_cloudwatch_metric_alarm" "oldest_message_age" {
  alarm_name          = "${aws_sqs_queue.this.name}-falling-behind"
  alarm_description   = "The oldest message in ${aws_sqs_queue.this.name} waited over ${var.oldest_message_age_alarm_seconds}s: the consumer is not keeping up (raise maximum_concurrency or fix its errors)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.this.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.oldest_message_age_alarm_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "consumer" {
  for_each = local.consumer_alarms

  alarm_name          = "${local.function_name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = local.function_name }
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
  tags                = var.tags
}
