output "topic_arn" {
  description = "ARN of the SNS topic publishers send to."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the SNS topic."
  value       = aws_sns_topic.this.name
}

output "kms_key_arn" {
  description = "ARN of the topic's customer-managed key; publishers need kms:GenerateDataKey and kms:Decrypt on it."
  value       = aws_kms_key.this.arn
}

output "subscribers" {
  description = "Per subscriber key: its queue, DLQ, subscription, event source mapping, consumer function and role, and its alarms (DLQ depth, oldest message age, the function's Errors and Throttles)."
  value = {
    for k in keys(var.subscribers) : k => {
      queue_url                 = module.subscriber[k].queue_url
      queue_arn                 = module.subscriber[k].queue_arn
      dlq_url                   = module.subscriber[k].dlq_url
      dlq_arn                   = module.subscriber[k].dlq_arn
      subscription_arn          = aws_sns_topic_subscription.this[k].arn
      event_source_mapping_uuid = module.subscriber[k].event_source_mapping_uuid
      function_name             = module.subscriber[k].function_name
      function_arn              = module.subscriber[k].function_arn
      role_arn                  = module.subscriber[k].role_arn
      log_group_name            = module.subscriber[k].log_group_name
      dlq_alarm_name            = module.subscriber[k].alarm_names[0]
      alarm_names               = module.subscriber[k].alarm_names
    }
  }
}
