mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked fails as unknown, never passes.
  override_during = plan
  source          = "../../tests/mocks"
}

# The queue and the DLQ get distinct ARNs and URLs, so "redrives to its own DLQ" and
# "SendMessage only on this queue" compare different values and can fail.
override_resource {
  target          = aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-orders"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-orders"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-orders"
  }
}

override_resource {
  target          = aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-orders-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-orders-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-orders-dlq"
  }
}

variables {
  name = "swy-test-orders"
  senders = {
    principal_arns = ["arn:aws:iam::111111111111:role/swy-test-producer"]
    services       = [{ principal = "sns.amazonaws.com", source_arns = ["arn:aws:sns:eu-west-1:111111111111:swy-test-topic"] }]
  }
  consumer = {
    function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-orders"
    role_name    = "swy-test-orders-role"
    timeout      = 30
  }
  alarm_actions = ["arn:aws:sns:eu-west-1:111111111111:on-call"]
}

run "standard_queue_secure_defaults" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dlq.sqs_managed_sse_enabled && aws_sqs_queue.this.kms_master_key_id == null
    error_message = "Without a CMK both queues use SSE-SQS."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-orders-dlq" && jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5
    error_message = "The queue redrives to its own DLQ after max_receive_count receives."
  }
  assert {
    condition     = aws_sqs_queue.this.name == "swy-test-orders" && aws_sqs_queue.dlq.name == "swy-test-orders-dlq" && aws_sqs_queue.this.fifo_queue == false
    error_message = "A standard queue is <name>, its DLQ <name>-dlq."
  }
  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 180
    error_message = "Visibility timeout defaults to 6x the consumer's timeout."
  }
  assert {
    condition     = aws_sqs_queue.dlq.message_retention_seconds > aws_sqs_queue.this.message_retention_seconds
    error_message = "The DLQ keeps messages longer than the queue (standard queues keep the original enqueue time)."
  }
}

run "policies_deny_non_tls_and_admit_only_named_senders" {
  command = plan

  assert {
    condition = alltrue([for k, d in data.aws_iam_policy_document.queue : alltrue([
      for s in d.statement : s.effect == "Deny" && one(s.condition).variable == "aws:SecureTransport" && one(s.condition).values == tolist(["false"]) && s.actions == toset(["sqs:*"]) if s.sid == "DenyInsecureTransport"
    ]) && length([for s in d.statement : s if s.sid == "DenyInsecureTransport"]) == 1])
    error_message = "Both queue policies deny every action without TLS."
  }
  assert {
    condition = alltrue(flatten([for k, d in data.aws_iam_policy_document.queue : [
      for s in d.statement : s.resources == toset([k == "queue" ? "arn:aws:sqs:eu-west-1:111111111111:swy-test-orders" : "arn:aws:sqs:eu-west-1:111111111111:swy-test-orders-dlq"])
    ]]))
    error_message = "Each policy's statements name only its own queue."
  }
  assert {
    condition     = [for s in data.aws_iam_policy_document.queue["queue"].statement : one(s.principals).identifiers if s.sid == "NamedPrincipalsSend"][0] == toset(["arn:aws:iam::111111111111:role/swy-test-producer"])
    error_message = "The named role may send to the queue."
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.queue["queue"].statement : s.actions == toset(["sqs:SendMessage"]) && one(s.principals).identifiers == toset(["sns.amazonaws.com"]) && one(s.condition).test == "ArnEquals" && one(s.condition).variable == "aws:SourceArn" && one(s.condition).values == tolist(["arn:aws:sns:eu-west-1:111111111111:swy-test-topic"]) if s.sid == "ServiceSends0"]) && length([for s in data.aws_iam_policy_document.queue["queue"].statement : s if s.sid == "ServiceSends0"]) == 1
    error_message = "The service principal may send only on behalf of the named source ARN."
  }
  assert {
    condition     = alltrue(flatten([for d in data.aws_iam_policy_document.queue : [for s in d.statement : s.effect == "Deny" || s.actions == toset(["sqs:SendMessage"])]]))
    error_message = "Allow statements grant sqs:SendMessage and nothing else."
  }
  assert {
    condition     = [for s in data.aws_iam_policy_document.queue["dlq"].statement : one(s.principals).identifiers if s.sid == "NamedPrincipalsSend"][0] == toset(["arn:aws:iam::111111111111:role/swy-test-orders-role"])
    error_message = "Only the consumer's role (parking poison) may send to the DLQ when no dlq_senders are given."
  }
  assert {
    condition     = aws_sqs_queue_policy.this.queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-orders" && aws_sqs_queue_policy.dlq.queue_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-orders-dlq"
    error_message = "Each policy is attached to its own queue."
  }
}

