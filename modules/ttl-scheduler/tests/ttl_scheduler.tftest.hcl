mock_provider "aws" {
  # Every run is a plan with mocked values known at plan time (no apply, no teardown).
  override_during = plan
  source          = "../../tests/mocks"
}

# Distinct ARNs per resource, so "the mapping reads this table's stream" and "failures go to the
# on-failure queue, not its DLQ" compare different values and can fail.
override_resource {
  override_during = plan
  target          = module.table.aws_dynamodb_table.this
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans/stream/2026-12-01T00:00:00.000"
  }
}

override_resource {
  override_during = plan
  target          = module.on_failure.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-on-failure"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-on-failure"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-on-failure"
  }
}

override_resource {
  override_during = plan
  target          = module.on_failure.aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-on-failure-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-on-failure-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-bans-on-failure-dlq"
  }
}

variables {
  name        = "swy-test-bans"
  hash_key    = { name = "accountId" }
  kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  handler = {
    function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-bans-reactivation"
    role_name    = "swy-test-bans-reactivation"
  }
  alarm_actions = ["arn:aws:sns:eu-west-1:111111111111:swy-test-alarms"]
}

# The table's own settings (TTL resource, stream, SSE, PITR) are asserted by
# ../dynamodb-table's tests: a test here can read only its child modules' outputs. These runs
# check what this module hands the table, through those outputs and its own defaults.
run "table_has_ttl_on_the_named_attribute_a_stream_and_data_protection_on_by_default" {
  command = plan

  assert {
    condition     = module.table.ttl_attribute == "expiresAt" && output.ttl_attribute == "expiresAt" && module.table.hash_key == "accountId"
    error_message = "TTL is on, on the named attribute (default expiresAt)."
  }
  assert {
    condition     = output.stream_arn == "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans/stream/2026-12-01T00:00:00.000" && output.settings.stream_view_type == "OLD_IMAGE"
    error_message = "The table has a stream with OLD_IMAGE: a TTL REMOVE record carries the expired item."
  }
  assert {
    condition     = output.settings.billing_mode == "PAY_PER_REQUEST" && output.settings.data_protection.point_in_time_recovery && output.settings.data_protection.deletion_protection
    error_message = "On demand, PITR and deletion protection on, unless the caller says otherwise."
  }
}

run "sandbox_may_turn_data_protection_off_and_choose_new_and_old_images" {
  command = plan

  variables {
    data_protection  = { point_in_time_recovery = false, deletion_protection = false }
    stream_view_type = "NEW_AND_OLD_IMAGES"
    ttl_attribute    = "dueAt"
  }

  assert {
    condition     = !output.settings.data_protection.point_in_time_recovery && !output.settings.data_protection.deletion_protection
    error_message = "data_protection switches both off (for the sandbox)."
  }
  assert {
    condition     = output.settings.stream_view_type == "NEW_AND_OLD_IMAGES" && module.table.ttl_attribute == "dueAt" && output.ttl_attribute == "dueAt"
    error_message = "stream_view_type and ttl_attribute are passed to the table."
  }
}

run "mapping_admits_only_ttl_deletes_bisects_and_bounds_retries_and_age" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans/stream/2026-12-01T00:00:00.000" && aws_lambda_event_source_mapping.this.function_name == var.handler.function_arn
    error_message = "The mapping reads this table's stream into the handler."
  }
  assert {
    condition     = jsondecode(one(one(aws_lambda_event_source_mapping.this.filter_criteria).filter).pattern) == { eventName = ["REMOVE"], userIdentity = { type = ["Service"], principalId = ["dynamodb.amazonaws.com"] } }
    error_message = "The only filter admits REMOVE records with the TTL service's userIdentity (type Service, principalId dynamodb.amazonaws.com)."
  }
  assert {
    condition     = length(one(aws_lambda_event_source_mapping.this.filter_criteria).filter) == 1
    error_message = "Exactly one filter: a second one would admit records the first refuses (filters are ORed)."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.starting_position == "TRIM_HORIZON" && aws_lambda_event_source_mapping.this.bisect_batch_on_function_error
    error_message = "TRIM_HORIZON and bisect on function error."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.maximum_retry_attempts == 3 && aws_lambda_event_source_mapping.this.maximum_record_age_in_seconds == 21600 && aws_lambda_event_source_mapping.this.batch_size == 100
    error_message = "Retries and record age are bounded by default (3 retries, 6 hours), never AWS's infinite -1."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"])
    error_message = "Partial batch responses: the checkpoint moves to the first failed record."
  }
}

