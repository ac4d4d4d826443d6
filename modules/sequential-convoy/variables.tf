variable "name" {
  description = "Base name: the intake queue is <name>-intake.fifo, the grouped queue <name>-groups.fifo (each with a -dlq.fifo twin)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{1,60}[A-Za-z0-9]$", var.name))
    error_message = "name must be 3-62 letters, digits, '-' or '_', starting with a letter, without .fifo (for example \"swy-dev-ledger\")."
  }
}

variable "group_key" {
  description = <<-EOT
    Where the processor finds each message's group key (the grouped queue's MessageGroupId):
    json_field, a dotted path into the JSON body (for example "eventDetails.orderId"), or
    message_attribute, the name of a String message attribute. Exactly one.
  EOT
  type = object({
    json_field        = optional(string)
    message_attribute = optional(string)
  })

  validation {
    condition     = (var.group_key.json_field == null) != (var.group_key.message_attribute == null)
    error_message = "group_key needs exactly one of json_field (for example { json_field = \"eventDetails.orderId\" }) or message_attribute (for example { message_attribute = \"tenantId\" })."
  }

  validation {
    condition     = var.group_key.json_field == null || can(regex("^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+){0,7}$", coalesce(var.group_key.json_field, "-")))
    error_message = "group_key.json_field must be a dotted path of up to 8 names, for example \"eventDetails.orderId\" (no $, brackets or leading dot)."
  }

  validation {
    condition     = var.group_key.message_attribute == null || can(regex("^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,255}$", coalesce(var.group_key.message_attribute, "-")))
    error_message = "group_key.message_attribute must be an SQS message attribute name (letters, digits, '_', '-', '.', up to 256), for example \"tenantId\"."
  }
}

variable "intake_groups" {
  description = <<-EOT
    How producers group the intake queue (SQS requires a MessageGroupId on every FIFO message).
    1: one constant group "all": total arrival order, and strictly serial intake (one batch in
    flight). 2-100: the group is "intake-<sha256(key) mod N>" (first 8 bytes, big-endian):
    order per key, up to N batches in flight. Producers compute it (ledger_processor.core.intake_group_id).
  EOT
  type        = number
  default     = 1

  validation {
    condition     = var.intake_groups >= 1 && var.intake_groups <= 100 && floor(var.intake_groups) == var.intake_groups
    error_message = "intake_groups must be a whole number 1-100: 1 for one constant group (total order, serial), or N hashed groups (order per key, N batches in flight)."
  }
}

variable "high_throughput" {
  description = "FIFO high-throughput mode on all four queues: sets deduplication_scope = \"messageGroup\" and fifo_throughput_limit = \"perMessageGroupId\" together (regional limits instead of 300 API calls/s per action)."
  type        = bool
  default     = false
}

variable "processor" {
  description = "The function that drains the intake queue, records each item and forwards it to the grouped queue (build it with ../lambda-function; give it the processor_environment_variables output). batch_size at most 10 (FIFO); FIFO sources take no batching window."
  type = object({
    function_arn                       = string
    role_name                          = string
    timeout                            = number
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number)
    maximum_concurrency                = optional(number, 2)
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.processor.function_arn))
    error_message = "processor.function_arn must be an unqualified Lambda function ARN, for example module.processor.function_arn."
  }

  validation {
    condition     = var.processor.batch_size >= 1 && var.processor.batch_size <= 10 && floor(var.processor.batch_size) == var.processor.batch_size
    error_message = "processor.batch_size must be 1-10: Lambda reads at most 10 messages per batch from a FIFO queue."
  }

  validation {
    condition     = var.processor.maximum_batching_window_in_seconds == null
    error_message = "processor.maximum_batching_window_in_seconds must be left out: Lambda takes no batching window on FIFO queues (it never waits to fill a batch)."
  }

  validation {
    condition     = var.processor.timeout >= 1 && var.processor.timeout <= 900
    error_message = "processor.timeout must be the function's timeout, 1-900 seconds (the intake's visibility timeout is 6x it)."
  }

  validation {
    condition     = var.processor.maximum_concurrency >= 2 && var.processor.maximum_concurrency <= 1000
    error_message = "processor.maximum_concurrency must be 2-1000 (Lambda's range; FIFO never runs more batches at once than there are intake groups in flight)."
  }
}

