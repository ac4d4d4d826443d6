mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

# Distinct ARNs for the two tables the functions write, so a grant on the wrong table fails.
override_resource {
  target          = module.bans_accounts_table[0].aws_dynamodb_table.this
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans-accounts" }
}

override_resource {
  target          = module.bans_schedule[0].module.table.aws_dynamodb_table.this
  override_during = plan
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans-banned-accounts"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans-banned-accounts/stream/2026-12-01T00:00:00.000"
  }
}

override_resource {
  target          = module.bans_schedule[0].module.on_failure.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-banned-accounts-on-failure"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-banned-accounts-on-failure"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-banned-accounts-on-failure"
  }
}

variables {
  name_prefix     = "swy-test"
  environment     = "dev"
  artifacts_dir   = "tests/fixtures"
  lambda_defaults = { architecture = "arm64" }
}

run "off_by_default" {
  command = plan

  assert {
    condition     = output.bans == null && length(module.bans_schedule) == 0 && length(module.bans_reactivation) == 0 && length(module.bans_topic) == 0
    error_message = "The bans workload is created only when enabled."
  }
}

run "enabled_bans_are_wired_through_the_ttl_scheduler" {
  command = plan

  variables {
    bans                 = { enabled = true, maximum_retry_attempts = 2 }
    reserved_concurrency = { bans_reactivation = 5 }
  }

  assert {
    condition     = output.bans.banned_accounts_table_name == "swy-test-bans-banned-accounts" && output.bans.ttl_attribute == "expiresAt" && output.bans.on_failure_queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-banned-accounts-on-failure"
    error_message = "The ban items live in the TTL scheduler's table (TTL on expiresAt) with its on-failure queue."
  }
  assert {
    condition     = module.bans_reactivation[0].function_name == "swy-test-bans-reactivation" && module.bans_classifier[0].function_name == "swy-test-bans-classifier" && module.bans_admin[0].function_name == "swy-test-bans-admin"
    error_message = "Functions are <prefix>-bans-<role>."
  }
  assert {
    condition     = jsondecode(module.bans_schedule[0].ttl_delete_filter) == { eventName = ["REMOVE"], userIdentity = { type = ["Service"], principalId = ["dynamodb.amazonaws.com"] } }
    error_message = "The reactivation mapping admits TTL deletes only."
  }
  assert {
    condition     = module.bans_schedule[0].settings.data_protection.point_in_time_recovery && module.bans_schedule[0].settings.data_protection.deletion_protection
    error_message = "Outside the sandbox the ban table keeps PITR and deletion protection."
  }
}

run "reserved_concurrency_accepts_the_bans_functions" {
  command = plan

  variables {
    reserved_concurrency = { bans_classifier = 2, bans_accounts = 2, bans_reactivation = 2, bans_admin = 2 }
  }

  assert {
    condition     = output.bans == null
    error_message = "The bans functions are valid reserved_concurrency keys."
  }
}

run "rejects_infinite_stream_retries" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }
  variables {
    bans = { enabled = true, maximum_retry_attempts = -1 }
  }
  expect_failures = [var.bans]
}

run "rejects_infinite_record_age" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }
  variables {
    bans = { enabled = true, maximum_record_age_in_seconds = -1 }
  }
  expect_failures = [var.bans]
}
