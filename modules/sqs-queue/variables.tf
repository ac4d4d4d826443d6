variable "name" {
  description = "Name of the queue; the DLQ is <name>-dlq. FIFO queues get the .fifo suffix added (do not write it)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9_-]{1,69}[A-Za-z0-9]$", var.name))
    error_message = "name must be 3-71 letters, digits, '-' or '_', starting with a letter, without .fifo (for example \"swy-dev-audit\"; set fifo = {} for a FIFO queue)."
  }
}

variable "fifo" {
  description = <<-EOT
    null: a standard queue. An object: a FIFO queue and a FIFO DLQ. content_based_deduplication
    = true lets SQS derive the deduplication id from the body; false (the default) makes
    senders pass MessageDeduplicationId. high_throughput = true sets (on the queue and its DLQ) both
    deduplication_scope = "messageGroup" and fifo_throughput_limit = "perMessageGroupId".
  EOT
  type = object({
    content_based_deduplication = optional(bool, false)
    high_throughput             = optional(bool, false)
  })
  default = null
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the queue. Null: 6x consumer.timeout (AWS's guidance for Lambda sources), or 30 s without a consumer."
  type        = number
  default     = null

  validation {
    condition     = var.visibility_timeout_seconds == null || try(var.visibility_timeout_seconds >= 0 && var.visibility_timeout_seconds <= 43200, false)
    error_message = "visibility_timeout_seconds must be 0-43200 (12 hours), or null for 6x the consumer's timeout."
  }

  validation {
    condition     = var.visibility_timeout_seconds == null || var.consumer == null || try(var.visibility_timeout_seconds >= 6 * var.consumer.timeout, false)
    error_message = "visibility_timeout_seconds must be at least 6x consumer.timeout, or null to have it computed."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message."
  type        = number
  default     = 345600 # 4 days

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be 60-1209600 (1 minute to 14 days)."
  }
}

variable "dlq_message_retention_seconds" {
  description = "How long the DLQ keeps a message. Must exceed message_retention_seconds: on standard queues a dead-lettered message keeps its original enqueue time, so a DLQ with the same retention would drop it at once."
  type        = number
  default     = 1209600 # 14 days, the maximum: time to inspect and redrive

  validation {
    condition     = var.dlq_message_retention_seconds > var.message_retention_seconds && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be greater than message_retention_seconds and at most 1209600 (14 days): lower message_retention_seconds or raise dlq_message_retention_seconds (the default 1209600 with the default 345600 works)."
  }
}

variable "max_receive_count" {
  description = "Receives before SQS moves a message to the DLQ."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number 1-1000."
  }
}

variable "kms_master_key_id" {
  description = "ARN of a customer-managed KMS key for both queues (needed when SNS or EventBridge sends: they cannot use alias/aws/sqs). Null: SQS-managed encryption (SSE-SQS)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_master_key_id == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.kms_master_key_id))
    error_message = "kms_master_key_id must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id, or null for SSE-SQS."
  }
}

