# A FIFO queue with high throughput, encrypted with a CMK, fed by an SNS topic and one IAM
# role, drained by a function built with ../lambda-function, with a filter and alarms.
# `terraform test` in modules/sqs-queue plans this example (tests/examples.tftest.hcl).

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
  description = "CMK for the queues (its policy must admit the senders' services and the consumer)."
  type        = string
  default     = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
}

variable "topic_arn" {
  description = "SNS topic that publishes to the queue."
  type        = string
  default     = "arn:aws:sns:eu-west-1:111111111111:swy-example-orders"
}

variable "producer_role_arn" {
  description = "IAM role that sends to the queue directly."
  type        = string
  default     = "arn:aws:iam::111111111111:role/swy-example-orders-producer"
}

variable "alarm_topic_arn" {
  description = "SNS topic for alarms."
  type        = string
  default     = "arn:aws:sns:eu-west-1:111111111111:swy-example-alarms"
}

module "ledger_processor" {
  source = "../../../lambda-function"

  name         = "example-ledger-processor"
  description  = "Applies ledger entries in order per account"
  handler      = "ledger_processor.handler.lambda_handler"
  package_path = "${path.module}/../../../lambda-function/tests/fixtures/handler.zip"
  timeout      = 20
  kms_key_arn  = var.key_arn
}

module "ledger" {
  source = "../../"

  name              = "example-ledger"
  fifo              = { content_based_deduplication = false, high_throughput = true }
  kms_master_key_id = var.key_arn
  max_receive_count = 3
  senders = {
    services       = [{ principal = "sns.amazonaws.com", source_arns = [var.topic_arn] }]
    principal_arns = [var.producer_role_arn]
  }
  dlq_senders = {
    services = [{ principal = "sns.amazonaws.com", source_arns = [var.topic_arn] }]
  }
  consumer = {
    function_arn        = module.ledger_processor.function_arn
    role_name           = module.ledger_processor.role_name
    timeout             = 20
    batch_size          = 10
    maximum_concurrency = 10
    filter_patterns     = [jsonencode({ body = { eventType = ["LedgerEntryPosted"] } })]
  }
  oldest_message_age_alarm_seconds = 120
  alarm_actions                    = [var.alarm_topic_arn]
  tags                             = { example = "complete" }
}

# An on-failure destination: no mapping, only a service sends (here EventBridge for a rule).
module "rule_dlq" {
  source = "../../"

  name    = "example-rule-dlq"
  senders = { services = [{ principal = "events.amazonaws.com", source_arns = ["arn:aws:events:eu-west-1:111111111111:rule/example"] }] }
}

output "ledger_queue_url" {
  description = "Where producers send."
  value       = module.ledger.queue_url
}

output "ledger_alarm_names" {
  description = "The ledger queue's alarms."
  value       = module.ledger.alarm_names
}

output "rule_dlq_arn" {
  description = "Target DLQ for the rule."
  value       = module.rule_dlq.queue_arn
}
