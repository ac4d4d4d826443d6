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
