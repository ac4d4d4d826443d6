# Audit workload: envelope events -> SQS -> audit function -> DynamoDB audit log.
# Malformed events are parked in the DLQ by the function with their reason; transient
# failures return to the queue (batchItemFailures) and reach the DLQ by redrive.

locals {
  audit_name = "${var.name_prefix}-audit"
}

module "audit_log_table" {
  source = "../dynamodb-table"

  name            = "${var.name_prefix}-audit-log"
  hash_key        = { name = "eventId" }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

module "audit_function" {
  source = "../lambda-function"

  permissions_boundary_arn = var.permissions_boundary_arn

  name                 = local.audit_name
  description          = "Keeps every valid Switchyard event in the audit log, once"
  handler              = "audit.handler.lambda_handler"
  package_path         = "${var.artifacts_dir}/lambdas/audit.zip"
  architecture         = var.lambda_defaults.architecture
  memory_size          = var.lambda_defaults.memory_size
  timeout              = var.lambda_defaults.timeout
  log_retention_days   = var.lambda_defaults.log_retention_days
  reserved_concurrency = lookup(var.reserved_concurrency, "audit", null)
  kms_key_arn          = aws_kms_key.platform.arn
  layer_arns           = [aws_lambda_layer_version.shared.arn]
  environment_variables = {
    AUDIT_TABLE_NAME      = module.audit_log_table.name
    DEAD_LETTER_QUEUE_URL = module.audit_queue.dlq_url
  }
  # Queue and DLQ permissions are granted by ../sqs-queue.
  policy_statements = {
    WriteAuditLog = {
      actions   = ["dynamodb:PutItem"]
      resources = [module.audit_log_table.arn]
    }
  }
  tags = var.tags
}

# Producers are this account's principals whose own policy allows sqs:SendMessage on the
# queue (the account root as principal); nothing outside the account may send.
module "audit_queue" {
  source = "../sqs-queue"

  name              = local.audit_name
  max_receive_count = var.audit.max_receive_count
  senders           = { principal_arns = ["arn:${local.partition}:iam::${local.account_id}:root"] }
  consumer = {
    function_arn        = module.audit_function.function_arn
    role_name           = module.audit_function.role_name
    timeout             = var.lambda_defaults.timeout
    batch_size          = var.audit.batch_size
    maximum_concurrency = var.audit.maximum_concurrency
  }
  alarm_actions = local.alarm_actions
  tags          = var.tags
}
