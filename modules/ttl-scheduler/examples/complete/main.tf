# Reminders due at a coarse time: the app puts { reminderId, dueAt } into the table; once dueAt
# has passed, DynamoDB's TTL deletes the item (typically within a few days: the app's reads treat
# a past-due item as due already) and the handler sends the reminder. Deleting the item by hand
# cancels the reminder: the mapping's filter admits only TTL deletes.
# `terraform test` in modules/ttl-scheduler plans this example (run "example_complete_plans").

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

variable "key_arn" {
  description = "CMK for the table, its stream, the log group and the function's environment."
  type        = string
  default     = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555" # illustrative: pass your own
}

variable "alarm_topic_arn" {
  description = "SNS topic for alarms."
  type        = string
  default     = "arn:aws:sns:eu-west-1:111111111111:swy-example-alarms" # illustrative: pass your own
}

module "handler" {
  source = "../../../lambda-function"

  name         = "example-reminders-due"
  description  = "Sends a reminder when its item expires"
  handler      = "reminders.handler.lambda_handler"
  package_path = "${path.module}/../../../lambda-function/tests/fixtures/handler.zip"
  timeout      = 30
  kms_key_arn  = var.key_arn
  environment_variables = {
    DEAD_LETTER_QUEUE_URL = module.reminders.on_failure_queue_url
  }
}

module "reminders" {
  source = "../../"

  name          = "example-reminders"
  hash_key      = { name = "reminderId" }
  ttl_attribute = "dueAt"
  kms_key_arn   = var.key_arn
  handler = {
    function_arn                  = module.handler.function_arn
    role_name                     = module.handler.role_name
    batch_size                    = 50
    maximum_retry_attempts        = 5
    maximum_record_age_in_seconds = 3600
  }
  alarm_actions = [var.alarm_topic_arn]
}

output "table_name" {
  description = "Put reminders here with dueAt = epoch seconds."
  value       = module.reminders.table_name
}

output "on_failure_queue_url" {
  description = "Batches the handler could not process (shard and sequence-number range)."
  value       = module.reminders.on_failure_queue_url
}
