# Account banning (enable with bans = { enabled = true }): users' reports -> report intake queue
# -> bans_classifier (blocklisted word, or enough distinct reporters) -> AccountDeactivationRequested
# on the ban topic (../pubsub-fanout) -> bans_accounts (deactivate in Accounts; BannedAccounts item
# whose TTL is the reactivation time; a re-ban extends, never shortens) -> DynamoDB TTL deletes the
# item -> bans_reactivation via ../ttl-scheduler (TTL deletes only) reactivates the account unless
# it was banned again. bans_admin lifts a ban early (a manual delete, never the TTL path) and
# answers "is this account banned" (a past-due item is not a ban).

locals {
  bans_name  = "${var.name_prefix}-bans"
  bans_count = var.bans.enabled ? 1 : 0
  bans_tables_environment = var.bans.enabled ? {
    ACCOUNTS_TABLE_NAME        = module.bans_accounts_table[0].name
    BANNED_ACCOUNTS_TABLE_NAME = module.bans_schedule[0].table_name
  } : {}
}

# Accounts: one item per account (status, banVersion, how it was last reactivated).
module "bans_accounts_table" {
  source = "../dynamodb-table"
  count  = local.bans_count

  name            = "${local.bans_name}-accounts"
  hash_key        = { name = "accountId" }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

# Reports: one item per reported author and distinct reporter (the threshold rule counts them).
module "bans_reports_table" {
  source = "../dynamodb-table"
  count  = local.bans_count

  name            = "${local.bans_name}-reports"
  hash_key        = { name = "authorId" }
  range_key       = { name = "reporterId" }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

# --- report intake and classification ------------------------------------------------------
module "bans_classifier" {
  source = "../lambda-function"
  count  = local.bans_count

  permissions_boundary_arn = var.permissions_boundary_arn

  name               = "${local.bans_name}-classifier"
  description        = "Classifies post reports; a valid one asks for the author's ban"
  handler            = "bans_classifier.handler.lambda_handler"
  package_path       = "${var.artifacts_dir}/lambdas/bans_classifier.zip"
  architecture       = var.lambda_defaults.architecture
  memory_size        = var.lambda_defaults.memory_size
  timeout            = var.bans.consumer_timeout
  log_retention_days = var.lambda_defaults.log_retention_days
  kms_key_arn        = aws_kms_key.platform.arn
  layer_arns         = [aws_lambda_layer_version.shared.arn]
  environment_variables = {
    REPORTS_TABLE_NAME    = module.bans_reports_table[0].name
    BAN_TOPIC_ARN         = module.bans_topic[0].topic_arn
    DEAD_LETTER_QUEUE_URL = module.bans_reports[0].dlq_url
  }
  reserved_concurrency = lookup(var.reserved_concurrency, "bans_classifier", null)
  policy_statements = {
    CountDistinctReporters = {
      actions   = ["dynamodb:PutItem", "dynamodb:Query"]
      resources = [module.bans_reports_table[0].arn]
    }
    PublishBans = {
      actions   = ["sns:Publish"]
      resources = [module.bans_topic[0].topic_arn]
    }
    EncryptThroughSns = {
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [module.bans_topic[0].kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${local.region}.amazonaws.com"]
      }]
    }
  }
  tags = var.tags
}

# Producers (the app's report endpoint) are this account's principals whose own policy allows
# sqs:SendMessage on the intake.
module "bans_reports" {
  source = "../sqs-queue"
  count  = local.bans_count

  name              = "${local.bans_name}-reports"
  max_receive_count = var.bans.max_receive_count
  senders           = { principal_arns = ["arn:${local.partition}:iam::${local.account_id}:root"] }
  consumer = {
    function_arn        = module.bans_classifier[0].function_arn
    role_name           = module.bans_classifier[0].role_name
    timeout             = var.bans.consumer_timeout
    maximum_concurrency = var.bans.maximum_concurrency
  }
  alarm_actions = local.alarm_actions
  tags          = var.tags
}

# --- the ban event, fanned out (today to account management only) --------------------------
module "bans_topic" {
  source = "../pubsub-fanout"
  count  = local.bans_count

  permissions_boundary_arn = var.permissions_boundary_arn

  name                 = local.bans_name
  function_kms_key_arn = aws_kms_key.platform.arn
  layer_arns           = [aws_lambda_layer_version.shared.arn]
  publisher_role_arns  = [module.bans_classifier[0].role_arn]
  alarm_actions        = local.alarm_actions
  function_defaults = {
    architecture       = var.lambda_defaults.architecture
    memory_size        = var.lambda_defaults.memory_size
    timeout            = var.bans.consumer_timeout
    log_retention_days = var.lambda_defaults.log_retention_days
  }

  subscribers = {
    accounts = {
      description           = "Deactivates a banned account and schedules its reactivation (TTL); a re-ban only extends"
      handler               = "bans_accounts.handler.lambda_handler"
      package_path          = "${var.artifacts_dir}/lambdas/bans_accounts.zip"
      environment_variables = local.bans_tables_environment
      filter_policy         = jsonencode({ eventType = ["AccountDeactivationRequested"] })
      maximum_concurrency   = var.bans.maximum_concurrency
      max_receive_count     = var.bans.max_receive_count
      reserved_concurrency  = lookup(var.reserved_concurrency, "bans_accounts", null)
      policy_statements = {
        # TransactWriteItems is authorised per contained action.
        BanAccounts = {
          actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
          resources = [module.bans_accounts_table[0].arn]
        }
        ScheduleReactivations = {
          actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
          resources = [module.bans_schedule[0].table_arn]
        }
      }
    }
  }

