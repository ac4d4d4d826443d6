mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked fails as unknown, never passes.
  override_during = plan
  source          = "../../tests/mocks"
}

# Distinct ARNs for the queue and its DLQ, so "on this queue only" can fail.
override_resource {
  target          = module.queue.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-voting"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-voting"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-voting"
  }
}

override_resource {
  target          = module.queue.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-voting-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-voting-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-voting-dlq"
  }
}

override_resource {
  target          = aws_iam_role.integration
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/swy-test-voting-integration" }
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
    condition     = output.queue_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-voting" && output.dlq_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-voting-dlq" && output.queue_name == "swy-test-voting"
    error_message = "The module's queue and DLQ come from ../sqs-queue (tested there: SSE, redrive, TLS-only policy, mapping, alarms)."
  }
  assert {
    condition = (
      length(data.aws_iam_policy_document.integration.statement) == 1 &&
      data.aws_iam_policy_document.integration.statement[0].actions == toset(["sqs:SendMessage"]) &&
      data.aws_iam_policy_document.integration.statement[0].resources == toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-voting"])
    )
    error_message = "The integration role may only sqs:SendMessage, on this queue only."
  }
  assert {
    condition     = data.aws_iam_policy_document.read[0].statement[0].actions == toset(["dynamodb:Query"]) && data.aws_iam_policy_document.read[0].statement[0].resources == toset([var.read_route.table_arn])
    error_message = "The read role may only Query the read-model table."
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
    condition     = aws_api_gateway_method.write.authorization == "AWS_IAM" && !aws_api_gateway_method.write.api_key_required && aws_api_gateway_method.read[0].authorization == "AWS_IAM" && length(aws_api_gateway_usage_plan_key.this) == 0
    error_message = "IAM (SigV4) is the default access control, on every route."
  }
  assert {
    condition     = strcontains(aws_api_gateway_integration.write.request_templates["application/json"], "&MessageAttribute.3.Name=callerId&MessageAttribute.3.Value.DataType=String&MessageAttribute.3.Value.StringValue=$util.urlEncode($context.identity.caller)&MessageAttribute.4.Name=pollId&")
    error_message = "The signer goes with the message as callerId, from $context, never from the body."
  }
  assert {
    condition     = output.route_arns == { write = "arn:aws:execute-api:eu-west-1:111111111111:abc123/v1/POST/polls/*/votes", read = "arn:aws:execute-api:eu-west-1:111111111111:abc123/v1/GET/polls/*/results" }
    error_message = "Each route's execute-api:Invoke resource is this API, stage, method and path."
  }
  assert {
    condition     = [for st in data.aws_iam_policy_document.invoke.statement : [st.actions, st.resources]] == [[toset(["execute-api:Invoke"]), toset(values(output.route_arns))]]
    error_message = "A caller's policy allows Invoke on the two routes, nothing else."
  }
  assert {
    condition     = module.stage.settings.method_settings.throttling_rate_limit == 100 && module.stage.settings.method_settings.throttling_burst_limit == 200 && !module.stage.settings.method_settings.data_trace_enabled
    error_message = "The stage is throttled and does not log request bodies."
  }
  assert {
    condition     = module.stage.settings.xray_tracing_enabled && module.stage.settings.access_log_destination_arn == module.stage.access_log_group_arn && module.stage.access_log_group_name == "/aws/apigateway/swy-test-voting/access"
    error_message = "The stage traces and writes access logs."
  }
  assert {
    condition     = keys(jsondecode(module.stage.settings.access_log_format)) == ["apiKeyId", "caller", "httpMethod", "integrationError", "integrationStatus", "requestId", "requestTimeEpoch", "resourcePath", "responseLength", "sourceIp", "status", "validationError"]
    error_message = "Access log lines also name the API key, the caller and the validation error."
  }
  assert {
    condition     = alltrue([for g in values(module.stage.settings.log_groups) : g.kms_key_id == var.log_kms_key_arn && g.retention_in_days == 30])
    error_message = "API log groups are encrypted with the CMK and have retention."
  }
  assert {
    condition     = output.alarm_names == ["swy-test-voting-dlq-not-empty", "swy-test-voting-falling-behind", "swy-test-voting-errors", "swy-test-voting-throttles"]
    error_message = "The queue has DLQ-depth and oldest-message-age alarms, the consumer Errors and Throttles alarms."
  }
  assert {
    condition     = length(aws_api_gateway_resource.depth1) == 1 && length(aws_api_gateway_resource.depth2) == 1 && length(aws_api_gateway_resource.depth3) == 2 && length(aws_api_gateway_resource.depth4) == 0
    error_message = "Shared path prefixes are created once: polls, {pollId}, votes and results."
  }
}

