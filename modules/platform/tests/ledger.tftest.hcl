mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

# The two tables and the grouped queue and DLQ get distinct values, so the wiring can fail.
override_resource {
  target          = module.ledger_table[0].aws_dynamodb_table.this
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-ledger" }
}

override_resource {
  target          = module.ledger_balances_table[0].aws_dynamodb_table.this
  override_during = plan
  values          = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-ledger-balances" }
}

override_resource {
  target          = module.ledger[0].module.groups.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-groups.fifo"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo"
  }
}

override_resource {
  target          = module.ledger[0].module.groups.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-groups-dlq.fifo"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups-dlq.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups-dlq.fifo"
  }
}

variables {
  name_prefix   = "swy-test"
  environment   = "dev"
  artifacts_dir = "tests/fixtures"
  # the fixture layer says arm64 (tests/fixtures/layers/shared.architecture)
  lambda_defaults = { architecture = "arm64" }
}

run "off_by_default" {
  command = plan

  assert {
    condition     = output.ledger == null && length(module.ledger) == 0 && length(module.ledger_table) == 0
    error_message = "The ledger workload is created only when enabled."
  }
}

run "enabled_ledger_is_wired_through_the_convoy" {
  command = plan

  variables {
    ledger = { enabled = true, intake_groups = 4, maximum_concurrency = 20 }
  }

  assert {
    condition     = output.ledger.grouped_queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo" && output.ledger.grouped_dlq_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups-dlq.fifo" && output.ledger.intake_groups == 4
    error_message = "The ledger output names the convoy's queues."
  }
  assert {
    condition     = module.ledger_consumer[0].function_name == "swy-test-ledger-consumer" && module.ledger_processor[0].function_name == "swy-test-ledger-processor"
    error_message = "Functions are <prefix>-ledger-processor and -consumer."
  }
  assert {
    condition     = module.ledger_table[0].hash_key == "orderId" && module.ledger_table[0].range_key == "seq" && module.ledger_table[0].kms_key_arn == aws_kms_key.platform.arn && module.ledger_table[0].data_protection.point_in_time_recovery
    error_message = "The ledger is keyed (orderId, seq), encrypted with the platform CMK, with PITR."
  }
  assert {
    condition     = module.ledger[0].alarm_names[8] == "swy-test-ledger-sequence-gap"
    error_message = "The gap alarm is part of the workload."
  }
}

run "rejects_zero_intake_groups" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }
  variables {
    ledger = { enabled = true, intake_groups = 0 }
  }
  expect_failures = [var.ledger]
}
