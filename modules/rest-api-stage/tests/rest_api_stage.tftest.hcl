mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan.
  override_during = plan
  source          = "../../tests/mocks"

  mock_resource "aws_api_gateway_stage" {
    defaults = { invoke_url = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1", arn = "arn:aws:apigateway:eu-west-1::/restapis/abc123/stages/v1" }
  }
}

# The two log groups get distinct ARNs, so "writes access logs to the access group" can fail.
override_resource {
  target          = aws_cloudwatch_log_group.access
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/apigateway/swy-test-api/access" }
}

override_resource {
  target          = aws_cloudwatch_log_group.execution
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:API-Gateway-Execution-Logs_abc123/v1" }
}

variables {
  name            = "swy-test-api"
  rest_api_id     = "abc123"
  deployment_id   = "dep456"
  throttling      = { rate_limit = 50, burst_limit = 100 }
  log_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
}

run "the_stage_traces_and_writes_json_access_logs" {
  command = plan

  assert {
    condition     = aws_api_gateway_stage.this.xray_tracing_enabled && aws_api_gateway_stage.this.deployment_id == "dep456" && aws_api_gateway_stage.this.stage_name == "v1"
    error_message = "The stage serves the given deployment as v1 and traces with X-Ray."
  }
  assert {
    condition     = aws_api_gateway_stage.this.access_log_settings[0].destination_arn == "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/apigateway/swy-test-api/access"
    error_message = "Access logs go to the access log group (not the execution one)."
  }
  assert {
    condition = jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format) == {
      requestId         = "$context.requestId"
      requestTimeEpoch  = "$context.requestTimeEpoch"
      httpMethod        = "$context.httpMethod"
      resourcePath      = "$context.resourcePath"
      status            = "$context.status"
      responseLength    = "$context.responseLength"
      sourceIp          = "$context.identity.sourceIp"
      integrationStatus = "$context.integration.status"
      integrationError  = "$context.integration.error"
    }
    error_message = "Every access log line is JSON with the request, its status and the integration's outcome."
  }
}

run "both_log_groups_are_encrypted_expire_and_keep_the_baseline_prefixes" {
  command = plan

  assert {
    condition     = alltrue([for g in [aws_cloudwatch_log_group.access, aws_cloudwatch_log_group.execution] : g.kms_key_id == var.log_kms_key_arn && g.retention_in_days == 30])
    error_message = "Access and execution logs are encrypted with the CMK and expire."
  }
  assert {
    condition     = aws_cloudwatch_log_group.access.name == "/aws/apigateway/swy-test-api/access" && aws_cloudwatch_log_group.execution.name == "API-Gateway-Execution-Logs_abc123/v1"
    error_message = "Log group names keep the prefixes the account baseline's API Gateway role may write to; the execution group is the one API Gateway writes to."
  }
}

run "every_method_is_throttled_without_data_trace_or_cache" {
  command = plan

  assert {
    condition     = aws_api_gateway_method_settings.all.method_path == "*/*" && aws_api_gateway_method_settings.all.stage_name == "v1"
    error_message = "The settings cover every method of the stage."
  }
  assert {
    condition     = aws_api_gateway_method_settings.all.settings[0].throttling_rate_limit == 50 && aws_api_gateway_method_settings.all.settings[0].throttling_burst_limit == 100 && aws_api_gateway_method_settings.all.settings[0].metrics_enabled && aws_api_gateway_method_settings.all.settings[0].logging_level == "ERROR"
    error_message = "Methods are throttled as given, with metrics and ERROR-level execution logs."
  }
  assert {
    condition     = !aws_api_gateway_method_settings.all.settings[0].data_trace_enabled && !aws_api_gateway_method_settings.all.settings[0].caching_enabled
    error_message = "Request and response bodies never reach the logs, and nothing is cached."
  }
  assert {
    condition     = output.settings.method_settings.throttling_rate_limit == 50 && output.invoke_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/v1" && output.access_log_group_name == "/aws/apigateway/swy-test-api/access"
    error_message = "The outputs report the stage's settings, URL and access log group."
  }
}

run "extra_fields_join_the_access_log_line" {
  command = plan

  variables {
    stage_name              = "live"
    access_log_extra_fields = { apiKeyId = "$context.identity.apiKeyId", integrationMs = "$context.integration.latency" }
  }

  assert {
    condition     = jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format).apiKeyId == "$context.identity.apiKeyId" && length(keys(jsondecode(aws_api_gateway_stage.this.access_log_settings[0].format))) == 11
    error_message = "access_log_extra_fields are added to the module's fields."
  }
  assert {
    condition     = aws_cloudwatch_log_group.execution.name == "API-Gateway-Execution-Logs_abc123/live"
    error_message = "The execution log group follows the stage name."
  }
}

run "rejects_extra_fields_that_are_not_context_variables" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    access_log_extra_fields = { caller = "someone" }
  }
  expect_failures = [var.access_log_extra_fields]
}

run "rejects_a_zero_rate" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    throttling = { rate_limit = 0, burst_limit = 10 }
  }
  expect_failures = [var.throttling]
}

run "rejects_a_retention_cloudwatch_does_not_offer" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    log_retention_days = 10
  }
  expect_failures = [var.log_retention_days]
}

run "rejects_an_alias_for_the_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    log_kms_key_arn = "alias/logs"
  }
  expect_failures = [var.log_kms_key_arn]
}
