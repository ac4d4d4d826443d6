mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked fails as unknown, never passes.
  override_during = plan
  source          = "../../tests/mocks"
}

# The audit queue and its DLQ get distinct values, so the wiring below can fail.
# The voting API's routes (polls/{pollId}/votes and .../results) are depth-3 resources.
override_resource {
  target          = module.voting_api.aws_api_gateway_resource.depth3
  override_during = plan
  values          = { id = "vres03" }
}

override_resource {
  target          = module.audit_queue.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-audit"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-audit"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-audit"
  }
}

override_resource {
  target          = module.audit_queue.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-audit-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-audit-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-audit-dlq"
  }
}

variables {
  name_prefix   = "swy-test"
  environment   = "dev"
  artifacts_dir = "tests/fixtures"
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_kms_key.platform.enable_key_rotation
    error_message = "The platform CMK must rotate."
  }
  assert {
    condition     = output.audit.queue_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-audit" && output.audit.dlq_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-audit-dlq"
    error_message = "The audit queue and DLQ come from ../sqs-queue (tested there: SSE, redrive, TLS-only policy, mapping, alarms)."
  }
  assert {
    condition     = module.audit_function.function_name == "swy-test-audit"
    error_message = "The audit consumer is named <prefix>-audit."
  }
  assert {
    condition     = module.audit_log_table.data_protection == { point_in_time_recovery = true, deletion_protection = true }
    error_message = "Tables outside the sandbox keep PITR and deletion protection."
  }
  assert {
    condition     = module.audit_log_table.kms_key_arn == aws_kms_key.platform.arn && module.audit_log_table.name == "swy-test-audit-log" && module.audit_log_table.hash_key == "eventId" && module.audit_log_table.range_key == null
    error_message = "The audit log is encrypted with the platform CMK."
  }
}

run "registration_workload" {
  command = plan

  assert {
    condition     = alltrue([for t in module.registration_table : t.kms_key_arn == aws_kms_key.platform.arn])
    error_message = "Every registration table is encrypted with the platform CMK."
  }
  assert {
    condition     = alltrue([for t in module.registration_table : t.data_protection == { point_in_time_recovery = true, deletion_protection = true }])
    error_message = "Registration tables keep PITR and deletion protection outside the sandbox."
  }
  assert {
    condition     = !contains(keys(module.registration_table), "idempotency")
    error_message = "Consumers are idempotent through conditional writes of their effects; no idempotency table."
  }
  assert {
    condition     = keys(output.registration.subscribers) == ["analytics", "mailing", "onboarding", "sales-lead"]
    error_message = "Four consumers subscribe to the registration topic."
  }
  assert {
    condition     = output.registration.subscribers["sales-lead"].function_name == "swy-test-registration-sales-lead" && output.registration.tables.leads == "swy-test-registration-leads"
    error_message = "Registration resources follow <prefix>-registration-<name>."
  }
  assert {
    condition     = output.registration.function_name == "swy-test-registration-api" && output.registration.topic_arn == module.registration.topic_arn
    error_message = "The registration output names the publishing function and the topic."
  }
}

run "rejects_registration_concurrency_below_two" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    registration = { maximum_concurrency = 1 }
  }

  expect_failures = [var.registration]
}

run "sandbox_may_switch_data_protection_off" {
  command = plan

  variables {
    environment     = "sandbox"
    data_protection = { point_in_time_recovery = false, deletion_protection = false }
  }

  assert {
    condition     = !module.audit_log_table.data_protection.deletion_protection && alltrue([for t in module.registration_table : !t.data_protection.deletion_protection])
    error_message = "The sandbox can be destroyed."
  }
}

run "prod_may_not_switch_data_protection_off" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    environment     = "prod"
    data_protection = { point_in_time_recovery = false }
  }

  expect_failures = [var.data_protection]
}

run "rejects_concurrency_below_two" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    audit = { maximum_concurrency = 1 }
  }

  expect_failures = [var.audit]
}

run "rejects_bad_prefix" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    name_prefix = "Switchyard_Dev"
  }

  expect_failures = [var.name_prefix]
}

run "rejects_negative_reserved_concurrency" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }
  variables {
    reserved_concurrency = { audit = -1 }
  }
  expect_failures = [var.reserved_concurrency]
}

