# Internal to ../../ (pubsub-fanout): the parent validates every value (its subscribers variable),
# so these only carry types.

variable "name" {
  description = "<topic name>-<subscriber key>: names the queue, the DLQ, the function and its role."
  type        = string
}

variable "topic_arn" {
  description = "ARN of the fan-out topic: the only service source allowed to send to the queue and the DLQ."
  type        = string
}

variable "kms_key_arn" {
  description = "The topic's CMK, which encrypts the queue and the DLQ."
  type        = string
}

variable "function" {
  description = "The consumer function, as ../../../lambda-function takes it (sizes already resolved against the parent's function_defaults)."
  type = object({
    description           = string
    handler               = string
    package_path          = string
    architecture          = string
    memory_size           = number
    timeout               = number
    log_retention_days    = number
    kms_key_arn           = string
    layer_arns            = list(string)
    reserved_concurrency  = optional(number)
    environment_variables = map(string)
    policy_statements = map(object({
      actions   = list(string)
      resources = list(string)
      conditions = optional(list(object({
        test     = string
        variable = string
        values   = list(string)
      })), [])
    }))
    permissions_boundary_arn = optional(string)
  })
}

variable "queue" {
  description = "The queue's retention and redrive, and the event source mapping's batching and concurrency."
  type = object({
    message_retention_seconds          = number
    max_receive_count                  = number
    batch_size                         = number
    maximum_batching_window_in_seconds = number
    maximum_concurrency                = number
  })
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified by the queue's and the consumer's alarms."
  type        = list(string)
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
}
