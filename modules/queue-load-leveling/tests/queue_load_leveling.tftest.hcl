mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked below fails as unknown, never passes.
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:111111111111:mock", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mock" }
  }
  mock_resource "aws_api_gateway_request_validator" {
    defaults = { id = "val123" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = { id = "abc123", root_resource_id = "root00", execution_arn = "arn:aws:execute-api:eu-west-1:111111111111:abc123" }
  }
}

variables {
  name = "swy-test-voting"
  write_route = {
    path = "polls/{pollId}/votes"
    schema = jsonencode({
      "$schema"  = "http://json-schema.org/draft-04/schema#"
      type       = "object"
      required   = ["userId", "choice"]
      properties = { userId = { type = "string" }, choice = { type = "string" } }
    })
  }
  read_route = {
    path              = "polls/{pollId}/results"
    table_arn         = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-tallies"
    request_template  = "{\"TableName\":\"swy-test-tallies\"}"
    response_template = "{}"
  }
  consumer = {
    function_arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-voting"
    role_name    = "swy-test-voting-role"
    timeout      = 30
  }
  log_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dlq.sqs_managed_sse_enabled
    error_message = "Both queues are encrypted at rest."
  }
  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 5 && jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dlq.arn
    error_message = "The queue redrives to its DLQ after max_receive_count receives."
  }
  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 180
    error_message = "Visibility timeout defaults to 6x the consumer's timeout."
  }
  assert {
    condition     = alltrue([for k in ["queue", "dlq"] : alltrue([for s in data.aws_iam_policy_document.tls_only[k].statement : s.effect == "Deny" && one(s.condition).variable == "aws:SecureTransport" && contains(one(s.condition).values, "false")])])
    error_message = "Both queue policies deny non-TLS access."
  }
  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 5 && aws_lambda_event_source_mapping.this.batch_size == 10 && aws_lambda_event_source_mapping.this.maximum_batching_window_in_seconds == 1
    error_message = "The mapping reports partial failures, bounds concurrency and batches."
  }
  assert {
    condition = (
      length(data.aws_iam_policy_document.integration.statement) == 1 &&
      data.aws_iam_policy_document.integration.statement[0].actions == toset(["sqs:SendMessage"]) &&
      data.aws_iam_policy_document.integration.statement[0].resources == toset([aws_sqs_queue.this.arn])
    )
    error_message = "The integration role may only sqs:SendMessage, on this queue only."
  }
  assert {
    condition     = data.aws_iam_policy_document.read[0].statement[0].actions == toset(["dynamodb:Query"]) && data.aws_iam_policy_document.read[0].statement[0].resources == toset([var.read_route.table_arn])
    error_message = "The read role may only Query the read-model table."
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.consumer.statement : alltrue([for a in s.actions : !strcontains(a, "*")]) && !contains(s.resources, "*")])
    error_message = "The consumer grant names its actions and resources."
  }
  assert {
    condition     = aws_api_gateway_integration.write.uri == "arn:aws:apigateway:eu-west-1:sqs:path/111111111111/swy-test-voting" && aws_api_gateway_integration.write.type == "AWS" && aws_api_gateway_integration.write.credentials == aws_iam_role.integration.arn
    error_message = "The write route is a direct SQS integration through the integration role."
  }
  assert {
    condition     = aws_api_gateway_integration.write.request_parameters["integration.request.header.Content-Type"] == "'application/x-www-form-urlencoded'" && aws_api_gateway_integration.write.passthrough_behavior == "NEVER"
    error_message = "SQS receives form parameters, and only from the template."
  }
  assert {
    condition = alltrue([
      for fragment in ["Action=SendMessage", "MessageBody=$util.urlEncode($input.body)", "$context.requestId", "$context.requestTimeEpoch", "Name=pollId", "$input.params().path.get('pollId')"] :
      strcontains(aws_api_gateway_integration.write.request_templates["application/json"], fragment)
    ])
    error_message = "The template queues the body with the request id, the receive time and the path parameters."
  }
  assert {
    condition     = aws_api_gateway_method.write.request_validator_id == aws_api_gateway_request_validator.this.id && aws_api_gateway_request_validator.this.validate_request_body && aws_api_gateway_method.write.request_models["application/json"] == aws_api_gateway_model.write.name
    error_message = "Bodies are validated against the model before anything is queued."
  }
  assert {
    condition     = aws_api_gateway_method_response.write_accepted.status_code == "202" && aws_api_gateway_integration_response.write_accepted.response_templates["application/json"] == "{\"requestId\":\"$context.requestId\"}"
    error_message = "An accepted write answers 202 with the request id."
  }
  assert {
    condition     = aws_api_gateway_method.write.api_key_required && aws_api_gateway_method.write.authorization == "NONE" && length(aws_api_gateway_usage_plan_key.this) == 1
    error_message = "API key + usage plan is the default access control."
  }
  assert {
    condition     = aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 100 && aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 200 && !aws_api_gateway_method_settings.all.settings[0].data_trace_enabled
    error_message = "The stage is throttled and does not log request bodies."
  }
  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled && aws_api_gateway_stage.this.access_log_settings[0].destination_arn == aws_cloudwatch_log_group.access.arn
    error_message = "The stage traces and writes access logs."
  }
  assert {
    condition     = alltrue([for g in [aws_cloudwatch_log_group.access, aws_cloudwatch_log_group.execution] : g.kms_key_id == var.log_kms_key_arn && g.retention_in_days == 30])
    error_message = "API log groups are encrypted with the CMK and have retention."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.dlq_depth.dimensions.QueueName == aws_sqs_queue.dlq.name && aws_cloudwatch_metric_alarm.dlq_depth.threshold == 0
    error_message = "The DLQ has a depth alarm."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.oldest_message_age.metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.oldest_message_age.threshold == 300
    error_message = "The queue has an oldest-message-age alarm."
  }
  assert {
    condition     = length(aws_api_gateway_resource.depth1) == 1 && length(aws_api_gateway_resource.depth2) == 1 && length(aws_api_gateway_resource.depth3) == 2 && length(aws_api_gateway_resource.depth4) == 0
    error_message = "Shared path prefixes are created once: polls, {pollId}, votes and results."
  }
}

