mock_provider "aws" {
  # Every run is a plan with mocked values known at plan time (no apply, no teardown).
  override_during = plan
  source          = "../../tests/mocks"
}

# Four queues of one type: each gets its own ARN and URL, so "redrives to its own DLQ" and
# "the processor may send only to the grouped queue" compare different values and can fail.
override_resource {
  override_during = plan
  target          = module.intake.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-intake.fifo"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-intake.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-intake.fifo"
  }
}

override_resource {
  override_during = plan
  target          = module.intake.aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-intake-dlq.fifo"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-intake-dlq.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-intake-dlq.fifo"
  }
}

override_resource {
  override_during = plan
  target          = module.groups.aws_sqs_queue.this
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-groups.fifo"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo"
  }
}

override_resource {
  override_during = plan
  target          = module.groups.aws_sqs_queue.dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-groups-dlq.fifo"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups-dlq.fifo"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups-dlq.fifo"
  }
}

variables {
  name      = "swy-test-ledger"
  group_key = { json_field = "eventDetails.orderId" }
  senders   = { principal_arns = ["arn:aws:iam::111111111111:role/swy-test-shop"] }
  processor = {
    function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-ledger-processor"
    role_name    = "swy-test-ledger-processor"
    timeout      = 20
  }
  consumer = {
    function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-ledger-consumer"
    role_name    = "swy-test-ledger-consumer"
    timeout      = 30
  }
}

run "fifo_pair_with_fifo_dlqs_and_fifo_mappings" {
  command = plan

  assert {
    condition     = alltrue([for q in [module.intake, module.groups] : endswith(q.queue_name, ".fifo") && endswith(q.dlq_name, "-dlq.fifo")]) && module.intake.queue_name == "swy-test-ledger-intake.fifo" && module.groups.queue_name == "swy-test-ledger-groups.fifo"
    error_message = "Intake and grouped queues are FIFO, each with a FIFO DLQ."
  }
  assert {
    condition     = module.intake.settings.dlq.fifo_queue && module.groups.settings.dlq.fifo_queue && module.groups.settings.queue.fifo_queue && !module.groups.settings.queue.content_based_deduplication
    error_message = "The DLQs are FIFO; deduplication ids are explicit (the processor derives them from the ledger key)."
  }
  assert {
    condition     = jsondecode(module.groups.settings.queue.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-groups-dlq.fifo" && jsondecode(module.intake.settings.queue.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-intake-dlq.fifo"
    error_message = "Each queue redrives to its own FIFO DLQ."
  }
  assert {
    condition     = jsondecode(module.intake.settings.queue.redrive_policy).maxReceiveCount == 20 && jsondecode(module.groups.settings.queue.redrive_policy).maxReceiveCount == 10
    error_message = "Every receive counts, also behind a failed earlier message of the group: the intake (few groups) gets 20, the grouped queue (one order per group) 10."
  }
  assert {
    condition     = module.intake.settings.mapping.function_name == var.processor.function_arn && module.groups.settings.mapping.function_name == var.consumer.function_arn
    error_message = "The processor drains the intake, the consumer the grouped queue."
  }
  assert {
    condition     = alltrue([for m in [module.intake.settings.mapping, module.groups.settings.mapping] : m.batch_size == 10 && m.maximum_batching_window_in_seconds == null && m.function_response_types == toset(["ReportBatchItemFailures"])])
    error_message = "FIFO mappings: batch size 10, no batching window, partial batch responses."
  }
  assert {
    condition     = module.groups.settings.mapping.maximum_concurrency == 10 && module.groups.settings.queue.visibility_timeout_seconds == 180 && module.intake.settings.queue.visibility_timeout_seconds == 120
    error_message = "Competing consumers up to maximum_concurrency; visibility timeouts are 6x each function's timeout."
  }
  assert {
    condition     = output.processor_environment_variables.GROUPED_QUEUE_URL == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo" && output.processor_environment_variables.GROUP_KEY_JSON_FIELD == "eventDetails.orderId" && length(output.processor_environment_variables) == 2
    error_message = "The processor learns the grouped queue and where the group key is."
  }
  assert {
    condition     = output.intake_groups == 1
    error_message = "One constant intake group by default."
  }
}

run "only_the_processor_forwards_to_the_grouped_queue" {
  command = plan

  assert {
    condition     = one(data.aws_iam_policy_document.forward.statement).actions == toset(["sqs:SendMessage"]) && one(data.aws_iam_policy_document.forward.statement).resources == toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-ledger-groups.fifo"])
    error_message = "The processor's role may send only to the grouped queue."
  }
  assert {
    condition     = aws_iam_role_policy.forward.role == "swy-test-ledger-processor"
    error_message = "The forward grant is on the processor's role."
  }
}

run "high_throughput_sets_both_attributes_on_all_four_queues" {
  command = plan

  variables {
    high_throughput   = true
    kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition = alltrue([for q in [module.intake.settings.queue, module.intake.settings.dlq, module.groups.settings.queue, module.groups.settings.dlq] :
    q.fifo_queue && q.deduplication_scope == "messageGroup" && q.fifo_throughput_limit == "perMessageGroupId"])
    error_message = "high_throughput sets deduplication_scope = messageGroup and fifo_throughput_limit = perMessageGroupId on both queues and both DLQs."
  }
  assert {
    condition     = length(data.aws_iam_policy_document.forward.statement) == 2 && data.aws_iam_policy_document.forward.statement[1].resources == toset([var.kms_master_key_id])
    error_message = "With a CMK the processor may encrypt for the grouped queue with that key only."
  }
}

run "gap_alarm_on_the_consumers_metric_tells_how_to_replay" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.gap.namespace == "Switchyard" && aws_cloudwatch_metric_alarm.gap.metric_name == "SequenceGaps" && aws_cloudwatch_metric_alarm.gap.dimensions["service"] == "swy-test-ledger-consumer" && length(aws_cloudwatch_metric_alarm.gap.dimensions) == 1
    error_message = "The gap alarm watches the consumer's SequenceGaps metric (service dimension = its function name)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.gap.statistic == "Sum" && aws_cloudwatch_metric_alarm.gap.threshold == 0 && aws_cloudwatch_metric_alarm.gap.comparison_operator == "GreaterThanThreshold" && aws_cloudwatch_metric_alarm.gap.evaluation_periods == 5
    error_message = "Any gap in 5 consecutive minutes fires it."
  }
  assert {
    condition     = strcontains(aws_cloudwatch_metric_alarm.gap.alarm_description, "tools.convoy_replay --dlq-url https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups-dlq.fifo --queue-url https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-ledger-groups.fifo")
    error_message = "The alarm names the replay command with this convoy's queues."
  }
  assert {
    condition     = contains(output.alarm_names, "swy-test-ledger-sequence-gap") && contains(output.alarm_names, "swy-test-ledger-groups-dlq.fifo-not-empty") && length(output.alarm_names) == 9
    error_message = "alarm_names lists both queues' alarms and the gap alarm."
  }
}

