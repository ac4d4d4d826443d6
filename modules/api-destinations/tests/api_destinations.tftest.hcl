mock_provider "aws" {
  # Every run is a plan; mocked values are known then, so an assertion on one can fail.
  override_during = plan
  source          = "../../tests/mocks"
}

# Distinct values per address, so "this target uses its own destination, role and DLQ"
# compares different ARNs and can fail.
override_resource {
  target          = aws_cloudwatch_event_bus.this
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:event-bus/swy-test-webhooks", name = "swy-test-webhooks" }
}
override_resource {
  target          = aws_cloudwatch_event_rule.this["crm"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:rule/swy-test-webhooks/swy-test-webhooks-crm" }
}
override_resource {
  target          = aws_cloudwatch_event_rule.this["tickets"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:rule/swy-test-webhooks/swy-test-webhooks-tickets" }
}
override_resource {
  target          = aws_cloudwatch_event_rule.this["ledger"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:rule/swy-test-webhooks/swy-test-webhooks-ledger" }
}
override_resource {
  target          = aws_cloudwatch_event_api_destination.this["crm"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:api-destination/swy-test-webhooks-crm/11111111-1111-1111-1111-111111111111" }
}
override_resource {
  target          = aws_cloudwatch_event_api_destination.this["tickets"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:api-destination/swy-test-webhooks-tickets/22222222-2222-2222-2222-222222222222" }
}
override_resource {
  target          = aws_cloudwatch_event_api_destination.this["ledger"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:api-destination/swy-test-webhooks-ledger/33333333-3333-3333-3333-333333333333" }
}
override_resource {
  target          = aws_iam_role.target["crm"]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/swy-test-webhooks-crm-target", id = "swy-test-webhooks-crm-target" }
}
override_resource {
  target          = aws_iam_role.target["tickets"]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/swy-test-webhooks-tickets-target", id = "swy-test-webhooks-tickets-target" }
}
override_resource {
  target          = module.dlq["crm"].aws_sqs_queue.this
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-webhooks-crm-target-dlq", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-webhooks-crm-target-dlq" }
}
override_resource {
  target          = module.dlq["tickets"].aws_sqs_queue.this
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-webhooks-tickets-target-dlq", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-webhooks-tickets-target-dlq" }
}
override_resource {
  target          = aws_cloudwatch_event_connection.this["crm"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:connection/swy-test-webhooks-crm/aaaaaaaa-0000-0000-0000-000000000001", secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:events!connection/swy-test-webhooks-crm/aaaaaaaa-0000-0000-0000-000000000001/auth-AbCdEf" }
}
override_resource {
  target          = aws_cloudwatch_event_connection.this["tickets"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:connection/swy-test-webhooks-tickets/aaaaaaaa-0000-0000-0000-000000000002", secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:events!connection/swy-test-webhooks-tickets/aaaaaaaa-0000-0000-0000-000000000002/auth-AbCdEf" }
}
override_resource {
  target          = aws_cloudwatch_event_connection.this["ledger"]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:connection/swy-test-webhooks-ledger/aaaaaaaa-0000-0000-0000-000000000003", secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:events!connection/swy-test-webhooks-ledger/aaaaaaaa-0000-0000-0000-000000000003/auth-AbCdEf" }
}
override_data {
  target          = data.aws_secretsmanager_secret_version.credentials["ledger"]
  override_during = plan
  values          = { secret_string = "{\"client_secret\":\"from-existing-secret\"}" }
}

variables {
  name = "swy-test-webhooks"
  bus  = { name = "swy-test-webhooks" }
  destinations = {
    crm = {
      endpoint                         = "https://crm.example/v1/contacts"
      invocation_rate_limit_per_second = 20
      event_pattern                    = "{\"detail-type\":[\"UserRegistered\"],\"detail\":{\"eventDetails\":{\"plan\":[\"pro\"]}}}"
      auth                             = { type = "API_KEY", api_key_name = "X-Api-Key" }
      input_transformer = {
        input_paths    = { email = "$.detail.eventDetails.email" }
        input_template = "{\"email\": \"<email>\"}"
      }
      header_parameters = { "Idempotency-Key" = "$.detail.eventId" }
      retry_policy      = { maximum_retry_attempts = 12, maximum_event_age_in_seconds = 3600 }
    }
    tickets = {
      endpoint                = "https://tickets.example/api/tickets"
      http_method             = "PUT"
      event_pattern           = "{\"detail-type\":[\"AccountDeactivationRequested\"]}"
      auth                    = { type = "BASIC", username = "switchyard" }
      query_string_parameters = { queue = "trust-and-safety" }
    }
    ledger = {
      endpoint      = "https://ledger.example/hooks"
      event_pattern = "{\"source\":[\"switchyard.billing\"]}"
      auth = {
        type       = "OAUTH_CLIENT_CREDENTIALS"
        secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:ledger-oauth-AbCdEf"
        oauth      = { authorization_endpoint = "https://ledger.example/oauth/token", client_id = "switchyard", scope = "hooks:write" }
      }
    }
  }
  credentials = {
    crm     = { value = "crm-api-key" }
    tickets = { password = "tickets-password" }
  }
  alarm_actions = ["arn:aws:sns:eu-west-1:111111111111:on-call"]
}

run "auth_types_are_typed_per_connection" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_connection.this["crm"].authorization_type == "API_KEY" && aws_cloudwatch_event_connection.this["crm"].auth_parameters[0].api_key[0].key == "X-Api-Key" && aws_cloudwatch_event_connection.this["crm"].auth_parameters[0].api_key[0].value == "crm-api-key" && length(aws_cloudwatch_event_connection.this["crm"].auth_parameters[0].basic) == 0
    error_message = "API_KEY: the key header and the value from var.credentials, nothing else."
  }
  assert {
    condition     = aws_cloudwatch_event_connection.this["tickets"].authorization_type == "BASIC" && aws_cloudwatch_event_connection.this["tickets"].auth_parameters[0].basic[0].username == "switchyard" && aws_cloudwatch_event_connection.this["tickets"].auth_parameters[0].basic[0].password == "tickets-password" && length(aws_cloudwatch_event_connection.this["tickets"].auth_parameters[0].api_key) == 0
    error_message = "BASIC: username and the password from var.credentials."
  }
  assert {
    condition     = aws_cloudwatch_event_connection.this["ledger"].authorization_type == "OAUTH_CLIENT_CREDENTIALS" && aws_cloudwatch_event_connection.this["ledger"].auth_parameters[0].oauth[0].client_parameters[0].client_secret == "from-existing-secret" && aws_cloudwatch_event_connection.this["ledger"].auth_parameters[0].oauth[0].oauth_http_parameters[0].body[0].value == "hooks:write"
    error_message = "OAUTH_CLIENT_CREDENTIALS: the client secret read from the existing secret, the scope in the token request body."
  }
  assert {
    condition     = aws_cloudwatch_event_connection.this["crm"].kms_key_identifier == null
    error_message = "Without connection_kms_key_arn the connection uses the AWS managed key."
  }
}

run "rate_and_retry_bounds_and_defaults" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_api_destination.this["crm"].invocation_rate_limit_per_second == 20 && aws_cloudwatch_event_api_destination.this["tickets"].invocation_rate_limit_per_second == 300
    error_message = "The rate is the one given, else AWS's default of 300/s."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this["crm"].retry_policy[0].maximum_retry_attempts == 12 && aws_cloudwatch_event_target.this["crm"].retry_policy[0].maximum_event_age_in_seconds == 3600
    error_message = "The retry policy given reaches the target."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this["tickets"].retry_policy[0].maximum_retry_attempts == 185 && aws_cloudwatch_event_target.this["tickets"].retry_policy[0].maximum_event_age_in_seconds == 86400
    error_message = "Without one, the retry policy is AWS's default (185 attempts, 24 h), written out."
  }
  assert {
    condition     = aws_cloudwatch_event_api_destination.this["tickets"].http_method == "PUT" && aws_cloudwatch_event_api_destination.this["crm"].http_method == "POST" && aws_cloudwatch_event_api_destination.this["crm"].connection_arn == aws_cloudwatch_event_connection.this["crm"].arn
    error_message = "Method as given (POST by default), each destination on its own connection."
  }
}

