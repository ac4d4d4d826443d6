# Queue-based load leveling: API Gateway (REST) writes straight to SQS and answers 202; an
# event source mapping drains the queue into the consumer at a bounded concurrency.
# api.tf holds the API; this file the queues, the mapping, the consumer's grants and alarms.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
}

# Queue, DLQ, TLS-only policies that admit only the API's integration role, the mapping, the
# consumer's grants and the alarms: ../sqs-queue.
module "queue" {
  source = "../sqs-queue"

  name                       = var.name
  kms_master_key_id          = var.kms_master_key_id
  visibility_timeout_seconds = var.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  max_receive_count          = var.max_receive_count
  senders                    = { principal_arns = [aws_iam_role.integration.arn] }
  consumer = {
    function_arn                       = var.consumer.function_arn
    role_name                          = var.consumer.role_name
    timeout                            = var.consumer.timeout
    batch_size                         = var.batch_size
    maximum_batching_window_in_seconds = var.maximum_batching_window_in_seconds
    maximum_concurrency                = var.maximum_concurrency
  }
  oldest_message_age_alarm_seconds = var.oldest_message_age_alarm_seconds
  alarm_actions                    = var.alarm_actions
  tags                             = var.tags
}

# Deployed before the queue moved into ../sqs-queue: keep every resource, do not recreate.
moved {
  from = aws_sqs_queue.this
  to   = module.queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue.dlq
  to   = module.queue.aws_sqs_queue.dlq
}

moved {
  from = aws_sqs_queue_policy.this
  to   = module.queue.aws_sqs_queue_policy.this
}

moved {
  from = aws_sqs_queue_policy.dlq
  to   = module.queue.aws_sqs_queue_policy.dlq
}

moved {
  from = aws_iam_role_policy.consumer
  to   = module.queue.aws_iam_role_policy.consumer[0]
}

moved {
  from = aws_lambda_event_source_mapping.this
  to   = module.queue.aws_lambda_event_source_mapping.this[0]
}

moved {
  from = aws_cloudwatch_metric_alarm.dlq_depth
  to   = module.queue.aws_cloudwatch_metric_alarm.dlq_depth
}

moved {
  from = aws_cloudwatch_metric_alarm.oldest_message_age
  to   = module.queue.aws_cloudwatch_metric_alarm.oldest_message_age
}

# Deployed before the stage moved into ../rest-api-stage.
moved {
  from = aws_cloudwatch_log_group.access
  to   = module.stage.aws_cloudwatch_log_group.access
}

moved {
  from = aws_cloudwatch_log_group.execution
  to   = module.stage.aws_cloudwatch_log_group.execution
}

moved {
  from = aws_api_gateway_stage.this
  to   = module.stage.aws_api_gateway_stage.this
}

moved {
  from = aws_api_gateway_method_settings.all
  to   = module.stage.aws_api_gateway_method_settings.all
}
