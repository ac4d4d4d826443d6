# The order ledger as a sequential convoy: a shop sends transactions to the intake (8 hashed
# intake groups), the processor appends each to the ledger and forwards it grouped by orderId,
# competing consumers apply each order's transactions in seq order. High throughput, a CMK.
# `terraform test` in modules/sequential-convoy plans this example (run "example_complete_plans").

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
  description = "CMK for the queues, logs and function environments."
  type        = string
  default     = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555" # illustrative: pass your own
}

variable "shop_role_arn" {
  description = "The IAM role that sends transactions to the intake."
  type        = string
  default     = "arn:aws:iam::111111111111:role/swy-example-shop" # illustrative: pass your own
}

variable "alarm_topic_arn" {
  description = "SNS topic for alarms."
  type        = string
  default     = "arn:aws:sns:eu-west-1:111111111111:swy-example-alarms" # illustrative: pass your own
}

module "processor" {
  source = "../../../lambda-function"

  name         = "example-ledger-processor"
  description  = "Appends each transaction to the ledger once and forwards it grouped by orderId"
  handler      = "ledger_processor.handler.lambda_handler"
  package_path = "${path.module}/../../../lambda-function/tests/fixtures/handler.zip"
  timeout      = 20
  kms_key_arn  = var.key_arn
  environment_variables = merge(module.convoy.processor_environment_variables, {
    LEDGER_TABLE_NAME     = "example-ledger"
    DEAD_LETTER_QUEUE_URL = module.convoy.intake_dlq_url
  })
}

module "consumer" {
  source = "../../../lambda-function"

  name         = "example-ledger-consumer"
  description  = "Applies each order's transactions in seq order, once"
  handler      = "ledger_consumer.handler.lambda_handler"
  package_path = "${path.module}/../../../lambda-function/tests/fixtures/handler.zip"
  timeout      = 30
  kms_key_arn  = var.key_arn
  environment_variables = {
    BALANCES_TABLE_NAME   = "example-ledger-balances"
    DEAD_LETTER_QUEUE_URL = module.convoy.grouped_dlq_url
  }
}

module "convoy" {
  source = "../../"

  name                     = "example-ledger"
  group_key                = { json_field = "eventDetails.orderId" }
  intake_groups            = 8
  high_throughput          = true
  kms_master_key_id        = var.key_arn
  max_receive_count        = 10
  intake_max_receive_count = 20
  senders                  = { principal_arns = [var.shop_role_arn] }
  processor = {
    function_arn = module.processor.function_arn
    role_name    = module.processor.role_name
    timeout      = 20
  }
  consumer = {
    function_arn        = module.consumer.function_arn
    role_name           = module.consumer.role_name
    timeout             = 30
    maximum_concurrency = 50
  }
  alarm_actions = [var.alarm_topic_arn]
  tags          = { example = "complete" }
}

output "intake_queue_url" {
  description = "Where the shop sends transactions."
  value       = module.convoy.intake_queue_url
}

output "alarm_names" {
  description = "The convoy's alarms."
  value       = module.convoy.alarm_names
}