run "consumer_mapping_and_least_privilege" {
  command = plan

  assert {
    condition     = aws_lambda_event_source_mapping.this[0].event_source_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-orders" && aws_lambda_event_source_mapping.this[0].function_name == "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-orders"
    error_message = "The mapping feeds this queue to the consumer."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this[0].function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.this[0].batch_size == 10 && aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds == 1 && aws_lambda_event_source_mapping.this[0].scaling_config[0].maximum_concurrency == 2
    error_message = "The mapping reports partial batch failures, batches 10 within 1 s, at most 2 concurrent."
  }
  assert {
    condition     = length(aws_lambda_event_source_mapping.this[0].filter_criteria) == 0
    error_message = "Without filter_patterns the mapping has no filter."
  }
  assert {
    condition = aws_iam_role_policy.consumer[0].role == "swy-test-orders-role" && {
      for s in data.aws_iam_policy_document.consumer[0].statement : s.sid => { actions = s.actions, resources = s.resources }
      } == {
      ConsumeQueue          = { actions = toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]), resources = toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-orders"]) }
      ParkInDeadLetterQueue = { actions = toset(["sqs:SendMessage"]), resources = toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-orders-dlq"]) }
    }
    error_message = "The consumer's role may receive/delete/get attributes on its queue and send to its DLQ, nothing else (no KMS without a CMK)."
  }
  assert {
    condition     = length(aws_cloudwatch_metric_alarm.consumer) == 2 && aws_cloudwatch_metric_alarm.consumer["errors"].metric_name == "Errors" && aws_cloudwatch_metric_alarm.consumer["throttles"].metric_name == "Throttles" && alltrue([for a in aws_cloudwatch_metric_alarm.consumer : a.dimensions.FunctionName == "swy-test-orders" && a.namespace == "AWS/Lambda"])
    error_message = "The consumer function has Errors and Throttles alarms on its own name."
  }
}

run "alarms_on_dlq_depth_and_oldest_message_age" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq_depth.dimensions.QueueName == "swy-test-orders-dlq" && aws_cloudwatch_metric_alarm.dlq_depth.metric_name == "ApproximateNumberOfMessagesVisible" && aws_cloudwatch_metric_alarm.dlq_depth.threshold == 0
    error_message = "The DLQ alarms as soon as it holds a message."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.oldest_message_age.dimensions.QueueName == "swy-test-orders" && aws_cloudwatch_metric_alarm.oldest_message_age.metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.oldest_message_age.threshold == 300
    error_message = "The queue alarms when its oldest message waited over 5 minutes."
  }
  assert {
    condition     = alltrue([for a in concat([aws_cloudwatch_metric_alarm.dlq_depth, aws_cloudwatch_metric_alarm.oldest_message_age], values(aws_cloudwatch_metric_alarm.consumer)) : a.alarm_actions == toset(["arn:aws:sns:eu-west-1:111111111111:on-call"]) && a.ok_actions == toset(["arn:aws:sns:eu-west-1:111111111111:on-call"])])
    error_message = "Every alarm notifies alarm_actions on both transitions."
  }
  assert {
    condition     = length(output.alarm_names) == 4
    error_message = "alarm_names lists all four alarms."
  }
}