run "target_transforms_and_sends_its_parameters" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_target.this["crm"].arn == "arn:aws:events:eu-west-1:111111111111:api-destination/swy-test-webhooks-crm/11111111-1111-1111-1111-111111111111" && aws_cloudwatch_event_target.this["crm"].event_bus_name == "swy-test-webhooks"
    error_message = "The crm target is the crm API destination, on the module's bus."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this["crm"].input_transformer[0].input_template == "{\"email\": \"<email>\"}" && aws_cloudwatch_event_target.this["crm"].input_transformer[0].input_paths["email"] == "$.detail.eventDetails.email" && length(aws_cloudwatch_event_target.this["tickets"].input_transformer) == 0
    error_message = "The input transformer is set where given, absent elsewhere."
  }
  assert {
    condition     = aws_cloudwatch_event_target.this["crm"].http_target[0].header_parameters["Idempotency-Key"] == "$.detail.eventId" && aws_cloudwatch_event_target.this["tickets"].http_target[0].query_string_parameters["queue"] == "trust-and-safety" && length(aws_cloudwatch_event_target.this["ledger"].http_target) == 0
    error_message = "Header and query parameters reach http_target; none means no http_target block."
  }
  assert {
    condition     = aws_cloudwatch_event_rule.this["crm"].event_bus_name == "swy-test-webhooks" && jsondecode(aws_cloudwatch_event_rule.this["crm"].event_pattern).detail.eventDetails.plan == ["pro"]
    error_message = "The rule is on the bus with the given pattern."
  }
}

