# Registration behind API Gateway: POST /registrations -> Lambda proxy -> registration_api,
# which answers 201 (published) or 400 (refused, with a bounded reason) to the caller.
#
# REST, not HTTP API, for the same reasons as modules/queue-load-leveling (the module set's API
# flavour): the same stage, access-log, throttling and account-level CloudWatch role wiring,
# and resource types the emulator stores without drift (checked: plan -detailed-exitcode = 0
# after apply). The function validates the body against the UserRegistered schema itself, so
# there is no second copy of the schema in an API Gateway model.

locals {
  registration_api_name  = "${local.registration_name}-api"
  registration_api_stage = "v1"
  registration_api_path  = "registrations"
}

resource "aws_api_gateway_rest_api" "registration" {
  name        = local.registration_api_name
  description = "${local.registration_api_name}: sign-ups, proxied to the registration function (201/400)"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "registrations" {
  rest_api_id = aws_api_gateway_rest_api.registration.id
  parent_id   = aws_api_gateway_rest_api.registration.root_resource_id
  path_part   = local.registration_api_path
}

resource "aws_api_gateway_method" "register" {
  #checkov:skip=CKV_AWS_59:a sign-up is called by people who have no account yet; stage throttling bounds it and a WAF web ACL can be associated with the stage
  #checkov:skip=CKV2_AWS_53:the function validates the body against the UserRegistered schema and answers 400; a model here would be a second copy of that schema
  rest_api_id   = aws_api_gateway_rest_api.registration.id
  resource_id   = aws_api_gateway_resource.registrations.id
  http_method   = "POST"
  authorization = "NONE"
}

# Lambda proxy: API Gateway passes the whole request (standard REST proxy event, payload 1.0)
# and returns the function's {statusCode, headers, body} as the response.
resource "aws_api_gateway_integration" "register" {
  rest_api_id             = aws_api_gateway_rest_api.registration.id
  resource_id             = aws_api_gateway_resource.registrations.id
  http_method             = aws_api_gateway_method.register.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = module.registration_api_function.target_invoke_arn
}

# API Gateway may invoke the function only for this API, stage, method and path.
resource "aws_lambda_permission" "registration_api" {
  statement_id  = "AllowRegistrationApi"
  action        = "lambda:InvokeFunction"
  function_name = module.registration_api_function.function_name
  qualifier     = module.registration_api_function.alias_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.registration.execution_arn}/${local.registration_api_stage}/${aws_api_gateway_method.register.http_method}/${local.registration_api_path}"
}

# Redeploy when what the API does changes; the hash covers inputs, not refreshed attributes.
resource "aws_api_gateway_deployment" "registration" {
  rest_api_id = aws_api_gateway_rest_api.registration.id

  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.registrations.id,
      aws_api_gateway_method.register.id,
      aws_api_gateway_integration.register.id,
      module.registration_api_function.target_invoke_arn,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.register]
}

# The account baseline's API Gateway CloudWatch role may write only to these name prefixes.
resource "aws_cloudwatch_log_group" "registration_api_access" {
  #checkov:skip=CKV_AWS_338:retention is set per environment (prod keeps 365 days or more); a year of access logs in dev/sandbox is cost without value
  name              = "/aws/apigateway/${local.registration_api_name}/access"
  retention_in_days = var.lambda_defaults.log_retention_days
  kms_key_id        = aws_kms_key.platform.arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_group" "registration_api_execution" {
  #checkov:skip=CKV_AWS_338:retention is set per environment (prod keeps 365 days or more); a year of error logs in dev/sandbox is cost without value
  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.registration.id}/${local.registration_api_stage}"
  retention_in_days = var.lambda_defaults.log_retention_days
  kms_key_id        = aws_kms_key.platform.arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "registration" {
  #checkov:skip=CKV_AWS_120:each sign-up is a new write; a cache would answer with another caller's result
  #checkov:skip=CKV2_AWS_29:no web ACL here: a WAF web ACL is an account-level choice, attach it with aws_wafv2_web_acl_association on this stage; stage throttling bounds load meanwhile
  #checkov:skip=CKV2_AWS_51:a public sign-up has no client certificates to check; mutual TLS needs a custom domain, which the platform leaves to the caller
  rest_api_id          = aws_api_gateway_rest_api.registration.id
  deployment_id        = aws_api_gateway_deployment.registration.id
  stage_name           = local.registration_api_stage
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.registration_api_access.arn
    format = jsonencode({
      requestId         = "$context.requestId"
      requestTimeEpoch  = "$context.requestTimeEpoch"
      httpMethod        = "$context.httpMethod"
      resourcePath      = "$context.resourcePath"
      status            = "$context.status"
      responseLength    = "$context.responseLength"
      sourceIp          = "$context.identity.sourceIp"
      integrationStatus = "$context.integration.status"
      integrationError  = "$context.integration.error"
      integrationMs     = "$context.integration.latency"
    })
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.registration_api_execution]
}

resource "aws_api_gateway_method_settings" "registration" {
  #checkov:skip=CKV_AWS_225:caching is off on purpose: every sign-up is a write
  rest_api_id = aws_api_gateway_rest_api.registration.id
  stage_name  = aws_api_gateway_stage.registration.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.registration_api.rate_limit
    throttling_burst_limit = var.registration_api.burst_limit
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false # e-mail addresses stay out of the logs
    caching_enabled        = false
    cache_data_encrypted   = true
  }
}
