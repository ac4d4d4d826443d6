variable "name_prefix" {
  description = "Prefix of every resource name, for example \"swy-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-22 lowercase letters, digits or '-', starting with a letter (for example \"swy-dev\")."
  }
}

variable "environment" {
  description = "Environment this platform instance serves."
  type        = string

  validation {
    condition     = contains(["sandbox", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of \"sandbox\", \"dev\", \"staging\", \"prod\"."
  }
}

variable "artifacts_dir" {
  description = "Folder that `make package-lambdas` fills: lambdas/<function>.zip and layers/shared.zip."
  type        = string
}

variable "lambda_defaults" {
  description = "Sizing shared by every function of the platform."
  type = object({
    architecture       = optional(string, "x86_64")
    memory_size        = optional(number, 256)
    timeout            = optional(number, 30)
    log_retention_days = optional(number, 30)
  })
  default = {}

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_defaults.architecture)
    error_message = "lambda_defaults.architecture must be \"x86_64\" or \"arm64\" (and match LAMBDA_ARCHITECTURE at packaging)."
  }
}

variable "data_protection" {
  description = "DynamoDB safety nets. Keep both on outside the sandbox; the sandbox switches them off so it can be destroyed."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool, true)
  })
  default = {}

  validation {
    condition     = var.environment == "sandbox" || (var.data_protection.point_in_time_recovery && var.data_protection.deletion_protection)
    error_message = "data_protection: point_in_time_recovery and deletion_protection may be false only when environment = \"sandbox\"; remove the override for dev/staging/prod."
  }
}

variable "audit" {
  description = "Audit workload: an SQS queue of envelope events drained into the audit log table."
  type = object({
    batch_size          = optional(number, 10)
    maximum_concurrency = optional(number, 2)
    max_receive_count   = optional(number, 5)
  })
  default = {}

  validation {
    condition     = var.audit.maximum_concurrency >= 2 && var.audit.maximum_concurrency <= 1000
    error_message = "audit.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.audit.batch_size >= 1 && var.audit.batch_size <= 10000
    error_message = "audit.batch_size must be 1-10000."
  }

  validation {
    condition     = var.audit.max_receive_count >= 1 && var.audit.max_receive_count <= 1000
    error_message = "audit.max_receive_count must be 1-1000."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified when an alarm fires (for example an on-call topic). Empty: alarms still show in the console."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource (environment roots also set provider default_tags)."
  type        = map(string)
  default     = {}
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per function short name (for example { audit = 10 }), sized per environment. Unlisted functions share the account's unreserved pool. Keep it >= the workload's maximum_concurrency."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for n in values(var.reserved_concurrency) : n >= 0 && floor(n) == n])
    error_message = "reserved_concurrency values must be whole numbers >= 0 (0 stops the function)."
  }
}

variable "voting" {
  description = "Voting workload: the API's access control and throttling, and how the queue is drained (see modules/queue-load-leveling)."
  type = object({
    access_control      = optional(string, "api_key")
    batch_size          = optional(number, 10)
    maximum_concurrency = optional(number, 5)
    max_receive_count   = optional(number, 5)
    throttling = optional(object({
      rate_limit  = optional(number, 100)
      burst_limit = optional(number, 200)
    }), {})
  })
  default = {}

  validation {
    condition     = var.voting.maximum_concurrency >= 2 && var.voting.maximum_concurrency <= 1000
    error_message = "voting.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = contains(["api_key", "iam"], var.voting.access_control)
    error_message = "voting.access_control must be \"api_key\" or \"iam\"."
  }
}

variable "registration" {
  description = "Registration workload: UserRegistered fanned out over SNS to analytics, mailing, onboarding and sales-lead consumers."
  type = object({
    batch_size          = optional(number, 10)
    maximum_concurrency = optional(number, 2)
    max_receive_count   = optional(number, 5)
    consumer_timeout    = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.registration.maximum_concurrency >= 2 && var.registration.maximum_concurrency <= 1000
    error_message = "registration.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.registration.batch_size >= 1 && var.registration.batch_size <= 10
    error_message = "registration.batch_size must be 1-10 (the consumers use no batching window beyond 1 s)."
  }

  validation {
    condition     = var.registration.max_receive_count >= 1 && var.registration.max_receive_count <= 1000
    error_message = "registration.max_receive_count must be 1-1000."
  }

  validation {
    condition     = var.registration.consumer_timeout >= 3 && var.registration.consumer_timeout <= 900
    error_message = "registration.consumer_timeout must be 3-900 seconds (queues get 6x this as visibility timeout)."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of the permissions boundary every role the platform creates must carry (the account baseline's <prefix>-boundary; its deploy role may create roles only with it). Null: no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as \"arn:aws:iam::123456789012:policy/switchyard-boundary\" (the account baseline's permissions_boundary_arn output), or null."
  }
}

variable "ledger" {
  description = "Order-ledger workload (modules/sequential-convoy): transactions through an intake FIFO queue, appended to an immutable ledger, applied per order in seq order. Off unless enabled."
  type = object({
    enabled             = optional(bool, false)
    intake_groups       = optional(number, 1)
    high_throughput     = optional(bool, false)
    maximum_concurrency = optional(number, 10)
    max_receive_count   = optional(number, 5)
    consumer_timeout    = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.ledger.intake_groups >= 1 && var.ledger.intake_groups <= 100 && floor(var.ledger.intake_groups) == var.ledger.intake_groups
    error_message = "ledger.intake_groups must be a whole number 1-100 (1: one constant intake group, total order; N: hashed by orderId)."
  }

  validation {
    condition     = var.ledger.maximum_concurrency >= 2 && var.ledger.maximum_concurrency <= 1000
    error_message = "ledger.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.ledger.max_receive_count >= 1 && var.ledger.max_receive_count <= 1000 && floor(var.ledger.max_receive_count) == var.ledger.max_receive_count
    error_message = "ledger.max_receive_count must be a whole number 1-1000 (how many receives an order waits for a missing seq before its messages are parked in order)."
  }

  validation {
    condition     = var.ledger.consumer_timeout >= 3 && var.ledger.consumer_timeout <= 900
    error_message = "ledger.consumer_timeout must be 3-900 seconds (the queues get 6x this as visibility timeout)."
  }
}
