# Registration workload: the registration function publishes UserRegistered (schema-validated)
# to an SNS topic; modules/pubsub-fanout fans it out to four independent consumers, each with
# its own encrypted queue, DLQ and function. Every consumer applies an event once: its effect is a
# conditional write keyed on the business key (lambdas/shared/README.md says why).

locals {
  registration_name = "${var.name_prefix}-registration"
  registration_tables = {
    # name suffix => key schema (hash, optional range)
    signups    = { hash_key = "pk", range_key = "sk" }
    outbox     = { hash_key = "outboxId", range_key = null }
    workspaces = { hash_key = "userId", range_key = null }
    leads      = { hash_key = "userId", range_key = null }
  }
}

module "registration_table" {
  source   = "../dynamodb-table"
  for_each = local.registration_tables

  name            = "${local.registration_name}-${each.key}"
  hash_key        = { name = each.value.hash_key }
  range_key       = each.value.range_key == null ? null : { name = each.value.range_key }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

# --- the publisher ------------------------------------------------------------------------
# Invoked synchronously (RequestResponse: it answers accepted/refused), by a caller or an API
# in front of it, so it has no asynchronous path to give a DLQ. moto 5.2.5 does not store a
# function's DeadLetterConfig either (every plan would show a diff); if it is ever invoked
# with InvocationType=Event, set dead_letter_target and patch the emulator.
module "registration_api_function" {
  source = "../lambda-function"

  permissions_boundary_arn = var.permissions_boundary_arn

  name               = "${local.registration_name}-api"
  description        = "Validates a sign-up and publishes UserRegistered"
  handler            = "registration_api.handler.lambda_handler"
  package_path       = "${var.artifacts_dir}/lambdas/registration_api.zip"
  architecture       = var.lambda_defaults.architecture
  memory_size        = var.lambda_defaults.memory_size
  timeout            = var.lambda_defaults.timeout
  log_retention_days = var.lambda_defaults.log_retention_days
  kms_key_arn        = aws_kms_key.platform.arn
  layer_arns         = [aws_lambda_layer_version.shared.arn]
  environment_variables = {
    TOPIC_ARN = module.registration.topic_arn
  }

  reserved_concurrency = lookup(var.reserved_concurrency, "registration_api", null)

  policy_statements = {
    PublishUserRegistered = {
      actions   = ["sns:Publish"]
      resources = [module.registration.topic_arn]
    }
    EncryptThroughSns = {
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [module.registration.kms_key_arn]
      conditions = [{
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sns.${local.region}.amazonaws.com"]
      }]
    }
  }
  tags = var.tags
}

# --- the fan-out: one map entry per consumer ----------------------------------------------
module "registration" {
  source = "../pubsub-fanout"

  permissions_boundary_arn = var.permissions_boundary_arn

  name                 = local.registration_name
  function_kms_key_arn = aws_kms_key.platform.arn
  layer_arns           = [aws_lambda_layer_version.shared.arn]
  publisher_role_arns  = [module.registration_api_function.role_arn]
  # Operators read and redrive the DLQs: decrypt through SQS only.
  dlq_operator_role_arns = var.dlq_operator_role_arns
  alarm_actions          = local.alarm_actions
  function_defaults = {
    architecture       = var.lambda_defaults.architecture
    memory_size        = var.lambda_defaults.memory_size
    timeout            = var.registration.consumer_timeout
    log_retention_days = var.lambda_defaults.log_retention_days
  }

  subscribers = {
    analytics = {
      description           = "Counts sign-ups per day and source, each user once"
      handler               = "registration_analytics.handler.lambda_handler"
      package_path          = "${var.artifacts_dir}/lambdas/registration_analytics.zip"
      environment_variables = { SIGNUPS_TABLE_NAME = module.registration_table["signups"].name }
      batch_size            = local.registration_consumers["analytics"].batch_size
      maximum_concurrency   = local.registration_consumers["analytics"].maximum_concurrency
      max_receive_count     = local.registration_consumers["analytics"].max_receive_count
      timeout               = local.registration_consumers["analytics"].timeout
      memory_size           = local.registration_consumers["analytics"].memory_size
      reserved_concurrency  = local.registration_consumers["analytics"].reserved_concurrency
      policy_statements = {
        CountSignUpsOnce = {
          # TransactWriteItems is authorised per item: a conditional put and an update.
          actions   = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"]
          resources = [module.registration_table["signups"].arn]
        }
      }
    }
    mailing = {
      description           = "Writes one welcome email per user to the outbox"
      handler               = "registration_mailing.handler.lambda_handler"
      package_path          = "${var.artifacts_dir}/lambdas/registration_mailing.zip"
      environment_variables = { OUTBOX_TABLE_NAME = module.registration_table["outbox"].name }
      batch_size            = local.registration_consumers["mailing"].batch_size
      maximum_concurrency   = local.registration_consumers["mailing"].maximum_concurrency
      max_receive_count     = local.registration_consumers["mailing"].max_receive_count
      timeout               = local.registration_consumers["mailing"].timeout
      memory_size           = local.registration_consumers["mailing"].memory_size
      reserved_concurrency  = local.registration_consumers["mailing"].reserved_concurrency
      policy_statements = {
        WriteOutbox = { actions = ["dynamodb:PutItem"], resources = [module.registration_table["outbox"].arn] }
      }
    }
    onboarding = {
      description           = "Creates each new user's starter workspace"
      handler               = "registration_onboarding.handler.lambda_handler"
      package_path          = "${var.artifacts_dir}/lambdas/registration_onboarding.zip"
      environment_variables = { WORKSPACES_TABLE_NAME = module.registration_table["workspaces"].name }
      batch_size            = local.registration_consumers["onboarding"].batch_size
      maximum_concurrency   = local.registration_consumers["onboarding"].maximum_concurrency
      max_receive_count     = local.registration_consumers["onboarding"].max_receive_count
      timeout               = local.registration_consumers["onboarding"].timeout
      memory_size           = local.registration_consumers["onboarding"].memory_size
      reserved_concurrency  = local.registration_consumers["onboarding"].reserved_concurrency
      policy_statements = {
        CreateWorkspaces = { actions = ["dynamodb:PutItem"], resources = [module.registration_table["workspaces"].arn] }
      }
    }
    sales-lead = {
      description           = "Opens a sales lead for each pro sign-up"
      handler               = "registration_sales_lead.handler.lambda_handler"
      package_path          = "${var.artifacts_dir}/lambdas/registration_sales_lead.zip"
      environment_variables = { LEADS_TABLE_NAME = module.registration_table["leads"].name }
      filter_policy         = jsonencode({ plan = ["pro"] })
      filter_policy_scope   = "MessageAttributes"
      batch_size            = local.registration_consumers["sales-lead"].batch_size
      maximum_concurrency   = local.registration_consumers["sales-lead"].maximum_concurrency
      max_receive_count     = local.registration_consumers["sales-lead"].max_receive_count
      timeout               = local.registration_consumers["sales-lead"].timeout
      memory_size           = local.registration_consumers["sales-lead"].memory_size
      reserved_concurrency  = local.registration_consumers["sales-lead"].reserved_concurrency
      policy_statements = {
        OpenLeads = { actions = ["dynamodb:PutItem"], resources = [module.registration_table["leads"].arn] }
      }
    }
  }

  tags = var.tags
}
