output "table_name" {
  description = "Name of the schedule table (put items with the TTL attribute set to their due time)."
  value       = module.table.name
}

output "table_arn" {
  description = "ARN of the schedule table (for the writers' and readers' IAM statements)."
  value       = module.table.arn
}

output "stream_arn" {
  description = "ARN of the table's stream."
  value       = module.table.stream_arn
}

output "ttl_attribute" {
  description = "Attribute the TTL service reads each item's due time from (epoch seconds)."
  value       = var.ttl_attribute
}

output "event_source_mapping_uuid" {
  description = "UUID of the stream's event source mapping."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "event_source_mapping_arn" {
  description = "ARN of the stream's event source mapping."
  value       = aws_lambda_event_source_mapping.this.arn
}

output "ttl_delete_filter" {
  description = "The mapping's filter pattern (JSON): REMOVE records with the TTL service's userIdentity."
  value       = jsonencode(local.ttl_delete_filter)
}

output "on_failure_queue_arn" {
  description = "ARN of the on-failure destination queue."
  value       = module.on_failure.queue_arn
}

output "on_failure_queue_url" {
  description = "URL of the on-failure destination queue (one invocation record per discarded batch)."
  value       = module.on_failure.queue_url
}

output "on_failure_queue_name" {
  description = "Name of the on-failure destination queue."
  value       = module.on_failure.queue_name
}

output "on_failure_dlq_url" {
  description = "URL of the on-failure queue's own DLQ (messages an operator's tool failed to handle)."
  value       = module.on_failure.dlq_url
}

output "handler_policy_name" {
  description = "Name of the inline policy the module put on the handler's role."
  value       = aws_iam_role_policy.handler.name
}

output "alarm_names" {
  description = "Every alarm of the module (iterator age, on-failure depth, and the on-failure queue's own)."
  value       = concat([aws_cloudwatch_metric_alarm.iterator_age.alarm_name, aws_cloudwatch_metric_alarm.on_failure_depth.alarm_name], module.on_failure.alarm_names)
}

output "alarm_arns" {
  description = "ARNs of every alarm of the module."
  value       = concat([aws_cloudwatch_metric_alarm.iterator_age.arn, aws_cloudwatch_metric_alarm.on_failure_depth.arn], module.on_failure.alarm_arns)
}

output "settings" {
  description = "What the module hands its building blocks (the table's stream view, billing and data protection; the on-failure queue's key and senders), for callers and tests to assert on."
  value = {
    stream_view_type             = var.stream_view_type
    billing_mode                 = var.billing_mode
    data_protection              = var.data_protection
    on_failure_kms_master_key_id = var.on_failure.kms_master_key_id
    on_failure_senders           = [local.role_arn]
  }
}
