# Two partners on a custom bus with an archive: a CRM (API key, payload reshaped to a contact,
# Idempotency-Key from the event's id) and a ticketing API (basic auth, password read from an
# existing Secrets Manager secret). `make policy` validates this example.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

variable "crm_api_key" {
  description = "The CRM's API key: set TF_VAR_crm_api_key from a secret store, never a tfvars file (without it the module refuses to plan)."
  type        = string
  default     = null
  sensitive   = true
}

variable "tickets_secret_arn" {
  description = "Existing secret holding the ticketing API's password as {\"password\": \"...\"}."
  type        = string
  default     = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:example-tickets-AbCdEf"
}

variable "alarm_topic_arn" {
  description = "SNS topic for alarms."
  type        = string
  default     = "arn:aws:sns:eu-west-1:111111111111:example-alarms"
}

module "webhooks" {
  source = "../../"

  name = "example-webhooks"
  bus  = { name = "example-webhooks", archive_retention_days = 14 }

  destinations = {
    crm = {
      endpoint                         = "https://crm.example.com/v1/contacts"
      invocation_rate_limit_per_second = 20
      event_pattern = jsonencode({
        "detail-type" = ["UserRegistered"]
        detail        = { eventVersion = [1], eventDetails = { plan = ["pro"] } }
      })
      auth = { type = "API_KEY", api_key_name = "X-Api-Key" }
      input_transformer = {
        input_paths = {
          userId = "$.detail.eventDetails.userId"
          email  = "$.detail.eventDetails.email"
          name   = "$.detail.eventDetails.displayName"
        }
        input_template = "{\"externalId\": \"<userId>\", \"email\": \"<email>\", \"name\": \"<name>\", \"lifecycleStage\": \"customer\"}"
      }
      header_parameters = { "Idempotency-Key" = "$.detail.eventId" }
      retry_policy      = { maximum_retry_attempts = 24, maximum_event_age_in_seconds = 7200 }
    }
    tickets = {
      endpoint                         = "https://tickets.example.com/api/v2/tickets"
      invocation_rate_limit_per_second = 5
      event_pattern                    = jsonencode({ "detail-type" = ["AccountDeactivationRequested"] })
      auth                             = { type = "BASIC", username = "switchyard", secret_arn = var.tickets_secret_arn }
    }
  }
  credentials   = { crm = { value = var.crm_api_key } }
  alarm_actions = [var.alarm_topic_arn]
  tags          = { example = "complete" }
}

output "bus_name" {
  description = "Producers put events here."
  value       = module.webhooks.bus_name
}