  tags = var.tags
}

# --- reactivation when the ban item expires -----------------------------------------------
module "bans_reactivation" {
  source = "../lambda-function"
  count  = local.bans_count

  permissions_boundary_arn = var.permissions_boundary_arn

  name               = "${local.bans_name}-reactivation"
  description        = "Reactivates an account when DynamoDB's TTL deletes its ban item, unless banned again"
  handler            = "bans_reactivation.handler.lambda_handler"
  package_path       = "${var.artifacts_dir}/lambdas/bans_reactivation.zip"
  architecture       = var.lambda_defaults.architecture
  memory_size        = var.lambda_defaults.memory_size
  timeout            = var.bans.consumer_timeout
  log_retention_days = var.lambda_defaults.log_retention_days
  kms_key_arn        = aws_kms_key.platform.arn
  layer_arns         = [aws_lambda_layer_version.shared.arn]
  # A record that cannot be decoded is parked in the on-failure queue with its reason (the
  # module grants sqs:SendMessage there); one that fails goes there through Lambda's retries.
  environment_variables = merge(local.bans_tables_environment, {
    DEAD_LETTER_QUEUE_URL = module.bans_schedule[0].on_failure_queue_url
  })
  reserved_concurrency = lookup(var.reserved_concurrency, "bans_reactivation", null)
  policy_statements = {
    ReactivateAccounts = {
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
      resources = [module.bans_accounts_table[0].arn]
    }
    CheckNotBannedAgain = {
      actions   = ["dynamodb:GetItem", "dynamodb:ConditionCheckItem"]
      resources = [module.bans_schedule[0].table_arn]
    }
  }
  tags = var.tags
}

module "bans_schedule" {
  source = "../ttl-scheduler"
  count  = local.bans_count

  name            = "${local.bans_name}-banned-accounts"
  hash_key        = { name = "accountId" }
  ttl_attribute   = "expiresAt"
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  handler = {
    function_arn                  = module.bans_reactivation[0].function_arn
    role_name                     = module.bans_reactivation[0].role_name
    batch_size                    = var.bans.reactivation_batch_size
    maximum_retry_attempts        = var.bans.maximum_retry_attempts
    maximum_record_age_in_seconds = var.bans.maximum_record_age_in_seconds
  }
  alarm_actions = local.alarm_actions
  tags          = var.tags
}

# --- admin: status and early lift (invoked synchronously, so no asynchronous path) ----------
module "bans_admin" {
  source = "../lambda-function"
  count  = local.bans_count

  permissions_boundary_arn = var.permissions_boundary_arn

  name                  = "${local.bans_name}-admin"
  description           = "Answers whether an account is banned; lifts a ban early (reactivates directly)"
  handler               = "bans_admin.handler.lambda_handler"
  package_path          = "${var.artifacts_dir}/lambdas/bans_admin.zip"
  architecture          = var.lambda_defaults.architecture
  memory_size           = var.lambda_defaults.memory_size
  timeout               = var.lambda_defaults.timeout
  log_retention_days    = var.lambda_defaults.log_retention_days
  kms_key_arn           = aws_kms_key.platform.arn
  layer_arns            = [aws_lambda_layer_version.shared.arn]
  environment_variables = local.bans_tables_environment
  reserved_concurrency  = lookup(var.reserved_concurrency, "bans_admin", null)
  policy_statements = {
    LiftBans = {
      actions   = ["dynamodb:GetItem", "dynamodb:DeleteItem"]
      resources = [module.bans_schedule[0].table_arn]
    }
    ReactivateLiftedAccounts = {
      actions   = ["dynamodb:UpdateItem"]
      resources = [module.bans_accounts_table[0].arn]
    }
  }
  tags = var.tags
}

# Kept here rather than in outputs.tf so the workload stays in one file; null when disabled.
output "bans" {
  description = "Account-banning workload (null unless bans.enabled): the report intake, the ban topic, the tables, the on-failure queue, every function, the alarms."
  value = var.bans.enabled ? {
    reports_queue_url          = module.bans_reports[0].queue_url
    reports_dlq_url            = module.bans_reports[0].dlq_url
    topic_arn                  = module.bans_topic[0].topic_arn
    accounts_queue_url         = module.bans_topic[0].subscribers["accounts"].queue_url
    accounts_dlq_url           = module.bans_topic[0].subscribers["accounts"].dlq_url
    accounts_table_name        = module.bans_accounts_table[0].name
    reports_table_name         = module.bans_reports_table[0].name
    banned_accounts_table_name = module.bans_schedule[0].table_name
    ttl_attribute              = module.bans_schedule[0].ttl_attribute
    stream_arn                 = module.bans_schedule[0].stream_arn
    ttl_delete_filter          = module.bans_schedule[0].ttl_delete_filter
    on_failure_queue_url       = module.bans_schedule[0].on_failure_queue_url
    on_failure_queue_arn       = module.bans_schedule[0].on_failure_queue_arn
    classifier_function_name   = module.bans_classifier[0].function_name
    accounts_function_name     = module.bans_topic[0].subscribers["accounts"].function_name
    reactivation_function_name = module.bans_reactivation[0].function_name
    admin_function_name        = module.bans_admin[0].function_name
    alarm_names                = concat(module.bans_schedule[0].alarm_names, module.bans_reports[0].alarm_names)
  } : null
}
