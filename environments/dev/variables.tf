variable "environment" {
  description = "Key of this root's account in environments/accounts.json (dev, staging or prod)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be \"dev\", \"staging\" or \"prod\"; simulated accounts live in environments/sandbox."
  }

  validation {
    condition     = try(jsondecode(file("${path.module}/../accounts.json")).environments[var.environment].emulated == false, false)
    error_message = "environments/accounts.json needs a real (\"emulated\": false) entry for this environment; see README: adding an account."
  }
}

variable "cost_center" {
  description = "Cost center tag on every resource (provider default_tags)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:/=+@-]{1,128}$", var.cost_center))
    error_message = "cost_center must be 1-128 characters usable in an AWS tag value, for example \"cc-1234\"."
  }
}

variable "assume_deploy_role" {
  description = "Assume the registry's deploy role. tools/envctl.py sets false when the caller already holds switchyard-plan or switchyard-deploy in this account (GitHub Actions via OIDC)."
  type        = bool
  default     = true
}

variable "lambda_defaults" {
  description = "Function sizing for this environment (modules/platform lambda_defaults)."
  type = object({
    architecture       = optional(string)
    memory_size        = optional(number)
    timeout            = optional(number)
    log_retention_days = optional(number)
  })
  default = {}
}

# Workload sizing. Each object mirrors the modules/platform variable of the same name (its
# README lists every field and default); a field left out here takes the platform's default,
# so the defaults live in one place. Unknown keys of the maps keyed by function or consumer
# fail the platform's validation with the list of valid keys. Object types drop misspelled
# attribute names without a word (hashicorp/terraform#29204): copy names from the README.

variable "reserved_concurrency" {
  description = "Reserved concurrency per function (modules/platform reserved_concurrency): audit, voting, registration_api, registration_analytics, registration_mailing, registration_onboarding, registration_sales_lead, ledger_processor, ledger_consumer."
  type        = map(number)
  default     = {}
}

variable "audit" {
  description = "Audit workload sizing (modules/platform audit)."
  type = object({
    batch_size          = optional(number)
    maximum_concurrency = optional(number)
    max_receive_count   = optional(number)
  })
  default = {}
}

variable "voting" {
  description = "Voting workload: API access, throttling and quota, queue and mapping sizing (modules/platform voting)."
  type = object({
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
  })
  default = {}
}

variable "registration" {
  description = "Registration workload: sizing for every consumer, and per consumer (analytics, mailing, onboarding, sales-lead) overrides (modules/platform registration)."
  type = object({
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
  })
  default = {}
}

variable "ledger" {
  description = "Order-ledger workload (modules/platform ledger): off unless enabled; intake groups, high-throughput FIFO, sizing."
  type = object({
    enabled                  = optional(bool)
    intake_groups            = optional(number)
    high_throughput          = optional(bool)
    maximum_concurrency      = optional(number)
    max_receive_count        = optional(number)
    intake_max_receive_count = optional(number)
    consumer_timeout         = optional(number)
  })
  default = {}
}

variable "webhooks" {
  description = "Partner webhooks (modules/platform webhooks): https endpoints of the CRM and the trust-and-safety API, each partner's secret from an existing Secrets Manager secret (secret_arn, preferred) or webhook_credentials. Null: no webhooks."
  type = object({
    crm = object({
      endpoint                         = string
      api_key_header                   = optional(string)
      secret_arn                       = optional(string)
      invocation_rate_limit_per_second = optional(number)
    })
    trust_and_safety = object({
      endpoint                         = string
      username                         = string
      secret_arn                       = optional(string)
      invocation_rate_limit_per_second = optional(number)
    })
    retry_policy = optional(object({
      maximum_retry_attempts       = optional(number)
      maximum_event_age_in_seconds = optional(number)
    }))
    archive_retention_days = optional(number)
  })
  default = null
}

variable "webhook_credentials" {
  description = "Webhook partner secrets when no secret_arn is given (crm_api_key, trust_and_safety_password): pass them as TF_VAR_webhook_credentials from the CI secret store, never in a tfvars file; they end up in encrypted state."
  type = object({
    crm_api_key               = optional(string)
    trust_and_safety_password = optional(string)
  })
  default   = {}
  sensitive = true
}

variable "alarm_topic" {
  description = "Where the platform's alarms go: by default a topic <prefix>-alarms created in this account (encrypted, TLS-only) with these subscriptions (email or https), or an existing on-call topic (existing_topic_arn). modules/platform's README has the rules."
  type = object({
    existing_topic_arn = optional(string)
    subscriptions = optional(list(object({
      protocol = string
      endpoint = string
    })), [])
  })
  default = {}
}

variable "dlq_operator_role_arns" {
  description = "IAM roles of the on-call operators who read and redrive the registration DLQs (they may decrypt dead letters through SQS only)."
  type        = list(string)
  default     = []
}
