output "topic_arn" {
  description = "Publish here (sns:Publish, plus kms:GenerateDataKey/Decrypt on kms_key_arn through SNS)."
  value       = module.fanout.topic_arn
}

output "kms_key_arn" {
  description = "The topic's key."
  value       = module.fanout.kms_key_arn
}

output "subscribers" {
  description = "Per subscriber: queue, DLQ, subscription, function, role, alarm."
  value       = module.fanout.subscribers
}