run "dlq_is_this_rules_standard_queue" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_target.this["crm"].dead_letter_config[0].arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-webhooks-crm-target-dlq" && aws_cloudwatch_event_target.this["tickets"].dead_letter_config[0].arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-webhooks-tickets-target-dlq"
    error_message = "Each target dead-letters to its own queue."
  }
  assert {
    condition     = !endswith(module.dlq["crm"].queue_name, ".fifo") && module.dlq["crm"].queue_name == "swy-test-webhooks-crm-target-dlq"
    error_message = "The target DLQ is a standard queue (EventBridge refuses FIFO DLQs)."
  }
}

run "target_role_may_only_invoke_its_destination" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_target.this["crm"].role_arn == "arn:aws:iam::111111111111:role/swy-test-webhooks-crm-target" && aws_iam_role_policy.invoke["crm"].role == "swy-test-webhooks-crm-target"
    error_message = "The crm target runs as the crm role, which holds the invoke policy."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.invoke["crm"].statement) == 1 && data.aws_iam_policy_document.invoke["crm"].statement[0].actions == toset(["events:InvokeApiDestination"]) && data.aws_iam_policy_document.invoke["crm"].statement[0].resources == toset(["arn:aws:events:eu-west-1:111111111111:api-destination/swy-test-webhooks-crm/11111111-1111-1111-1111-111111111111"])
    error_message = "The crm role may do one thing: events:InvokeApiDestination on the crm destination."
  }
  assert {
    condition     = toset(one(data.aws_iam_policy_document.assume["tickets"].statement[0].condition).values) == toset(["arn:aws:events:eu-west-1:111111111111:rule/swy-test-webhooks/swy-test-webhooks-tickets"]) && toset(one(data.aws_iam_policy_document.assume["tickets"].statement[0].principals).identifiers) == toset(["events.amazonaws.com"])
    error_message = "Only EventBridge, on behalf of this destination's rule, may assume its role."
  }
}

run "bus_archive_and_alarms" {
  command = plan

  assert {
    condition     = aws_cloudwatch_event_archive.this[0].event_source_arn == "arn:aws:events:eu-west-1:111111111111:event-bus/swy-test-webhooks" && aws_cloudwatch_event_archive.this[0].retention_days == 30
    error_message = "The bus is archived (30 days by default) for replay."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.rule) == 9 && aws_cloudwatch_metric_alarm.rule["crm-failed"].metric_name == "FailedInvocations" && aws_cloudwatch_metric_alarm.rule["crm-failed"].dimensions.RuleName == "swy-test-webhooks-crm" && aws_cloudwatch_metric_alarm.rule["tickets-throttled"].metric_name == "ThrottledRules" && aws_cloudwatch_metric_alarm.rule["ledger-dlq-failed"].metric_name == "InvocationsFailedToBeSentToDlq"
    error_message = "Each rule alarms on failed invocations, DLQ send failures and throttling."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.rule["crm-failed"].alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:on-call"]) && contains(output.alarm_names, "swy-test-webhooks-crm-target-dlq-falling-behind")
    error_message = "Alarms notify alarm_actions; the DLQs' own alarms are listed too."
  }
}