run "group_key_from_a_message_attribute_and_hashed_intake_groups" {
  command = plan

  variables {
    group_key     = { message_attribute = "tenantId" }
    intake_groups = 8
  }

  assert {
    condition     = output.processor_environment_variables.GROUP_KEY_MESSAGE_ATTRIBUTE == "tenantId" && !contains(keys(output.processor_environment_variables), "GROUP_KEY_JSON_FIELD")
    error_message = "A message attribute group key reaches the processor as GROUP_KEY_MESSAGE_ATTRIBUTE only."
  }
  assert {
    condition     = output.intake_groups == 8
    error_message = "intake_groups is passed on to producers."
  }
}

run "rejects_a_group_key_in_two_places" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    group_key = { json_field = "orderId", message_attribute = "orderId" }
  }
  expect_failures = [var.group_key]
}

run "rejects_a_missing_group_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    group_key = {}
  }
  expect_failures = [var.group_key]
}

run "rejects_a_json_path_with_brackets" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    group_key = { json_field = "$.eventDetails[0]" }
  }
  expect_failures = [var.group_key]
}

run "rejects_an_intake_receive_budget_that_skips_would_exhaust" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    intake_max_receive_count = 3
  }
  expect_failures = [var.intake_max_receive_count]
}

run "rejects_zero_intake_groups" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    intake_groups = 0
  }
  expect_failures = [var.intake_groups]
}

run "rejects_a_fractional_intake_group_count" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    intake_groups = 2.5
  }
  expect_failures = [var.intake_groups]
}

run "rejects_a_consumer_batch_above_ten" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    consumer = {
      function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-ledger-consumer"
      role_name    = "swy-test-ledger-consumer"
      timeout      = 30
      batch_size   = 11
    }
  }
  expect_failures = [var.consumer]
}

run "rejects_a_processor_batch_above_ten" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    processor = {
      function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-ledger-processor"
      role_name    = "swy-test-ledger-processor"
      timeout      = 20
      batch_size   = 100
    }
  }
  expect_failures = [var.processor]
}

run "rejects_a_batching_window_on_fifo" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    consumer = {
      function_arn                       = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-ledger-consumer"
      role_name                          = "swy-test-ledger-consumer"
      timeout                            = 30
      maximum_batching_window_in_seconds = 0
    }
  }
  expect_failures = [var.consumer]
}

run "example_complete_plans" {
  command = plan

  module {
    source = "./examples/complete"
  }

  variables {
    key_arn         = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
    shop_role_arn   = "arn:aws:iam::111111111111:role/swy-example-shop"
    alarm_topic_arn = "arn:aws:sns:eu-west-1:111111111111:on-call"
  }

  assert {
    condition     = length(output.alarm_names) == 9
    error_message = "The example convoy has its nine alarms."
  }
}
