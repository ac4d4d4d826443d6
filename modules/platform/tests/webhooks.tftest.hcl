# The webhooks workload: off by default (the real roots pass nothing), on with var.webhooks,
# http endpoints only in the sandbox. modules/api-destinations' own tests cover the wiring and
# the secret validations.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name_prefix   = "swy-test"
  environment   = "dev"
  artifacts_dir = "tests/fixtures"
  # What tests/fixtures/layers/shared.architecture says the fixture layer was packaged for.
  lambda_defaults = { architecture = "arm64" }
}

run "off_by_default" {
  command = plan

  assert {
    condition     = length(module.webhooks) == 0 && output.webhooks == null
    error_message = "Without var.webhooks the platform has no webhooks workload."
  }
}

run "on_with_https_partners" {
  command = plan

  variables {
    webhooks = {
      crm              = { endpoint = "https://crm.example.com/v1/contacts" }
      trust_and_safety = { endpoint = "https://tickets.example.com/api/tickets", username = "switchyard", secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:tickets-AbCdEf" }
    }
    webhook_credentials = { crm_api_key = "k" }
  }

  override_data {
    target          = module.webhooks[0].data.aws_secretsmanager_secret_version.credentials["trust-and-safety"]
    override_during = plan
    values          = { secret_string = "{\"password\":\"p\"}" }
  }

  assert {
    condition     = length(module.webhooks) == 1 && output.webhooks.bus_name == "swy-test-webhooks" && length(output.webhooks.dlq_urls) == 2
    error_message = "With var.webhooks: one bus <prefix>-webhooks and a destination (with its DLQ) per partner."
  }
}

run "refuses_insecure_endpoints_outside_the_sandbox" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    webhooks = {
      crm                      = { endpoint = "http://127.0.0.1:8080/crm" }
      trust_and_safety         = { endpoint = "http://127.0.0.1:8080/tickets", username = "switchyard" }
      allow_insecure_endpoints = true
    }
    webhook_credentials = { crm_api_key = "k", trust_and_safety_password = "p" }
  }

  expect_failures = [var.webhooks]
}
