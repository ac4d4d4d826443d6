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

# The stage: tracing, access and execution log groups (retention, the platform CMK), stage-wide
# throttling, metrics, ERROR logging, no data trace (e-mail addresses stay out of the logs), no
# cache (../rest-api-stage, shared with ../queue-load-leveling).
module "registration_api_stage" {
  source = "../rest-api-stage"

  name                    = local.registration_api_name
  rest_api_id             = aws_api_gateway_rest_api.registration.id
  deployment_id           = aws_api_gateway_deployment.registration.id
  stage_name              = local.registration_api_stage
  throttling              = { rate_limit = var.registration_api.rate_limit, burst_limit = var.registration_api.burst_limit }
  access_log_extra_fields = { integrationMs = "$context.integration.latency" }
  log_kms_key_arn         = aws_kms_key.platform.arn
  log_retention_days      = var.lambda_defaults.log_retention_days
  tags                    = var.tags
}
