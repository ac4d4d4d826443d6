variable "account_ids" {
  description = "Simulated account to deploy each sandbox platform into. Each must equal the registry's account id for sandbox-<key>, or the provider refuses to plan (that guard is what tests/e2e proves)."
  type = object({
    dev  = string
    prod = string
  })

  validation {
    condition     = alltrue([for id in values(var.account_ids) : can(regex("^[0-9]{12}$", id))])
    error_message = "account_ids values must be 12-digit AWS account ids, for example \"111111111111\"."
  }
}

variable "workloads" {
  description = "Workload sizing per simulated account (dev, prod): the objects the real roots pass to modules/platform (reserved_concurrency, audit, voting, registration; its README lists the fields). A field left out takes the platform's default."
  type = map(object({
    reserved_concurrency = optional(map(number), {})
    audit = optional(object({
      batch_size          = optional(number)
      maximum_concurrency = optional(number)
      max_receive_count   = optional(number)
    }), {})
    voting = optional(object({
      access_control                     = optional(string)
      batch_size                         = optional(number)
      maximum_batching_window_in_seconds = optional(number)
      maximum_concurrency                = optional(number)
      max_receive_count                  = optional(number)
      message_retention_seconds          = optional(number)
      oldest_message_age_alarm_seconds   = optional(number)
      usage_plan_quota                   = optional(number)
      caller_principal_arns              = optional(list(string))
      throttling = optional(object({
        rate_limit  = optional(number)
        burst_limit = optional(number)
      }))
    }), {})
    registration = optional(object({
      batch_size          = optional(number)
      maximum_concurrency = optional(number)
      max_receive_count   = optional(number)
      consumer_timeout    = optional(number)
      consumers = optional(map(object({
        batch_size          = optional(number)
        maximum_concurrency = optional(number)
        max_receive_count   = optional(number)
        timeout             = optional(number)
        memory_size         = optional(number)
      })))
    }), {})
  }))
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.workloads) : contains(["dev", "prod"], k)])
    error_message = "workloads keys must be simulated accounts: dev, prod (unknown: ${join(", ", sort(setsubtract(keys(var.workloads), ["dev", "prod"])))})."
  }
}

variable "webhook_receiver_url" {
  description = "Where the sandbox's partner webhooks go: a receiver on 127.0.0.1 (the e2e tests start one and set TF_VAR_webhook_receiver_url). The default port answers nothing; deliveries there are dropped."
  type        = string
  default     = "http://127.0.0.1:9"

  validation {
    condition     = can(regex("^http://127\\.0\\.0\\.1:[0-9]{1,5}$", var.webhook_receiver_url))
    error_message = "webhook_receiver_url must be http://127.0.0.1:<port> (a local receiver), without a trailing slash."
  }
}
