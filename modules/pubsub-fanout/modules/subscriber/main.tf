# One subscriber of the fan-out: its consumer function (../../../lambda-function) and its queue,
# DLQ, policies, event source mapping, grants and alarms (../../../sqs-queue with a consumer).
#
# Why a module per subscriber: the function needs its DLQ's URL and the queue module needs the
# function (its consumer block). Between two for_each module calls that is a cycle, because a
# reference such as module.queue[each.key].dlq_url depends on every output of module.queue
# (the key is not known statically), including the mapping's. Inside one module instance the
# references are single outputs: module.queue.dlq_url depends on the DLQ only, not on the
# consumer, as in the platform's audit workload.

module "function" {
  source = "../../../lambda-function"

  name                 = var.name
  description          = var.function.description
  handler              = var.function.handler
  package_path         = var.function.package_path
  architecture         = var.function.architecture
  memory_size          = var.function.memory_size
  timeout              = var.function.timeout
  log_retention_days   = var.function.log_retention_days
  kms_key_arn          = var.function.kms_key_arn
  layer_arns           = var.function.layer_arns
  reserved_concurrency = var.function.reserved_concurrency # null: the account's unreserved pool

  environment_variables = merge(var.function.environment_variables, {
    DEAD_LETTER_QUEUE_URL = module.queue.dlq_url
  })
  # The queue, DLQ and key grants are module.queue's consumer policy (<name>-consume).
  policy_statements        = var.function.policy_statements
  permissions_boundary_arn = var.function.permissions_boundary_arn
  tags                     = var.tags
}

# The queue and its DLQ admit SNS only for this topic (the DLQ for subscription redrive), the
# DLQ also the consumer (park_in_dlq, added by ../sqs-queue), and refuse anything without TLS;
# both use the topic's CMK (SNS cannot use alias/aws/sqs). The consumer block adds the mapping
# (ReportBatchItemFailures), the role's grants on this queue, DLQ and key (kms:ViaService sqs),
# and the function's Errors and Throttles alarms next to the DLQ-depth and oldest-age ones.
module "queue" {
  source = "../../../sqs-queue"

  name                      = var.name
  kms_master_key_id         = var.kms_key_arn
  message_retention_seconds = var.queue.message_retention_seconds
  max_receive_count         = var.queue.max_receive_count
  senders                   = { services = [{ principal = "sns.amazonaws.com", source_arns = [var.topic_arn] }] }
  dlq_senders               = { services = [{ principal = "sns.amazonaws.com", source_arns = [var.topic_arn] }] }
  consumer = {
    function_arn                       = module.function.function_arn
    role_name                          = module.function.role_name
    timeout                            = var.function.timeout # visibility timeout: 6x this
    batch_size                         = var.queue.batch_size
    maximum_batching_window_in_seconds = var.queue.maximum_batching_window_in_seconds
    maximum_concurrency                = var.queue.maximum_concurrency
    park_in_dlq                        = true
  }
  alarm_actions = var.alarm_actions
  tags          = var.tags
}