run "existing_bus_by_name_without_archive" {
  command = plan

  variables {
    bus = { name = "default", create = false, archive = false }
  }

  override_data {
    target          = data.aws_cloudwatch_event_bus.existing
    override_during = plan
    values          = { arn = "arn:aws:events:eu-west-1:111111111111:event-bus/default", name = "default" }
  }

  assert {
    condition     = length(aws_cloudwatch_event_bus.this) == 0 && length(aws_cloudwatch_event_archive.this) == 0 && aws_cloudwatch_event_rule.this["crm"].event_bus_name == "default" && output.bus_arn == "arn:aws:events:eu-west-1:111111111111:event-bus/default"
    error_message = "create = false uses the named bus; archive = false makes no archive."
  }
}

run "connection_cmk" {
  command = plan

  variables {
    connection_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/44444444-4444-4444-4444-444444444444"
  }

  assert {
    condition     = aws_cloudwatch_event_connection.this["tickets"].kms_key_identifier == "arn:aws:kms:eu-west-1:111111111111:key/44444444-4444-4444-4444-444444444444"
    error_message = "connection_kms_key_arn encrypts the connections' secrets."
  }
}

run "http_endpoint_allowed_only_in_sandbox" {
  command = plan

  variables {
    allow_insecure_endpoints = true
    destinations = {
      crm = {
        endpoint      = "http://127.0.0.1:8080/crm"
        event_pattern = "{\"detail-type\":[\"UserRegistered\"]}"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key" }
      }
    }
    credentials = { crm = { value = "k" } }
  }

  assert {
    condition     = aws_cloudwatch_event_api_destination.this["crm"].invocation_endpoint == "http://127.0.0.1:8080/crm"
    error_message = "With allow_insecure_endpoints an http endpoint is accepted."
  }
}

run "refuses_http_endpoint" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint      = "http://crm.example/v1/contacts"
        event_pattern = "{\"detail-type\":[\"UserRegistered\"]}"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key" }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_pattern_that_is_not_json" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint      = "https://crm.example/v1/contacts"
        event_pattern = "detail-type = UserRegistered"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key" }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_rate_below_one" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint                         = "https://crm.example/v1/contacts"
        invocation_rate_limit_per_second = 0
        event_pattern                    = "{\"detail-type\":[\"UserRegistered\"]}"
        auth                             = { type = "API_KEY", api_key_name = "X-Api-Key" }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_186_attempts" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint      = "https://crm.example/v1/contacts"
        event_pattern = "{\"detail-type\":[\"UserRegistered\"]}"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key" }
        retry_policy  = { maximum_retry_attempts = 186 }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_event_age_below_60s" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint      = "https://crm.example/v1/contacts"
        event_pattern = "{\"detail-type\":[\"UserRegistered\"]}"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key" }
        retry_policy  = { maximum_event_age_in_seconds = 59 }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_event_age_above_24h" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint      = "https://crm.example/v1/contacts"
        event_pattern = "{\"detail-type\":[\"UserRegistered\"]}"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key" }
        retry_policy  = { maximum_event_age_in_seconds = 86401 }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_basic_without_username" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      tickets = {
        endpoint      = "https://tickets.example/api/tickets"
        event_pattern = "{\"detail-type\":[\"AccountDeactivationRequested\"]}"
        auth          = { type = "BASIC", api_key_name = "X-Api-Key" }
      }
    }
    credentials = { tickets = { password = "p" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_secret_from_both_sources" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint      = "https://crm.example/v1/contacts"
        event_pattern = "{\"detail-type\":[\"UserRegistered\"]}"
        auth          = { type = "API_KEY", api_key_name = "X-Api-Key", secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:crm-AbCdEf" }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.credentials]
}

run "refuses_missing_secret" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    credentials = { crm = { value = "crm-api-key" } }
  }
  expect_failures = [var.credentials]
}

run "refuses_template_that_is_not_json" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint          = "https://crm.example/v1/contacts"
        event_pattern     = "{\"detail-type\":[\"UserRegistered\"]}"
        auth              = { type = "API_KEY", api_key_name = "X-Api-Key" }
        input_transformer = { input_paths = { email = "$.detail.email" }, input_template = "{\"email\": <email>" }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}

run "refuses_a_jsonencoded_template" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    destinations = {
      crm = {
        endpoint          = "https://crm.example/v1/contacts"
        event_pattern     = "{\"detail-type\":[\"UserRegistered\"]}"
        auth              = { type = "API_KEY", api_key_name = "X-Api-Key" }
        input_transformer = { input_paths = { email = "$.detail.email" }, input_template = jsonencode({ email = "<email>" }) }
      }
    }
    credentials = { crm = { value = "k" } }
  }
  expect_failures = [var.destinations]
}
