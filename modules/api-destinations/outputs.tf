output "bus_name" {
  description = "Name of the event bus (producers pass it as EventBusName)."
  value       = local.bus_name
}

output "bus_arn" {
  description = "ARN of the event bus (grant producers events:PutEvents on it)."
  value       = local.bus_arn
}

output "archive_arn" {
  description = "ARN of the bus's archive (StartReplay's EventSourceArn is the bus); null without an archive."
  value       = try(aws_cloudwatch_event_archive.this[0].arn, null)
}

output "rule_arns" {
  description = "Rule ARN per destination key."
  value       = { for k, r in aws_cloudwatch_event_rule.this : k => r.arn }
}

output "api_destination_arns" {
  description = "API destination ARN per destination key."
  value       = { for k, d in aws_cloudwatch_event_api_destination.this : k => d.arn }
}

output "connection_arns" {
  description = "Connection ARN per destination key."
  value       = { for k, c in aws_cloudwatch_event_connection.this : k => c.arn }
}

output "connection_secret_arns" {
  description = "ARN of the events!connection/... secret EventBridge keeps each connection's credentials in."
  value       = { for k, c in aws_cloudwatch_event_connection.this : k => c.secret_arn }
}

output "target_role_arns" {
  description = "ARN of each target's role (events:InvokeApiDestination on its destination only)."
  value       = { for k, r in aws_iam_role.target : k => r.arn }
}

output "dlq_urls" {
  description = "URL of each target's dead-letter queue (events EventBridge gave up on)."
  value       = { for k, q in module.dlq : k => q.queue_url }
}

output "dlq_arns" {
  description = "ARN of each target's dead-letter queue."
  value       = { for k, q in module.dlq : k => q.queue_arn }
}

output "alarm_names" {
  description = "Every alarm: per rule FailedInvocations, InvocationsFailedToBeSentToDlq and ThrottledRules, then each DLQ's alarms."
  value       = concat([for k in sort(keys(aws_cloudwatch_metric_alarm.rule)) : aws_cloudwatch_metric_alarm.rule[k].alarm_name], flatten([for k in sort(keys(module.dlq)) : module.dlq[k].alarm_names]))
}
