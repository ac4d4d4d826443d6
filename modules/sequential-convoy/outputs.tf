output "intake_queue_url" {
  description = "Where producers send (MessageGroupId per intake_groups, MessageDeduplicationId required)."
  value       = module.intake.queue_url
}

output "intake_queue_arn" {
  description = "ARN of the intake FIFO queue."
  value       = module.intake.queue_arn
}

output "intake_dlq_url" {
  description = "The intake's FIFO DLQ: the processor parks malformed input here (set it as the processor's DEAD_LETTER_QUEUE_URL)."
  value       = module.intake.dlq_url
}

output "intake_dlq_arn" {
  description = "ARN of the intake's FIFO DLQ."
  value       = module.intake.dlq_arn
}

output "intake_groups" {
  description = "How many intake message groups producers spread keys over (1: the constant group \"all\")."
  value       = var.intake_groups
}

output "grouped_queue_url" {
  description = "The grouped FIFO queue (MessageGroupId = the group key)."
  value       = module.groups.queue_url
}

output "grouped_queue_arn" {
  description = "ARN of the grouped FIFO queue."
  value       = module.groups.queue_arn
}

output "grouped_dlq_url" {
  description = "The grouped queue's FIFO DLQ: groups that waited too long land here in order (replay with tools/convoy_replay.py); the consumer parks malformed input here too (its DEAD_LETTER_QUEUE_URL)."
  value       = module.groups.dlq_url
}

output "grouped_dlq_arn" {
  description = "ARN of the grouped queue's FIFO DLQ."
  value       = module.groups.dlq_arn
}

output "processor_environment_variables" {
  description = "Environment the processor needs from this module: GROUPED_QUEUE_URL and GROUP_KEY_JSON_FIELD or GROUP_KEY_MESSAGE_ATTRIBUTE (merge it into the function's environment_variables)."
  value       = merge({ GROUPED_QUEUE_URL = module.groups.queue_url }, local.group_key_environment)
}

output "event_source_mapping_uuids" {
  description = "The two mappings: processor (intake) and consumer (grouped)."
  value       = { processor = module.intake.event_source_mapping_uuid, consumer = module.groups.event_source_mapping_uuid }
}

output "gap_alarm_name" {
  description = "Name of the alarm on the consumer's gap metric."
  value       = aws_cloudwatch_metric_alarm.gap.alarm_name
}

output "alarm_names" {
  description = "Every alarm: both queues' (DLQ depth, oldest message, function errors and throttles) and the gap alarm."
  value       = concat(module.intake.alarm_names, module.groups.alarm_names, [aws_cloudwatch_metric_alarm.gap.alarm_name])
}
