# A REST API with one MOCK method (GET /health answers 200 from API Gateway itself) and its
# stage from the module, with every option set. Bring your own CMK for the log groups: its
# policy must admit logs.<region>.amazonaws.com (modules/platform's key does).

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "eu-west-1"
}

variable "name" {
  description = "Name of the API; names its access log group."
  type        = string
  default     = "swy-example-health"
}

variable "log_kms_key_arn" {
  description = "Customer-managed key for the access and execution logs (illustrative default: pass yours)."
  type        = string
  default     = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "${var.name}: answers GET /health"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "health" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_method" "health" {
  #checkov:skip=CKV_AWS_59:a health check is anonymous on purpose; it reaches no backend (MOCK) and the stage throttles it
  #checkov:skip=CKV2_AWS_53:GET without a body: nothing to validate
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.health.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "health" {
  rest_api_id       = aws_api_gateway_rest_api.this.id
  resource_id       = aws_api_gateway_resource.health.id
  http_method       = aws_api_gateway_method.health.http_method
  type              = "MOCK"
  request_templates = { "application/json" = "{\"statusCode\": 200}" }
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # Redeploy when what the API does changes: hash the inputs, not refreshed attributes.
  triggers = {
    redeployment = sha1(jsonencode([aws_api_gateway_method.health.id, aws_api_gateway_integration.health.id]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [aws_api_gateway_integration.health]
}

module "stage" {
  source = "../../"

  name                    = var.name
  rest_api_id             = aws_api_gateway_rest_api.this.id
  deployment_id           = aws_api_gateway_deployment.this.id
  stage_name              = "live"
  throttling              = { rate_limit = 10, burst_limit = 20 }
  access_log_extra_fields = { integrationMs = "$context.integration.latency" }
  log_kms_key_arn         = var.log_kms_key_arn
  log_retention_days      = 90
  tags                    = { service = "example" }
}
