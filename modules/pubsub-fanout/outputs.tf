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
  description = "Per subscriber key: its queue, DLQ, subscription, consumer function and role."
  value = {
    for k in keys(var.subscribers) : k => {
      queue_url        = module.queue[k].queue_url
      queue_arn        = module.queue[k].queue_arn
      dlq_url          = module.queue[k].dlq_url
      dlq_arn          = module.queue[k].dlq_arn
      subscription_arn = aws_sns_topic_subscription.this[k].arn
      function_name    = module.consumer[k].function_name
      function_arn     = module.consumer[k].function_arn
      role_arn         = module.consumer[k].role_arn
      log_group_name   = module.consumer[k].log_group_name
      dlq_alarm_name   = module.queue[k].alarm_names[0]
      alarm_names      = module.queue[k].alarm_names
    }
  }
}
