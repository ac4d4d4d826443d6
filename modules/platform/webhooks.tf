# Partner webhooks: domain events on the platform's webhooks bus reach partner HTTP APIs
# through EventBridge API destinations (../api-destinations), with no Lambda in between.
# Producers put the Switchyard envelope as the event's detail: Source = eventSource,
# DetailType = eventType. Pro users' UserRegistered goes to the CRM as a contact; the banning
# workload's AccountDeactivationRequested goes to trust-and-safety as a ticket. Both send the
# envelope's eventId as Idempotency-Key, so a retried delivery is recognisable.

locals {
  webhooks_on = var.webhooks != null
  webhook_retry_policy = local.webhooks_on ? {
    maximum_retry_attempts       = var.webhooks.retry_policy.maximum_retry_attempts
    maximum_event_age_in_seconds = var.webhooks.retry_policy.maximum_event_age_in_seconds
  } : null
}

module "webhooks" {
  source = "../api-destinations"
  count  = local.webhooks_on ? 1 : 0

  name                     = "${var.name_prefix}-webhooks"
  bus                      = { name = "${var.name_prefix}-webhooks", archive_retention_days = var.webhooks.archive_retention_days }
  allow_insecure_endpoints = var.webhooks.allow_insecure_endpoints
  permissions_boundary_arn = var.permissions_boundary_arn
  alarm_actions            = local.alarm_actions
  tags                     = var.tags

  destinations = {
    crm = {
      description                      = "Pro sign-ups become CRM contacts"
      endpoint                         = var.webhooks.crm.endpoint
      invocation_rate_limit_per_second = var.webhooks.crm.invocation_rate_limit_per_second
      event_pattern = jsonencode({
        "detail-type" = ["UserRegistered"]
        detail        = { eventVersion = [1], eventDetails = { plan = ["pro"] } }
      })
      auth = { type = "API_KEY", api_key_name = var.webhooks.crm.api_key_header, secret_arn = var.webhooks.crm.secret_arn }
      input_transformer = {
        input_paths = {
          userId       = "$.detail.eventDetails.userId"
          email        = "$.detail.eventDetails.email"
          displayName  = "$.detail.eventDetails.displayName"
          signupSource = "$.detail.eventDetails.source"
          registeredAt = "$.detail.eventDetails.registeredAt"
        }
        # A literal, not jsonencode(): Terraform's jsonencode writes < and > as \u003c and
        # \u003e, and EventBridge then finds no placeholders (the module refuses that).
        input_template = "{\"externalId\": \"<userId>\", \"email\": \"<email>\", \"name\": \"<displayName>\", \"lifecycleStage\": \"customer\", \"plan\": \"pro\", \"signupSource\": \"<signupSource>\", \"createdAt\": \"<registeredAt>\"}"
      }
      header_parameters = { "Idempotency-Key" = "$.detail.eventId" }
      retry_policy      = local.webhook_retry_policy
    }
    trust-and-safety = {
      description                      = "Account deactivations become trust-and-safety tickets"
      endpoint                         = var.webhooks.trust_and_safety.endpoint
      invocation_rate_limit_per_second = var.webhooks.trust_and_safety.invocation_rate_limit_per_second
      event_pattern = jsonencode({
        "detail-type" = ["AccountDeactivationRequested"]
        detail        = { eventVersion = [1] }
      })
      auth = { type = "BASIC", username = var.webhooks.trust_and_safety.username, secret_arn = var.webhooks.trust_and_safety.secret_arn }
      input_transformer = {
        input_paths = {
          eventId     = "$.detail.eventId"
          accountId   = "$.detail.eventDetails.accountId"
          reason      = "$.detail.eventDetails.reason"
          duration    = "$.detail.eventDetails.banDurationSeconds"
          requestedAt = "$.detail.occurredAt"
        }
        # banDurationSeconds is a number: its placeholder stays unquoted.
        input_template = "{\"type\": \"account-deactivation\", \"priority\": \"high\", \"accountId\": \"<accountId>\", \"reason\": \"<reason>\", \"banDurationSeconds\": <duration>, \"requestedAt\": \"<requestedAt>\", \"sourceEventId\": \"<eventId>\"}"
      }
      header_parameters = { "Idempotency-Key" = "$.detail.eventId" }
      retry_policy      = local.webhook_retry_policy
    }
  }

  credentials = { for k, v in {
    crm              = var.webhooks.crm.secret_arn == null ? { value = var.webhook_credentials.crm_api_key } : null
    trust-and-safety = var.webhooks.trust_and_safety.secret_arn == null ? { password = var.webhook_credentials.trust_and_safety_password } : null
  } : k => v if v != null }
}

output "webhooks" {
  description = "The webhooks workload: bus_name (producers PutEvents here), bus_arn, archive_arn, dlq_urls and api_destination_arns per partner; null without var.webhooks."
  value = local.webhooks_on ? {
    bus_name             = module.webhooks[0].bus_name
    bus_arn              = module.webhooks[0].bus_arn
    archive_arn          = module.webhooks[0].archive_arn
    dlq_urls             = module.webhooks[0].dlq_urls
    api_destination_arns = module.webhooks[0].api_destination_arns
  } : null
}