run "iam_auth_has_no_api_key" {
  command = plan

  variables {
    access_control = "iam"
  }

  assert {
    condition     = aws_api_gateway_method.write.authorization == "AWS_IAM" && !aws_api_gateway_method.write.api_key_required && aws_api_gateway_method.read[0].authorization == "AWS_IAM"
    error_message = "IAM auth signs every route."
  }
  assert {
    condition     = length(aws_api_gateway_usage_plan.this) == 0 && length(aws_api_gateway_api_key.this) == 0 && output.api_key_id == null
    error_message = "No API key or usage plan with IAM auth."
  }
}

run "customer_managed_queue_key" {
  command = plan

  variables {
    kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  }

  assert {
    condition     = aws_sqs_queue.this.kms_master_key_id == var.kms_master_key_id && aws_sqs_queue.dlq.kms_master_key_id == var.kms_master_key_id
    error_message = "Both queues use the given CMK."
  }
  assert {
    condition     = contains([for s in data.aws_iam_policy_document.integration.statement : s.sid], "EncryptForQueue")
    error_message = "The integration role can use the queue's key."
  }
}

run "write_only_api" {
  command = plan

  variables {
    read_route = null
  }

  assert {
    condition     = length(aws_api_gateway_method.read) == 0 && length(aws_iam_role.read) == 0 && output.read_resource_id == null
    error_message = "Without a read route there is no read method or role."
  }
}

run "rejects_concurrency_of_one" {
  command = plan
  variables {
    maximum_concurrency = 1
  }
  expect_failures = [var.maximum_concurrency]
}

run "rejects_concurrency_above_1000" {
  command = plan
  variables {
    maximum_concurrency = 1001
  }
  expect_failures = [var.maximum_concurrency]
}

run "rejects_short_visibility_timeout" {
  command = plan
  variables {
    visibility_timeout_seconds = 60
  }
  expect_failures = [var.visibility_timeout_seconds]
}

run "rejects_unknown_access_control" {
  command = plan
  variables {
    access_control = "none"
  }
  expect_failures = [var.access_control]
}

run "rejects_leading_slash_path" {
  command = plan
  variables {
    write_route = { path = "/polls/{pollId}/votes", schema = "{\"type\":\"object\"}" }
  }
  expect_failures = [var.write_route]
}

run "rejects_schema_that_is_not_json_schema" {
  command = plan
  variables {
    write_route = { path = "votes", schema = "not json" }
  }
  expect_failures = [var.write_route]
}

run "rejects_write_get" {
  command = plan
  variables {
    write_route = { path = "votes", http_method = "GET", schema = "{\"type\":\"object\"}" }
  }
  expect_failures = [var.write_route]
}

run "rejects_writable_read_action" {
  command = plan
  variables {
    read_route = {
      path              = "results"
      table_arn         = "arn:aws:dynamodb:eu-west-1:111111111111:table/t"
      action            = "PutItem"
      request_template  = "{}"
      response_template = "{}"
    }
  }
  expect_failures = [var.read_route]
}

run "rejects_big_batch_without_window" {
  command = plan
  variables {
    batch_size                         = 100
    maximum_batching_window_in_seconds = 0
  }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "rejects_template_that_does_not_send" {
  command = plan
  variables {
    request_template = "Action=DeleteQueue"
  }
  expect_failures = [var.request_template]
}