variable "consumer" {
  description = "The competing consumers of the grouped queue (build the function with ../lambda-function; set DEAD_LETTER_QUEUE_URL to the grouped_dlq_url output). Each message group is in flight in one batch at a time; different groups run in parallel up to maximum_concurrency."
  type = object({
    function_arn                       = string
    role_name                          = string
    timeout                            = number
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number)
    maximum_concurrency                = optional(number, 10)
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.consumer.function_arn))
    error_message = "consumer.function_arn must be an unqualified Lambda function ARN, for example module.consumer.function_arn."
  }

  validation {
    condition     = var.consumer.batch_size >= 1 && var.consumer.batch_size <= 10 && floor(var.consumer.batch_size) == var.consumer.batch_size
    error_message = "consumer.batch_size must be 1-10: Lambda reads at most 10 messages per batch from a FIFO queue."
  }

  validation {
    condition     = var.consumer.maximum_batching_window_in_seconds == null
    error_message = "consumer.maximum_batching_window_in_seconds must be left out: Lambda takes no batching window on FIFO queues (it never waits to fill a batch)."
  }

  validation {
    condition     = var.consumer.timeout >= 1 && var.consumer.timeout <= 900
    error_message = "consumer.timeout must be the function's timeout, 1-900 seconds (the grouped queue's visibility timeout is 6x it)."
  }

  validation {
    condition     = var.consumer.maximum_concurrency >= 2 && var.consumer.maximum_concurrency <= 1000
    error_message = "consumer.maximum_concurrency must be 2-1000 (Lambda's range for scaling_config)."
  }
}

variable "senders" {
  description = "Who may send to the intake queue (same shape as ../sqs-queue's senders): IAM role ARNs or an account root, and/or services with the source ARNs they send for."
  type = object({
    services = optional(list(object({
      principal   = string
      source_arns = list(string)
    })), [])
    principal_arns = optional(list(string), [])
  })
}

variable "max_receive_count" {
  description = "Grouped queue: receives before a message moves to the grouped FIFO DLQ, which is how long a group waits for a missing item before its messages are parked in order (each wait is the visibility timeout, 6x consumer.timeout). A receive is also counted when an earlier message of the same group in the batch failed and Lambda handed this one back unprocessed (skip_group_on_error), so leave room for transient failures ahead of it."
  type        = number
  default     = 10

  validation {
    condition     = var.max_receive_count >= 2 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number 2-1000 (10 waits ten visibility timeouts for a missing item)."
  }
}

variable "intake_max_receive_count" {
  description = "Intake queue: receives before a message moves to the intake FIFO DLQ (malformed input is parked at once, with its reason; this catches what keeps failing). Every receive counts, including each one where an earlier message of the same intake group in the batch failed and the message came back unprocessed: with few intake groups a message can sit behind many transient failures, so this budget is larger than the grouped queue's. A message that keeps failing blocks its intake group for this many visibility timeouts."
  type        = number
  default     = 20

  validation {
    condition     = var.intake_max_receive_count >= 5 && var.intake_max_receive_count <= 1000 && floor(var.intake_max_receive_count) == var.intake_max_receive_count
    error_message = "intake_max_receive_count must be a whole number 5-1000: below 5, transient failures of the messages ahead of one (skip_group_on_error) move it to the DLQ before it was processed once."
  }
}

variable "kms_master_key_id" {
  description = "ARN of a customer-managed KMS key for the four queues; null: SSE-SQS."
  type        = string
  default     = null
}

variable "gap_metric" {
  description = "The custom metric the consumer emits for every item that found a gap in its group's sequence (Powertools EMF, dimension service = the consumer's function name). The gap alarm fires on its Sum > 0."
  type = object({
    namespace   = optional(string, "Switchyard")
    metric_name = optional(string, "SequenceGaps")
  })
  default = {}

  validation {
    condition     = length(var.gap_metric.namespace) >= 1 && !startswith(var.gap_metric.namespace, "AWS/") && length(var.gap_metric.metric_name) >= 1
    error_message = "gap_metric needs a custom namespace (not AWS/...) and a metric name, for example { namespace = \"Switchyard\", metric_name = \"SequenceGaps\" }."
  }
}

variable "gap_alarm_evaluation_periods" {
  description = "Minutes in a row with gaps before the gap alarm fires (a gap that the missing item closes within this time does not page)."
  type        = number
  default     = 5

  validation {
    condition     = var.gap_alarm_evaluation_periods >= 1 && var.gap_alarm_evaluation_periods <= 60
    error_message = "gap_alarm_evaluation_periods must be 1-60 (minutes)."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified when an alarm fires or recovers."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