run "api_key_access_has_a_key_and_no_caller" {
  command = plan

  variables {
    access_control = "api_key"
  }

  assert {
    condition     = aws_api_gateway_method.write.authorization == "NONE" && aws_api_gateway_method.write.api_key_required && aws_api_gateway_method.read[0].api_key_required
    error_message = "API key access: x-api-key on every route, no signature."
  }
  assert {
    condition     = length(aws_api_gateway_usage_plan.this) == 1 && length(aws_api_gateway_api_key.this) == 1 && length(aws_api_gateway_usage_plan_key.this) == 1
    error_message = "API key access creates the key and a usage plan."
  }
  assert {
    condition     = !strcontains(aws_api_gateway_integration.write.request_templates["application/json"], "callerId") && strcontains(aws_api_gateway_integration.write.request_templates["application/json"], "&MessageAttribute.3.Name=pollId&")
    error_message = "Behind an API key no caller is known, so none is queued."
  }
}

run "customer_managed_queue_key" {
  command = plan

  variables {
    kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.integration.statement : try(
      s.sid == "EncryptForQueueThroughSqs" && s.resources == toset(["arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"])
      && one(s.condition).test == "StringEquals" && one(s.condition).variable == "kms:ViaService" && one(s.condition).values == tolist(["sqs.eu-west-1.amazonaws.com"])
    , false)])
    error_message = "The integration role can use the queue's key, and only through SQS (kms:ViaService)."
  }
}

run "api_gateway_assumes_the_roles_only_for_this_api_in_this_account" {
  command = plan

  assert {
    condition = alltrue([for s in data.aws_iam_policy_document.apigateway_assume.statement : try(
      one(s.principals).identifiers == toset(["apigateway.amazonaws.com"])
      && { for c in s.condition : c.variable => [c.test, c.values] } == {
        "aws:SourceAccount" = ["StringEquals", tolist(["111111111111"])]
        "aws:SourceArn"     = ["ArnLike", tolist(["arn:aws:execute-api:eu-west-1:111111111111:abc123/*"])]
      }
    , false)])
    error_message = "The integration and read roles (both use this trust document) trust apigateway.amazonaws.com only with aws:SourceAccount = this account and aws:SourceArn = this API's execution ARN."
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
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    maximum_concurrency = 1
  }
  expect_failures = [var.maximum_concurrency]
}

run "rejects_concurrency_above_1000" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    maximum_concurrency = 1001
  }
  expect_failures = [var.maximum_concurrency]
}

run "rejects_short_visibility_timeout" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    visibility_timeout_seconds = 60
  }
  expect_failures = [var.visibility_timeout_seconds]
}

run "rejects_unknown_access_control" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    access_control = "none"
  }
  expect_failures = [var.access_control]
}

run "rejects_leading_slash_path" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    write_route = { path = "/polls/{pollId}/votes", schema = "{\"type\":\"object\"}" }
  }
  expect_failures = [var.write_route]
}

run "rejects_schema_that_is_not_json_schema" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    write_route = { path = "votes", schema = "not json" }
  }
  expect_failures = [var.write_route]
}

run "rejects_write_get" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    write_route = { path = "votes", http_method = "GET", schema = "{\"type\":\"object\"}" }
  }
  expect_failures = [var.write_route]
}

run "rejects_writable_read_action" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
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
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    batch_size                         = 100
    maximum_batching_window_in_seconds = 0
  }
  expect_failures = [var.maximum_batching_window_in_seconds]
}

run "rejects_template_that_does_not_send" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    request_template = "Action=DeleteQueue"
  }
  expect_failures = [var.request_template]
}
