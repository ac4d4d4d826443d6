# A REST API stage as every Switchyard API has it: X-Ray tracing, JSON access logs and an
# execution (error) log group, both created here with retention and a CMK before API Gateway
# would create them without, and stage-wide throttling, metrics, ERROR logging, no data trace
# and no cache on every method.
#
# Needs the account-level CloudWatch role (aws_api_gateway_account) in real AWS: the account
# baseline sets it (one per account and region) and lets it write to /aws/apigateway/* and
# API-Gateway-Execution-Logs_*, so these names must keep those prefixes.

locals {
  # What every access log line holds; access_log_extra_fields adds the caller's (jsonencode
  # sorts the keys, so the format does not depend on the order they are given in).
  access_log_format = jsonencode(merge({
    requestId         = "$context.requestId"
    requestTimeEpoch  = "$context.requestTimeEpoch"
    httpMethod        = "$context.httpMethod"
    resourcePath      = "$context.resourcePath"
    status            = "$context.status"
    responseLength    = "$context.responseLength"
    sourceIp          = "$context.identity.sourceIp"
    integrationStatus = "$context.integration.status"
    integrationError  = "$context.integration.error"
  }, var.access_log_extra_fields))
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:retention is set per environment (prod keeps 365 days or more); a year of access logs in dev/sandbox is cost without value
  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

# Created here, before API Gateway would create it without retention or encryption.
resource "aws_cloudwatch_log_group" "execution" {
  #checkov:skip=CKV_AWS_338:retention is set per environment (prod keeps 365 days or more); a year of error logs in dev/sandbox is cost without value
  name              = "API-Gateway-Execution-Logs_${var.rest_api_id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.log_kms_key_arn
  tags              = var.tags
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:no stage cache: the APIs built on this answer writes with per-request acknowledgements and reads live state; a cache would answer with stale or another caller's result
  #checkov:skip=CKV2_AWS_29:no web ACL here: a WAF web ACL is an account-level choice, attach it with aws_wafv2_web_acl_association on this stage; stage throttling (and a usage plan where the API has one) bounds load meanwhile
  #checkov:skip=CKV2_AWS_51:no client certificate: mutual TLS needs a custom domain, which is left to the caller; callers authenticate with an API key or SigV4, or are anonymous by design (sign-ups)
  rest_api_id          = var.rest_api_id
  deployment_id        = var.deployment_id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format          = local.access_log_format
  }

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.execution]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:caching is off on purpose: writes are acknowledged per request and reads must be live
  rest_api_id = var.rest_api_id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttling.rate_limit
    throttling_burst_limit = var.throttling.burst_limit
    metrics_enabled        = true
    logging_level          = "ERROR"
    data_trace_enabled     = false # request and response bodies (user data) stay out of the logs
    caching_enabled        = false
    cache_data_encrypted   = true
  }
}