run "voting_workload" {
  command = plan

  assert {
    condition     = alltrue([for t in [module.voting_table["polls"], module.voting_table["votes"], module.voting_table["tallies"]] : t.kms_key_arn == aws_kms_key.platform.arn])
    error_message = "Voting tables are encrypted with the platform CMK."
  }
  assert {
    condition     = alltrue([for t in [module.voting_table["polls"], module.voting_table["votes"], module.voting_table["tallies"]] : t.data_protection == { point_in_time_recovery = true, deletion_protection = true }])
    error_message = "Voting tables keep PITR and deletion protection outside the sandbox."
  }
  assert {
    condition     = module.voting_table["votes"].hash_key == "pollId" && module.voting_table["votes"].range_key == "userId" && module.voting_table["tallies"].range_key == "choice" && module.voting_table["polls"].range_key == null
    error_message = "One vote per (poll, user); one tally per (poll, choice)."
  }
  assert {
    condition     = module.voting_api.write_http_method == "POST" && module.voting_api.read_role_arn != null
    error_message = "Votes are POSTed; results have their own read-only role."
  }
  assert {
    condition     = module.voting_function.role_name == "swy-test-voting-role"
    error_message = "The voting function has its own role."
  }
  assert {
    condition     = module.voting_api.request_template != "" && strcontains(module.voting_api.request_template, "Name=pollId")
    error_message = "The vote's poll id travels with the queued body."
  }
  assert {
    condition     = output.voting.access_control == "iam" && module.voting_api.api_key_id == null && module.voting_api.usage_plan_id == null && strcontains(module.voting_api.request_template, "Name=callerId")
    error_message = "The voting API is signed (IAM) by default: the signer, not the body, is the voter."
  }
  assert {
    condition     = keys(jsondecode(module.voting_api.write_schema).properties) == ["choice", "submittedAt"] && jsondecode(module.voting_api.write_schema).required == ["choice", "submittedAt"] && !jsondecode(module.voting_api.write_schema).additionalProperties && jsondecode(module.voting_api.write_schema).properties.choice.minLength == 1
    error_message = "With IAM access the model refuses a body that names a user (no userId property, no others allowed); numbers stay numbers."
  }
  assert {
    condition     = output.voting.caller_role_arn == null && length(aws_iam_role.voting_caller) == 0
    error_message = "No caller role unless caller principals are named."
  }
  assert {
    condition     = output.voting.function_arn == module.voting_function.function_arn && output.voting.dlq_url == module.voting_api.dlq_url && output.voting.tallies_table_name == module.voting_table["tallies"].name
    error_message = "The voting outputs expose the function, the DLQ and the tables."
  }
  assert {
    condition     = output.harness.voting.write == { rest_api_id = module.voting_api.rest_api_id, resource_id = "vres03", http_method = "POST" }
    error_message = "The harness output names the voting API's write method."
  }
  assert {
    condition     = output.harness.voting.read == { rest_api_id = module.voting_api.rest_api_id, resource_id = "vres03", http_method = "GET" } && output.harness.voting.integration_role_arn == module.voting_api.integration_role_arn && output.harness.voting.read_role_arn == module.voting_api.read_role_arn
    error_message = "The harness output names the voting API's read method and the write integration's role."
  }
  assert {
    condition     = length(setintersection(keys(output.voting), ["write_resource_id", "write_http_method", "read_resource_id", "write_model_name", "integration_role_arn", "read_role_arn"])) == 0
    error_message = "What only the harness reads is in output.harness, not in the voting workload's output."
  }
}

run "voting_sandbox_can_be_destroyed" {
  command = plan

  variables {
    environment     = "sandbox"
    data_protection = { point_in_time_recovery = false, deletion_protection = false }
  }

  assert {
    condition     = alltrue([for t in module.voting_table : !t.data_protection.deletion_protection])
    error_message = "The sandbox can destroy the voting tables."
  }
}

run "voting_rejects_concurrency_below_two" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    voting = { maximum_concurrency = 1 }
  }

  expect_failures = [var.voting]
}

run "voting_behind_an_api_key_takes_the_voter_from_the_body" {
  command = plan

  variables {
    voting = { access_control = "api_key" }
  }

  assert {
    condition     = module.voting_api.api_key_id != null && module.voting_api.usage_plan_id != null && !strcontains(module.voting_api.request_template, "callerId")
    error_message = "api_key access: a key and usage plan, and no caller to queue."
  }
  assert {
    condition     = jsondecode(module.voting_api.write_schema).required == ["userId", "choice", "submittedAt"] && jsondecode(module.voting_api.write_schema).properties.userId.maxLength == 128
    error_message = "Behind an API key the body names the voter: vote.schema.json unchanged."
  }
}

run "voting_caller_role_may_only_invoke_the_routes" {
  command = plan

  variables {
    voting = { caller_principal_arns = ["arn:aws:iam::111111111111:role/web-backend"] }
  }

  assert {
    condition     = one(data.aws_iam_policy_document.voting_caller_trust[0].statement).principals == toset([{ type = "AWS", identifiers = toset(["arn:aws:iam::111111111111:role/web-backend"]) }]) && one(data.aws_iam_policy_document.voting_caller_trust[0].statement).actions == toset(["sts:AssumeRole"])
    error_message = "Only the named principals may assume the caller role."
  }
  assert {
    condition     = aws_iam_role.voting_caller[0].name == "swy-test-voting-caller" && aws_iam_role_policy.voting_caller[0].policy == module.voting_api.invoke_policy_json && output.voting.caller_role_arn == aws_iam_role.voting_caller[0].arn
    error_message = "The caller role's one policy is the API's invoke policy (execute-api:Invoke on the two routes; tested in queue-load-leveling)."
  }
}

run "voting_rejects_an_account_root_as_caller" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    voting = { caller_principal_arns = ["arn:aws:iam::111111111111:root"] }
  }

  expect_failures = [var.voting]
}

run "voting_rejects_caller_principals_behind_an_api_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    voting = { access_control = "api_key", caller_principal_arns = ["arn:aws:iam::111111111111:role/web-backend"] }
  }

  expect_failures = [var.voting]
}

run "voting_rejects_unknown_access_control" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    voting = { access_control = "open" }
  }

  expect_failures = [var.voting]
}
