variable "name" {
  description = "Name of the table; the on-failure queue is <name>-on-failure and the alarms start with <name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,58}[a-z0-9]$", var.name))
    error_message = "name must be 3-60 lowercase letters, digits or '-', starting with a letter (for example \"swy-dev-bans\")."
  }
}

variable "hash_key" {
  description = "Partition key of the schedule table: attribute name and type (S, N or B; default S)."
  type = object({
    name = string
    type = optional(string, "S")
  })
  nullable = false
}

variable "range_key" {
  description = "Sort key, or null (the default) for a table keyed by the partition key alone."
  type = object({
    name = string
    type = optional(string, "S")
  })
  default = null
}

variable "ttl_attribute" {
  description = "Attribute holding each item's due time (epoch seconds, a Number). DynamoDB deletes the item some time after it (typically within a few days), and the REMOVE record wakes the handler."
  type        = string
  default     = "expiresAt"
  nullable    = false

  validation {
    condition     = length(var.ttl_attribute) >= 1 && length(var.ttl_attribute) <= 255
    error_message = "ttl_attribute must be 1-255 characters, for example \"expiresAt\"."
  }
}

variable "stream_view_type" {
  description = "What a REMOVE record carries: OLD_IMAGE (the deleted item, the default) or NEW_AND_OLD_IMAGES. KEYS_ONLY and NEW_IMAGE carry no deleted item, so the handler would not know what was due."
  type        = string
  default     = "OLD_IMAGE"
  nullable    = false

  validation {
    condition     = contains(["OLD_IMAGE", "NEW_AND_OLD_IMAGES"], var.stream_view_type)
    error_message = "stream_view_type must be \"OLD_IMAGE\" or \"NEW_AND_OLD_IMAGES\": a TTL REMOVE record needs the old image to say what expired."
  }
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on demand, the default) or PROVISIONED with capacity in `provisioned`."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false
}

variable "provisioned" {
  description = "Read and write capacity, only with billing_mode = \"PROVISIONED\"."
  type = object({
    read  = number
    write = number
  })
  default = null
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key ARN for the table and its stream. The handler's role gets kms:Decrypt on it (through DynamoDB only) to read the stream."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id."
  }
}

variable "data_protection" {
  description = "Point-in-time recovery and deletion protection of the table, both on by default. Turn them off only in a sandbox."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "handler" {
  description = <<-EOT
    The function that acts when an item expires (create it with ../lambda-function). The module
    maps the stream to it with the TTL-deletes-only filter, TRIM_HORIZON, bisect on error,
    ReportBatchItemFailures and an on-failure destination, and grants its role exactly the stream
    reads, the table key's kms:Decrypt and sqs:SendMessage on the on-failure queue.
    maximum_retry_attempts and maximum_record_age_in_seconds default to infinite (-1) in AWS, which
    lets one poison record stop the shard for the stream's 24 hours: here they are always bounded.
  EOT
  type = object({
    function_arn                  = string
    role_name                     = string
    batch_size                    = optional(number, 100)
    maximum_retry_attempts        = optional(number, 3)
    maximum_record_age_in_seconds = optional(number, 21600)
    parallelization_factor        = optional(number, 1)
  })
  nullable = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+$", var.handler.function_arn))
    error_message = "handler.function_arn must be an unqualified Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), for example module.fn.function_arn."
  }

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.handler.role_name))
    error_message = "handler.role_name must be the name (not the ARN) of the function's execution role, for example module.fn.role_name."
  }

  validation {
    condition     = var.handler.batch_size >= 1 && var.handler.batch_size <= 10000 && floor(var.handler.batch_size) == var.handler.batch_size
    error_message = "handler.batch_size must be a whole number 1-10000 (Lambda's range for DynamoDB streams)."
  }

  validation {
    condition     = var.handler.maximum_retry_attempts >= 0 && var.handler.maximum_retry_attempts <= 10000 && floor(var.handler.maximum_retry_attempts) == var.handler.maximum_retry_attempts
    error_message = "handler.maximum_retry_attempts must be a whole number 0-10000. -1 (infinite, AWS's default) is refused: a poison record would block its shard until the stream drops it after 24 hours."
  }

  validation {
    condition     = var.handler.maximum_record_age_in_seconds >= 60 && var.handler.maximum_record_age_in_seconds <= 86400
    error_message = "handler.maximum_record_age_in_seconds must be 60-86400 (the stream keeps records 24 hours). -1 (infinite, AWS's default) is refused: records would be retried until the stream drops them, without reaching the on-failure destination."
  }

  validation {
    condition     = var.handler.parallelization_factor >= 1 && var.handler.parallelization_factor <= 10 && floor(var.handler.parallelization_factor) == var.handler.parallelization_factor
    error_message = "handler.parallelization_factor must be a whole number 1-10 (concurrent batches per shard; order holds per partition key)."
  }
}

variable "on_failure" {
  description = "The on-failure SQS queue (../sqs-queue, with its own DLQ): Lambda sends it one invocation record per discarded batch (shard, first and last sequence number, batch size; not the records themselves: read them from the stream within 24 hours). kms_master_key_id null: SSE-SQS. message_retention_seconds: 60-1209599 (below the DLQ's 14 days; default 4 days)."
  type = object({
    kms_master_key_id         = optional(string)
    message_retention_seconds = optional(number, 345600)
    depth_alarm_threshold     = optional(number, 0)
  })
  default  = {}
  nullable = false

  validation {
    condition     = var.on_failure.message_retention_seconds >= 60 && var.on_failure.message_retention_seconds < 1209600
    error_message = "on_failure.message_retention_seconds must be 60-1209599 (the queue's DLQ keeps 14 days, and must keep longer)."
  }

  validation {
    condition     = var.on_failure.depth_alarm_threshold >= 0 && floor(var.on_failure.depth_alarm_threshold) == var.on_failure.depth_alarm_threshold
    error_message = "on_failure.depth_alarm_threshold must be a whole number >= 0 (alarm when more messages than this wait; 0: any)."
  }
}

variable "iterator_age_alarm_seconds" {
  description = "Alarm when the handler's IteratorAge (how old the newest record of a batch was when it was read) exceeds this: the handler is falling behind, or is stuck retrying a batch."
  type        = number
  default     = 900

  validation {
    condition     = var.iterator_age_alarm_seconds >= 60 && var.iterator_age_alarm_seconds < 86400
    error_message = "iterator_age_alarm_seconds must be 60-86399: the alarm must fire well before the stream's 24-hour retention drops records."
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