run "discarded_batches_go_to_the_encrypted_on_failure_queue" {
  command = plan

  assert {
    condition     = one(one(aws_lambda_event_source_mapping.this.destination_config).on_failure).destination_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-on-failure" && output.on_failure_queue_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-on-failure"
    error_message = "The on-failure destination is the module's queue (not its DLQ)."
  }
  assert {
    condition     = output.settings.on_failure_kms_master_key_id == null && module.on_failure.queue_name == "swy-test-bans-on-failure"
    error_message = "The on-failure queue is encrypted with SSE-SQS by default (../sqs-queue's tests and checkov CKV_AWS_27 check the queue itself)."
  }
  assert {
    condition     = jsondecode(module.on_failure.settings.queue.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-on-failure-dlq"
    error_message = "The on-failure queue has its own DLQ."
  }
}

run "handler_role_gets_exactly_the_stream_the_key_and_the_destination" {
  command = plan

  assert {
    condition     = aws_iam_role_policy.handler.role == "swy-test-bans-reactivation"
    error_message = "The grants are on the handler's role."
  }
  assert {
    condition     = data.aws_iam_policy_document.handler.statement[0].resources == toset(["arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-bans/stream/2026-12-01T00:00:00.000"]) && data.aws_iam_policy_document.handler.statement[0].actions == toset(["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"])
    error_message = "Stream reads on this stream only."
  }
  assert {
    condition     = data.aws_iam_policy_document.handler.statement[1].actions == toset(["kms:Decrypt"]) && data.aws_iam_policy_document.handler.statement[1].resources == toset([var.kms_key_arn]) && toset(one(data.aws_iam_policy_document.handler.statement[1].condition).values) == toset(["dynamodb.eu-west-1.amazonaws.com"]) && one(data.aws_iam_policy_document.handler.statement[1].condition).variable == "kms:ViaService"
    error_message = "kms:Decrypt on the table's key, through DynamoDB only."
  }
  assert {
    condition     = data.aws_iam_policy_document.handler.statement[2].actions == toset(["sqs:SendMessage"]) && data.aws_iam_policy_document.handler.statement[2].resources == toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-bans-on-failure"]) && length(data.aws_iam_policy_document.handler.statement) == 3
    error_message = "sqs:SendMessage on the on-failure queue only; no KMS grant for SSE-SQS."
  }
  assert {
    condition     = output.settings.on_failure_senders == ["arn:aws:iam::111111111111:role/swy-test-bans-reactivation"]
    error_message = "The on-failure queue's policy admits the handler's role (Lambda sends with it) and nobody else."
  }
}

run "alarms_on_iterator_age_and_on_failure_depth_notify_the_alarm_actions" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.iterator_age.metric_name == "IteratorAge" && aws_cloudwatch_metric_alarm.iterator_age.dimensions["FunctionName"] == "swy-test-bans-reactivation" && aws_cloudwatch_metric_alarm.iterator_age.threshold == 900000
    error_message = "Iterator age alarm on the handler, threshold in milliseconds."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.on_failure_depth.metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.on_failure_depth.dimensions["QueueName"] == "swy-test-bans-on-failure" && aws_cloudwatch_metric_alarm.on_failure_depth.threshold == 0
    error_message = "On-failure depth alarm: any message in the on-failure queue (not its DLQ)."
  }
  assert {
    condition     = alltrue([for a in [aws_cloudwatch_metric_alarm.iterator_age, aws_cloudwatch_metric_alarm.on_failure_depth] : a.alarm_actions == toset(var.alarm_actions) && a.ok_actions == toset(var.alarm_actions)])
    error_message = "Both alarms notify alarm_actions when they fire and recover."
  }
}

run "with_a_cmk_on_the_on_failure_queue_the_handler_may_encrypt_for_it" {
  command = plan

  variables {
    on_failure = { kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/99999999-2222-3333-4444-555555555555" }
  }

  assert {
    condition     = length(data.aws_iam_policy_document.handler.statement) == 4 && data.aws_iam_policy_document.handler.statement[3].resources == toset(["arn:aws:kms:eu-west-1:111111111111:key/99999999-2222-3333-4444-555555555555"]) && output.settings.on_failure_kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/99999999-2222-3333-4444-555555555555"
    error_message = "A CMK on the on-failure queue: the queue uses it and the handler may encrypt with it through SQS."
  }
}

run "rejects_infinite_retries" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    handler = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f", maximum_retry_attempts = -1 }
  }
  expect_failures = [var.handler]
}

run "rejects_infinite_record_age" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    handler = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f", maximum_record_age_in_seconds = -1 }
  }
  expect_failures = [var.handler]
}

run "rejects_a_batch_size_over_lambdas_limit" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    handler = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f", batch_size = 10001 }
  }
  expect_failures = [var.handler]
}

run "rejects_a_role_arn_for_role_name" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    handler = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "arn:aws:iam::111111111111:role/f" }
  }
  expect_failures = [var.handler]
}

run "rejects_a_stream_without_the_old_image" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    stream_view_type = "KEYS_ONLY"
  }
  expect_failures = [var.stream_view_type]
}

run "rejects_an_iterator_age_alarm_past_the_streams_retention" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    iterator_age_alarm_seconds = 86400
  }
  expect_failures = [var.iterator_age_alarm_seconds]
}

run "rejects_an_alias_for_the_table_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    kms_key_arn = "alias/aws/dynamodb"
  }
  expect_failures = [var.kms_key_arn]
}

run "example_complete_plans" {
  command = plan

  module {
    source = "./examples/complete"
  }

  assert {
    condition     = output.table_name == "example-reminders"
    error_message = "The example plans with the module's defaults and its own settings."
  }
}
