output "queue_url" {
  description = "URL of the subscriber's queue."
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "ARN of the subscriber's queue (the subscription's endpoint)."
  value       = module.queue.queue_arn
}

output "dlq_url" {
  description = "URL of the subscriber's DLQ."
  value       = module.queue.dlq_url
}

output "dlq_arn" {
  description = "ARN of the subscriber's DLQ (the subscription's redrive target)."
  value       = module.queue.dlq_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the queue's event source mapping."
  value       = module.queue.event_source_mapping_uuid
}

output "consumer_policy_name" {
  description = "Name of the inline policy that grants the consumer its queue, DLQ and key."
  value       = module.queue.consumer_policy_name
}

output "consumer_grants" {
  description = "The consumer's grants on its queue, DLQ and key (../sqs-queue's consumer_grants output), for the parent's tests."
  value       = module.queue.consumer_grants
}

output "alarm_names" {
  description = "DLQ depth, oldest message age, the function's Errors and Throttles."
  value       = module.queue.alarm_names
}

output "settings" {
  description = "The queue's, DLQ's and mapping's settings as planned (../sqs-queue's settings output), for the parent's tests."
  value       = module.queue.settings
}

output "function_name" {
  description = "Name of the consumer function."
  value       = module.function.function_name
}

output "function_arn" {
  description = "ARN of the consumer function."
  value       = module.function.function_arn
}

output "role_name" {
  description = "Name of the consumer function's role."
  value       = module.function.role_name
}

output "role_arn" {
  description = "ARN of the consumer function's role."
  value       = module.function.role_arn
}

output "log_group_name" {
  description = "Log group of the consumer function."
  value       = module.function.log_group_name
}