variable "senders" {
  description = <<-EOT
    Who may sqs:SendMessage to the queue; the policy allows nobody else and denies non-TLS
    access. services: a service principal with the ARNs of the resources that send through it
    (aws:SourceArn), for example { principal = "sns.amazonaws.com", source_arns = [topic] }.
    principal_arns: IAM roles (or an account root, arn:aws:iam::<id>:root, for "any principal
    of that account whose own policy allows it").
  EOT
  type = object({
    services = optional(list(object({
      principal   = string
      source_arns = list(string)
    })), [])
    principal_arns = optional(list(string), [])
  })

  validation {
    condition     = length(var.senders.services) + length(var.senders.principal_arns) >= 1
    error_message = "senders must name at least one sender, for example { principal_arns = [\"arn:aws:iam::111111111111:role/producer\"] } or { services = [{ principal = \"sns.amazonaws.com\", source_arns = [\"arn:aws:sns:eu-west-1:111111111111:topic\"] }] }."
  }

  validation {
    condition     = alltrue([for s in var.senders.services : endswith(s.principal, ".amazonaws.com") && length(s.source_arns) >= 1 && alltrue([for a in s.source_arns : startswith(a, "arn:")])])
    error_message = "senders.services entries need a service principal ending in .amazonaws.com and at least one source ARN (aws:SourceArn), for example { principal = \"events.amazonaws.com\", source_arns = [\"arn:aws:events:eu-west-1:111111111111:rule/bus/rule\"] }."
  }

  validation {
    condition     = alltrue([for a in var.senders.principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role/.+|root)$", a))])
    error_message = "senders.principal_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>) or an account root (arn:aws:iam::<account>:root)."
  }
}

variable "dlq_senders" {
  description = "Who else may sqs:SendMessage to the DLQ (for example SNS for a subscription's redrive policy, or EventBridge for a target DLQ), same shape as senders. The consumer's role is added when consumer.park_in_dlq is true; SQS's own redrive needs no grant."
  type = object({
    services = optional(list(object({
      principal   = string
      source_arns = list(string)
    })), [])
    principal_arns = optional(list(string), [])
  })
  default = {}

  validation {
    condition     = alltrue([for s in var.dlq_senders.services : endswith(s.principal, ".amazonaws.com") && length(s.source_arns) >= 1 && alltrue([for a in s.source_arns : startswith(a, "arn:")])])
    error_message = "dlq_senders.services entries need a service principal ending in .amazonaws.com and at least one source ARN (aws:SourceArn)."
  }

  validation {
    condition     = alltrue([for a in var.dlq_senders.principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role/.+|root)$", a))])
    error_message = "dlq_senders.principal_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>) or an account root (arn:aws:iam::<account>:root)."
  }
}

variable "consumer" {
  description = <<-EOT
    The Lambda function that drains the queue (create it with ../lambda-function), or null for
    a queue without a mapping (an on-failure destination, a rule target's DLQ). The module adds
    the event source mapping (ReportBatchItemFailures) and grants the function's role exactly
    what the mapping needs on this queue (and kms:Decrypt on the CMK), plus sqs:SendMessage on
    the DLQ when park_in_dlq is true, so it can park a message that can never succeed.
    filter_patterns: up to 5 JSON event filter patterns (jsonencode them).
  EOT
  type = object({
    function_arn                       = string
    role_name                          = string
    timeout                            = number
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number)
    maximum_concurrency                = optional(number, 2)
    filter_patterns                    = optional(list(string), [])
    park_in_dlq                        = optional(bool, true)
  })
  default = null

  validation {
    condition     = var.consumer == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.consumer.function_arn))
    error_message = "consumer.function_arn must be an unqualified Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), for example module.fn.function_arn."
  }

  validation {
    condition     = var.consumer == null || try(var.consumer.timeout >= 1 && var.consumer.timeout <= 900, false)
    error_message = "consumer.timeout must be the function's timeout, 1-900 seconds (the queue's visibility timeout defaults to 6x it)."
  }

  validation {
    condition     = var.consumer == null || try(var.consumer.maximum_concurrency >= 2 && var.consumer.maximum_concurrency <= 1000, false)
    error_message = "consumer.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.consumer == null || var.fifo != null || try(var.consumer.batch_size >= 1 && var.consumer.batch_size <= 10000 && (var.consumer.batch_size <= 10 || coalesce(var.consumer.maximum_batching_window_in_seconds, 1) >= 1), false)
    error_message = "consumer.batch_size must be 1-10000, and above 10 Lambda requires maximum_batching_window_in_seconds >= 1."
  }

  validation {
    condition     = var.consumer == null || var.fifo == null || try(var.consumer.batch_size >= 1 && var.consumer.batch_size <= 10, false)
    error_message = "consumer.batch_size must be 1-10 on a FIFO queue (Lambda's limit for FIFO sources)."
  }

  validation {
    condition     = var.consumer == null || var.fifo == null || try(var.consumer.maximum_batching_window_in_seconds == null, false)
    error_message = "consumer.maximum_batching_window_in_seconds is not allowed on a FIFO queue: remove it (Lambda does not batch FIFO sources by time)."
  }

  validation {
    condition     = var.consumer == null || try(coalesce(var.consumer.maximum_batching_window_in_seconds, 1) >= 0 && coalesce(var.consumer.maximum_batching_window_in_seconds, 1) <= 300, false)
    error_message = "consumer.maximum_batching_window_in_seconds must be 0-300, or left out (1 s on standard queues)."
  }

  validation {
    condition     = var.consumer == null || try(length(var.consumer.filter_patterns) <= 5 && alltrue([for p in var.consumer.filter_patterns : can(keys(jsondecode(p))) && length(p) <= 4096]), false)
    error_message = "consumer.filter_patterns: at most 5 patterns, each a JSON object of at most 4096 characters, for example [jsonencode({ body = { plan = [\"pro\"] } })]."
  }
}

variable "oldest_message_age_alarm_seconds" {
  description = "Alarm when the oldest message has waited longer than this (the consumer is not keeping up, or there is none)."
  type        = number
  default     = 300

  validation {
    condition     = var.oldest_message_age_alarm_seconds >= 60 && var.oldest_message_age_alarm_seconds < var.message_retention_seconds
    error_message = "oldest_message_age_alarm_seconds must be at least 60 and below message_retention_seconds (the alarm must fire before messages expire)."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified when an alarm fires or recovers. Empty: alarms still show in the console."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
