output "queue_arn" {
  description = "ARN of the queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_url" {
  description = "URL of the queue (what senders pass as QueueUrl)."
  value       = aws_sqs_queue.this.url
}

output "queue_name" {
  description = "Name of the queue (with .fifo for FIFO queues)."
  value       = aws_sqs_queue.this.name
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dlq.arn
}

output "dlq_url" {
  description = "URL of the dead-letter queue (consumers park poison here; operators redrive from here)."
  value       = aws_sqs_queue.dlq.url
}

output "dlq_name" {
  description = "Name of the dead-letter queue."
  value       = aws_sqs_queue.dlq.name
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping; null without a consumer."
  value       = try(aws_lambda_event_source_mapping.this[0].uuid, null)
}

output "event_source_mapping_arn" {
  description = "ARN of the event source mapping; null without a consumer."
  value       = try(aws_lambda_event_source_mapping.this[0].arn, null)
}

output "consumer_policy_name" {
  description = "Name of the inline policy granted to the consumer's role; null without a consumer."
  value       = try(aws_iam_role_policy.consumer[0].name, null)
}

output "consumer_grants" {
  description = "The consumer's grants as planned: the role they are attached to, and per statement id its actions, resources and conditions (the policy consumer_policy_name); null without a consumer. For modules built on this one to assert on in their tests."
  value = var.consumer == null ? null : {
    role = aws_iam_role_policy.consumer[0].role
    statements = {
      for s in data.aws_iam_policy_document.consumer[0].statement : s.sid => {
        actions    = s.actions
        resources  = s.resources
        conditions = [for c in s.condition : { test = c.test, variable = c.variable, values = c.values }]
      }
    }
  }
}

output "alarm_names" {
  description = "Names of every alarm of this queue: DLQ depth, oldest message age, and with a consumer its Errors and Throttles."
  value       = concat([aws_cloudwatch_metric_alarm.dlq_depth.alarm_name, aws_cloudwatch_metric_alarm.oldest_message_age.alarm_name], [for k in sort(keys(aws_cloudwatch_metric_alarm.consumer)) : aws_cloudwatch_metric_alarm.consumer[k].alarm_name])
}

output "alarm_arns" {
  description = "ARNs of every alarm of this queue, in the order of alarm_names."
  value       = concat([aws_cloudwatch_metric_alarm.dlq_depth.arn, aws_cloudwatch_metric_alarm.oldest_message_age.arn], [for k in sort(keys(aws_cloudwatch_metric_alarm.consumer)) : aws_cloudwatch_metric_alarm.consumer[k].arn])
}

output "settings" {
  description = "The queue's, the DLQ's and the mapping's settings as planned (FIFO mode, visibility, redrive, batching), for modules built on this one to assert on in their tests; mapping is null without a consumer."
  value = {
    queue = {
      fifo_queue                  = aws_sqs_queue.this.fifo_queue
      content_based_deduplication = aws_sqs_queue.this.content_based_deduplication
      deduplication_scope         = aws_sqs_queue.this.deduplication_scope
      fifo_throughput_limit       = aws_sqs_queue.this.fifo_throughput_limit
      visibility_timeout_seconds  = aws_sqs_queue.this.visibility_timeout_seconds
      redrive_policy              = aws_sqs_queue.this.redrive_policy
    }
    dlq = {
      fifo_queue            = aws_sqs_queue.dlq.fifo_queue
      deduplication_scope   = aws_sqs_queue.dlq.deduplication_scope
      fifo_throughput_limit = aws_sqs_queue.dlq.fifo_throughput_limit
    }
    mapping = try({
      event_source_arn                   = aws_lambda_event_source_mapping.this[0].event_source_arn
      function_name                      = aws_lambda_event_source_mapping.this[0].function_name
      batch_size                         = aws_lambda_event_source_mapping.this[0].batch_size
      maximum_batching_window_in_seconds = aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds
      function_response_types            = aws_lambda_event_source_mapping.this[0].function_response_types
      maximum_concurrency                = aws_lambda_event_source_mapping.this[0].scaling_config[0].maximum_concurrency
    }, null)
  }
}
