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
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
  }
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:eu-west-1:111111111111:mock", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mock" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:111111111111:function:mock"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:mock/invocations"
    }
  }
  mock_resource "aws_lambda_layer_version" {
    defaults = { arn = "arn:aws:lambda:eu-west-1:111111111111:layer:mock:1" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/mock" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mock" }
  }
  mock_resource "aws_api_gateway_api_key" {
    defaults = { id = "key123" }
  }
  mock_resource "aws_api_gateway_usage_plan" {
    defaults = { id = "plan123" }
  }
  mock_resource "aws_api_gateway_rest_api" {
    defaults = { id = "abc123", root_resource_id = "root00", execution_arn = "arn:aws:execute-api:eu-west-1:111111111111:abc123" }
  }
  mock_resource "aws_api_gateway_stage" {
    defaults = { invoke_url = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1" }
  }
}

variables {
  name_prefix   = "swy-test"
  environment   = "dev"
  artifacts_dir = "tests/fixtures"
}

# POST /registrations in front of the registration function (registration_api.tf).

override_resource {
  target          = aws_api_gateway_resource.registrations
  override_during = plan
  values          = { id = "regres" }
}

run "registration_api_proxies_to_the_function" {
  command = plan

  assert {
    condition     = aws_api_gateway_integration.register.type == "AWS_PROXY" && aws_api_gateway_integration.register.integration_http_method == "POST" && aws_api_gateway_integration.register.uri == module.registration_api_function.target_invoke_arn
    error_message = "The API must be a Lambda proxy (POST to the function's invoke ARN, or its alias's with snap_start)."
  }
  assert {
    condition     = aws_api_gateway_method.register.http_method == "POST" && aws_api_gateway_resource.registrations.path_part == "registrations"
    error_message = "Sign-ups are POST /registrations."
  }
  assert {
    condition     = output.registration_api.invoke_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/v1/registrations"
    error_message = "registration_api.invoke_url must be the stage URL plus /registrations."
  }
  assert {
    condition     = output.harness.registration_api == { rest_api_id = "abc123", resource_id = "regres", http_method = "POST" }
    error_message = "The harness output names the proxy method the harness plays."
  }
  assert {
    condition     = length(setintersection(keys(output.registration_api), ["resource_id", "http_method", "function_name"])) == 0
    error_message = "The method ids are the harness's; the function is output.registration.function_name."
  }
}

run "registration_api_permission_is_scoped_to_this_api" {
  command = plan

  assert {
    condition     = aws_lambda_permission.registration_api.principal == "apigateway.amazonaws.com" && aws_lambda_permission.registration_api.action == "lambda:InvokeFunction"
    error_message = "Only API Gateway may invoke, and only lambda:InvokeFunction."
  }
  assert {
    condition     = aws_lambda_permission.registration_api.source_arn == "arn:aws:execute-api:eu-west-1:111111111111:abc123/v1/POST/registrations"
    error_message = "The permission must name this API's execution ARN, stage, method and path: no wildcard API, stage or route."
  }
  assert {
    condition     = aws_lambda_permission.registration_api.qualifier == null
    error_message = "Without snap_start the permission is on the unqualified function (no alias exists)."
  }
}

run "registration_api_logs_and_throttles" {
  command = plan

  assert {
    condition     = module.registration_api_stage.settings.access_log_destination_arn == module.registration_api_stage.access_log_group_arn && module.registration_api_stage.settings.xray_tracing_enabled && strcontains(module.registration_api_stage.settings.access_log_format, "$context.integration.latency")
    error_message = "The stage writes access logs to its own log group and traces with X-Ray."
  }
  assert {
    condition     = alltrue([for g in values(module.registration_api_stage.settings.log_groups) : g.kms_key_id == aws_kms_key.platform.arn && g.retention_in_days == 30])
    error_message = "Access and execution logs are encrypted with the platform CMK and expire (lambda_defaults.log_retention_days)."
  }
  assert {
    condition     = module.registration_api_stage.access_log_group_name == "/aws/apigateway/swy-test-registration-api/access" && module.registration_api_stage.execution_log_group_name == "API-Gateway-Execution-Logs_abc123/v1"
    error_message = "Log group names must keep the prefixes the account baseline's API Gateway role may write to."
  }
  assert {
    condition     = module.registration_api_stage.settings.method_settings.throttling_rate_limit == 20 && module.registration_api_stage.settings.method_settings.throttling_burst_limit == 40 && !module.registration_api_stage.settings.method_settings.data_trace_enabled
    error_message = "The stage is throttled (20/s, burst 40 by default) and never logs request bodies."
  }
}

run "registration_api_throttling_follows_the_variable" {
  command = plan

  variables {
    registration_api = { rate_limit = 5, burst_limit = 10 }
  }

  assert {
    condition     = module.registration_api_stage.settings.method_settings.throttling_rate_limit == 5 && module.registration_api_stage.settings.method_settings.throttling_burst_limit == 10
    error_message = "registration_api sets the stage's throttling."
  }
}

run "registration_api_rejects_zero_rate" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    registration_api = { rate_limit = 0 }
  }

  expect_failures = [var.registration_api]
}

# arm64 is the default end to end: the layer's compatible architecture and every function.
run "arm64_by_default" {
  command = plan

  assert {
    condition     = aws_lambda_layer_version.shared.compatible_architectures == toset(["arm64"]) && module.registration_api_function.function_name != "" && module.audit_function.function_name != ""
    error_message = "The shared layer is published for arm64 by default."
  }
}

# tests/fixtures/layers/shared.architecture says arm64, as make writes it beside the zip.
run "refuses_a_layer_packaged_for_another_architecture" {
  command = plan

  variables {
    lambda_defaults = { architecture = "x86_64" }
  }

  expect_failures = [aws_lambda_layer_version.shared]
}
