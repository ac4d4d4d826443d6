# Order ledger (enable with ledger = { enabled = true }): transactions -> intake FIFO queue ->
# ledger_processor (append once per orderId+seq to the immutable ledger, forward grouped by
# orderId) -> grouped FIFO queue -> ledger_consumer (per order in seq order, once; overdrafts
# rejected with a reason; gaps wait and are reported). The pattern is modules/sequential-convoy.

locals {
  ledger_name  = "${var.name_prefix}-ledger"
  ledger_count = var.ledger.enabled ? 1 : 0
}

# Event-sourced audit log: one item per (orderId, seq), written once, never updated.
module "ledger_table" {
  source = "../dynamodb-table"
  count  = local.ledger_count

  name            = local.ledger_name
  hash_key        = { name = "orderId" }
  range_key       = { name = "seq", type = "N" }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

# Per order: the "state" item (applied seq, balance, currency) and one "rejection#<seq>" item
# per rejected transaction, with its reason.
module "ledger_balances_table" {
  source = "../dynamodb-table"
  count  = local.ledger_count

  name            = "${local.ledger_name}-balances"
  hash_key        = { name = "orderId" }
  range_key       = { name = "entry" }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

module "ledger_processor" {
  source = "../lambda-function"
  count  = local.ledger_count

  permissions_boundary_arn = var.permissions_boundary_arn

  name               = "${local.ledger_name}-processor"
  description        = "Appends each transaction to the ledger once and forwards it grouped by orderId"
  handler            = "ledger_processor.handler.lambda_handler"
  package_path       = "${var.artifacts_dir}/lambdas/ledger_processor.zip"
  architecture       = var.lambda_defaults.architecture
  memory_size        = var.lambda_defaults.memory_size
  timeout            = var.ledger.consumer_timeout
  log_retention_days = var.lambda_defaults.log_retention_days
  kms_key_arn        = aws_kms_key.platform.arn
  layer_arns         = [aws_lambda_layer_version.shared.arn]

  reserved_concurrency = lookup(var.reserved_concurrency, "ledger_processor", null)

  environment_variables = merge(module.ledger[0].processor_environment_variables, {
    LEDGER_TABLE_NAME     = module.ledger_table[0].name
    DEAD_LETTER_QUEUE_URL = module.ledger[0].intake_dlq_url
  })
  # Queue permissions (intake, DLQ, forwarding) are granted by ../sequential-convoy.
  policy_statements = {
    AppendToLedger = {
      actions   = ["dynamodb:PutItem", "dynamodb:GetItem"]
      resources = [module.ledger_table[0].arn]
    }
  }
  tags = var.tags
}

module "ledger_consumer" {
  source = "../lambda-function"
  count  = local.ledger_count

  permissions_boundary_arn = var.permissions_boundary_arn

  name               = "${local.ledger_name}-consumer"
  description        = "Applies each order's transactions in seq order, once; rejects overdrafts with a reason"
  handler            = "ledger_consumer.handler.lambda_handler"
  package_path       = "${var.artifacts_dir}/lambdas/ledger_consumer.zip"
  architecture       = var.lambda_defaults.architecture
  memory_size        = var.lambda_defaults.memory_size
  timeout            = var.ledger.consumer_timeout
  log_retention_days = var.lambda_defaults.log_retention_days
  kms_key_arn        = aws_kms_key.platform.arn
  layer_arns         = [aws_lambda_layer_version.shared.arn]

  reserved_concurrency = lookup(var.reserved_concurrency, "ledger_consumer", null)

  environment_variables = {
    BALANCES_TABLE_NAME   = module.ledger_balances_table[0].name
    DEAD_LETTER_QUEUE_URL = module.ledger[0].grouped_dlq_url
  }
  policy_statements = {
    ApplyToBalances = {
      # TransactWriteItems (a rejection and the state together) is authorised per contained action.
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"]
      resources = [module.ledger_balances_table[0].arn]
    }
  }
  tags = var.tags
}

# Producers are this account's principals whose own policy allows sqs:SendMessage on the intake.
module "ledger" {
  source = "../sequential-convoy"
  count  = local.ledger_count

  name                     = local.ledger_name
  group_key                = { json_field = "eventDetails.orderId" }
  intake_groups            = var.ledger.intake_groups
  high_throughput          = var.ledger.high_throughput
  max_receive_count        = var.ledger.max_receive_count
  intake_max_receive_count = var.ledger.intake_max_receive_count
  senders                  = { principal_arns = ["arn:${local.partition}:iam::${local.account_id}:root"] }
  processor = {
    function_arn = module.ledger_processor[0].function_arn
    role_name    = module.ledger_processor[0].role_name
    timeout      = var.ledger.consumer_timeout
  }
  consumer = {
    function_arn        = module.ledger_consumer[0].function_arn
    role_name           = module.ledger_consumer[0].role_name
    timeout             = var.ledger.consumer_timeout
    maximum_concurrency = var.ledger.maximum_concurrency
  }
  alarm_actions = local.alarm_actions
  tags          = var.tags
}

# Kept here rather than in outputs.tf so the workload stays in one file; null when disabled.
output "ledger" {
  description = "Ledger workload (null unless ledger.enabled): the intake to send to, the grouped queue and DLQs, the tables, both functions, the alarms."
  value = var.ledger.enabled ? {
    intake_queue_url        = module.ledger[0].intake_queue_url
    intake_queue_arn        = module.ledger[0].intake_queue_arn
    intake_dlq_url          = module.ledger[0].intake_dlq_url
    intake_groups           = module.ledger[0].intake_groups
    grouped_queue_url       = module.ledger[0].grouped_queue_url
    grouped_queue_arn       = module.ledger[0].grouped_queue_arn
    grouped_dlq_url         = module.ledger[0].grouped_dlq_url
    gap_alarm_name          = module.ledger[0].gap_alarm_name
    alarm_names             = module.ledger[0].alarm_names
    ledger_table_name       = module.ledger_table[0].name
    balances_table_name     = module.ledger_balances_table[0].name
    processor_function_name = module.ledger_processor[0].function_name
    processor_role_arn      = module.ledger_processor[0].role_arn
    consumer_function_name  = module.ledger_consumer[0].function_name
    consumer_role_arn       = module.ledger_consumer[0].role_arn
  } : null
}
