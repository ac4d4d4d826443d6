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
    architecture       = optional(string, "arm64")
    memory_size        = optional(number, 256)
    timeout            = optional(number, 30)
    log_retention_days = optional(number, 30)
  })
  default = {}
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per function short name (modules/platform reserved_concurrency)."
  type        = map(number)
  default     = {}
}

variable "audit" {
  description = "Audit workload sizing (modules/platform audit)."
  type = object({
    batch_size          = optional(number, 10)
    maximum_concurrency = optional(number, 2)
    max_receive_count   = optional(number, 5)
  })
  default = {}
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified by the platform's alarms in this environment."
  type        = list(string)
  default     = []
}
