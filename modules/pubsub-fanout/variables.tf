variable "name" {
  description = "Name of the topic; subscriber queues, DLQs and functions are named <name>-<subscriber key>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or '-', starting with a letter (for example \"swy-dev-registration\")."
  }
}

variable "subscribers" {
  description = <<-EOT
    One entry per independent consumer: the key names its queue, DLQ and function. The module
    creates the consumer function (via ../lambda-function) from handler + package_path, so it
    can grant that function's own role exactly the queue, DLQ and key permissions it needs.
    filter_policy is a JSON object (jsonencode it); filter_policy_scope says whether it matches
    the message attributes (default) or the message body.
  EOT
  type = map(object({
    handler               = string
    package_path          = string
    description           = optional(string, "")
    environment_variables = optional(map(string), {})
    policy_statements = optional(map(object({
      actions   = list(string)
      resources = list(string)
      conditions = optional(list(object({
        test     = string
        variable = string
        values   = list(string)
      })), [])
    })), {})
    filter_policy                      = optional(string)
    filter_policy_scope                = optional(string, "MessageAttributes")
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 1)
    maximum_concurrency                = optional(number, 2)
    max_receive_count                  = optional(number, 5)
    timeout                            = optional(number)
    memory_size                        = optional(number)
    reserved_concurrency               = optional(number)
  }))

  validation {
    condition     = length(var.subscribers) >= 1
    error_message = "subscribers needs at least one entry, for example { mailing = { handler = \"mailing.handler.lambda_handler\", package_path = \"build/lambdas/mailing.zip\" } }."
  }

  validation {
    condition     = alltrue([for k in keys(var.subscribers) : can(regex("^[a-z][a-z0-9-]{0,16}[a-z0-9]$", k))])
    error_message = "subscribers keys name queues and functions: use 2-18 lowercase letters, digits or '-', starting with a letter (for example \"sales-lead\")."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : can(regex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$", s.handler))])
    error_message = "subscribers[*].handler must be a dotted Python path such as \"registration_mailing.handler.lambda_handler\"."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : endswith(s.package_path, ".zip")])
    error_message = "subscribers[*].package_path must point at a .zip built by `make package-lambdas`, for example \"build/lambdas/registration_mailing.zip\"."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : s.filter_policy == null || can(keys(jsondecode(s.filter_policy)))])
    error_message = "subscribers[*].filter_policy must be a JSON object, for example jsonencode({ plan = [\"pro\"] }); leave it out to receive every message."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : contains(["MessageAttributes", "MessageBody"], s.filter_policy_scope)])
    error_message = "subscribers[*].filter_policy_scope must be \"MessageAttributes\" (match the publisher's message attributes) or \"MessageBody\" (match fields of the JSON body)."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : s.batch_size >= 1 && s.batch_size <= 10000 && (s.batch_size <= 10 || s.maximum_batching_window_in_seconds >= 1)])
    error_message = "subscribers[*].batch_size must be 1-10000, and above 10 Lambda requires maximum_batching_window_in_seconds >= 1."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : s.maximum_batching_window_in_seconds >= 0 && s.maximum_batching_window_in_seconds <= 300])
    error_message = "subscribers[*].maximum_batching_window_in_seconds must be 0-300."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : s.maximum_concurrency >= 2 && s.maximum_concurrency <= 1000])
    error_message = "subscribers[*].maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : s.max_receive_count >= 1 && s.max_receive_count <= 1000])
    error_message = "subscribers[*].max_receive_count must be 1-1000 (receives before SQS moves a message to the subscriber's DLQ)."
  }

  validation {
    condition     = alltrue([for s in values(var.subscribers) : s.timeout == null || try(s.timeout >= 1 && s.timeout <= 900, false)])
    error_message = "subscribers[*].timeout must be 1-900 seconds, or left out to use function_defaults.timeout."
  }

  validation {
    condition     = alltrue(flatten([for s in values(var.subscribers) : [for k in keys(s.environment_variables) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", k)) && !startswith(k, "AWS_") && k != "DEAD_LETTER_QUEUE_URL"]]))
    error_message = "subscribers[*].environment_variables: names are letters, digits and '_', may not start with AWS_ (reserved by Lambda), and DEAD_LETTER_QUEUE_URL is set by the module."
  }
}

variable "function_kms_key_arn" {
  description = "Customer-managed key for the consumer functions' log groups and environment variables (for example the platform key). Its policy must admit logs.<region>.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.function_kms_key_arn))
    error_message = "function_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id."
  }
}

variable "layer_arns" {
  description = "Layer version ARNs for every consumer function (for example the shared Switchyard layer)."
  type        = list(string)
  default     = []
}

variable "function_defaults" {
  description = "Sizing for the consumer functions; a subscriber's own timeout/memory_size wins."
  type = object({
    architecture       = optional(string, "arm64")
    memory_size        = optional(number, 256)
    timeout            = optional(number, 30)
    log_retention_days = optional(number, 30)
  })
  default = {}
}

variable "publisher_role_arns" {
  description = "IAM roles that publish to the topic. The topic's key admits them (kms:GenerateDataKey/Decrypt through SNS only); give them sns:Publish on topic_arn and the same kms actions on kms_key_arn in their own policies."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.publisher_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", arn))])
    error_message = "publisher_role_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "dlq_operator_role_arns" {
  description = "IAM roles of operators who read and redrive the DLQs; the key lets them decrypt through SQS only. Empty: nobody but the consumers can read messages."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.dlq_operator_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/", arn))])
    error_message = "dlq_operator_role_arns must be IAM role ARNs (arn:aws:iam::<account>:role/<name>)."
  }
}

variable "message_retention_seconds" {
  description = "How long subscriber queues keep a message (DLQs keep 14 days, the maximum)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be 60-1209600 (1 minute to 14 days)."
  }
}

variable "key_deletion_window_in_days" {
  description = "Waiting period before the topic key is deleted after a destroy (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.key_deletion_window_in_days >= 7 && var.key_deletion_window_in_days <= 30
    error_message = "key_deletion_window_in_days must be 7-30."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified when a DLQ depth alarm fires."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "ARN of the permissions boundary the consumer roles must carry (the account baseline's <prefix>-boundary; its deploy role may create roles only with it). Null: no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as \"arn:aws:iam::123456789012:policy/switchyard-boundary\" (the account baseline's permissions_boundary_arn output), or null."
  }
}