run "fifo_high_throughput_with_cmk_and_filter" {
  command = plan
  variables {
    fifo              = { high_throughput = true }
    kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
    consumer = {
      function_arn    = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-orders"
      role_name       = "swy-test-orders-role"
      timeout         = 30
      filter_patterns = ["{\"body\":{\"kind\":[\"order\"]}}"]
    }
  }

  assert {
    condition     = aws_sqs_queue.this.name == "swy-test-orders.fifo" && aws_sqs_queue.dlq.name == "swy-test-orders-dlq.fifo" && aws_sqs_queue.this.fifo_queue && aws_sqs_queue.dlq.fifo_queue
    error_message = "A FIFO queue and its FIFO DLQ get the .fifo suffix."
  }
  assert {
    condition     = aws_sqs_queue.this.deduplication_scope == "messageGroup" && aws_sqs_queue.this.fifo_throughput_limit == "perMessageGroupId" && !aws_sqs_queue.this.content_based_deduplication
    error_message = "high_throughput sets both deduplication_scope and fifo_throughput_limit; deduplication ids are explicit by default."
  }
  assert {
    condition     = aws_sqs_queue.dlq.deduplication_scope == "messageGroup" && aws_sqs_queue.dlq.fifo_throughput_limit == "perMessageGroupId"
    error_message = "The FIFO DLQ follows the queue's high-throughput mode."
  }
  assert {
    condition     = alltrue([for q in [aws_sqs_queue.this, aws_sqs_queue.dlq] : q.kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222" && q.kms_data_key_reuse_period_seconds == 300 && !q.sqs_managed_sse_enabled])
    error_message = "With a CMK both queues use it instead of SSE-SQS."
  }
  assert {
    condition     = one([for s in data.aws_iam_policy_document.consumer[0].statement : s if s.sid == "UseQueueKey"]).resources == toset(["arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"])
    error_message = "With a CMK the consumer may use that key (and no other)."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this[0].maximum_batching_window_in_seconds == null
    error_message = "FIFO mappings have no batching window."
  }
  assert {
    condition     = [for f in aws_lambda_event_source_mapping.this[0].filter_criteria[0].filter : jsondecode(f.pattern)] == [{ body = { kind = ["order"] } }]
    error_message = "filter_patterns become the mapping's filter criteria."
  }
}

run "fifo_content_based_deduplication" {
  command = plan
  variables {
    fifo = { content_based_deduplication = true }
  }

  assert {
    condition     = aws_sqs_queue.this.content_based_deduplication && aws_sqs_queue.dlq.content_based_deduplication
    error_message = "content_based_deduplication applies to the queue and its DLQ."
  }
}

run "queue_without_consumer_for_a_service_sender" {
  command = plan
  variables {
    consumer    = null
    senders     = { services = [{ principal = "events.amazonaws.com", source_arns = ["arn:aws:events:eu-west-1:111111111111:rule/swy-test"] }] }
    dlq_senders = { services = [{ principal = "events.amazonaws.com", source_arns = ["arn:aws:events:eu-west-1:111111111111:rule/swy-test"] }] }
  }

  assert {
    condition     = length(aws_lambda_event_source_mapping.this) == 0 && length(aws_iam_role_policy.consumer) == 0 && length(aws_cloudwatch_metric_alarm.consumer) == 0
    error_message = "consumer = null: no mapping, no grants, no function alarms."
  }
  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 30 && output.event_source_mapping_uuid == null
    error_message = "Without a consumer the visibility timeout is SQS's default."
  }
  assert {
    condition     = alltrue([for k, d in data.aws_iam_policy_document.queue : [for s in d.statement : one(s.principals).identifiers if s.sid != "DenyInsecureTransport"] == [toset(["events.amazonaws.com"])]])
    error_message = "Only EventBridge (for that rule) may send to the queue and its DLQ."
  }
}

run "examples_complete_plans" {
  command = plan
  module {
    source = "./examples/complete"
  }
  variables {
    key_arn           = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
    topic_arn         = "arn:aws:sns:eu-west-1:111111111111:example-ledger"
    producer_role_arn = "arn:aws:iam::111111111111:role/example-producer"
    alarm_topic_arn   = "arn:aws:sns:eu-west-1:111111111111:on-call"
  }

  assert {
    condition     = length(output.ledger_alarm_names) == 4
    error_message = "The complete example plans with all four alarms."
  }
}

run "rejects_dlq_retention_not_longer_than_the_queue" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    message_retention_seconds     = 1209600
    dlq_message_retention_seconds = 1209600
  }
  expect_failures = [var.dlq_message_retention_seconds]
}

run "rejects_batching_window_on_fifo" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    fifo     = {}
    consumer = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f-role", timeout = 30, maximum_batching_window_in_seconds = 5 }
  }
  expect_failures = [var.consumer]
}

run "rejects_fifo_batch_above_ten" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    fifo     = {}
    consumer = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f-role", timeout = 30, batch_size = 11 }
  }
  expect_failures = [var.consumer]
}

run "rejects_concurrency_below_two" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    consumer = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f-role", timeout = 30, maximum_concurrency = 1 }
  }
  expect_failures = [var.consumer]
}

run "rejects_a_filter_that_is_not_a_json_object" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    consumer = { function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:f", role_name = "f-role", timeout = 30, filter_patterns = ["kind = order"] }
  }
  expect_failures = [var.consumer]
}

run "rejects_no_senders" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    senders = {}
  }
  expect_failures = [var.senders]
}

run "rejects_a_service_sender_without_source_arn" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    senders = { services = [{ principal = "sns.amazonaws.com", source_arns = [] }] }
  }
  expect_failures = [var.senders]
}

run "rejects_a_user_as_sender" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    senders = { principal_arns = ["arn:aws:iam::111111111111:user/alice"] }
  }
  expect_failures = [var.senders]
}

run "rejects_visibility_below_six_times_the_timeout" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    visibility_timeout_seconds = 60
  }
  expect_failures = [var.visibility_timeout_seconds]
}

run "rejects_a_name_with_fifo_suffix" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    name = "swy-test-orders.fifo"
  }
  expect_failures = [var.name]
}

run "rejects_a_key_alias" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    kms_master_key_id = "alias/aws/sqs"
  }
  expect_failures = [var.kms_master_key_id]
}

run "settings_output_reports_what_was_planned" {
  command = plan

  variables {
    fifo = { high_throughput = true }
  }

  assert {
    condition     = output.settings.queue.fifo_queue && output.settings.dlq.fifo_queue && output.settings.dlq.deduplication_scope == "messageGroup" && output.settings.queue.fifo_throughput_limit == "perMessageGroupId"
    error_message = "settings reports both queues' FIFO mode."
  }
  assert {
    condition     = output.settings.mapping.batch_size == 10 && output.settings.mapping.maximum_batching_window_in_seconds == null && output.settings.mapping.maximum_concurrency == 2 && output.settings.queue.visibility_timeout_seconds == 180
    error_message = "settings reports the mapping and the visibility timeout."
  }
}
