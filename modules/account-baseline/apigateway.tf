# API Gateway's account-level CloudWatch Logs role: one setting per account and region, without
# which a REST API stage with access or execution logging fails to deploy ("CloudWatch Logs role
# ARN must be set in account settings"). Every API the platform builds logs both, so the
# baseline sets it once instead of each API fighting over the singleton.
#
# AWS's managed AmazonAPIGatewayPushToCloudWatchLogs grants logs:* writes on "*"; this role may
# write only to API Gateway's own log groups: execution logs (API-Gateway-Execution-Logs_*) and
# the access log groups the platform names /aws/apigateway/*.

locals {
  api_gateway_log_groups = [
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:API-Gateway-Execution-Logs_*",
    "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/apigateway/*",
  ]
  api_gateway_role_name = "${var.name_prefix}-apigateway-cloudwatch"
  api_gateway_role_arn  = "arn:${local.partition}:iam::${local.account_id}:role/${local.api_gateway_role_name}"
}

data "aws_iam_policy_document" "api_gateway_trust" {
  count = var.api_gateway_cloudwatch_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    # Only API Gateway acting for this account (confused-deputy guard).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

data "aws_iam_policy_document" "api_gateway_logs" {
  count = var.api_gateway_cloudwatch_role ? 1 : 0

  statement {
    sid       = "WriteApiGatewayLogGroups"
    actions   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = flatten([for group in local.api_gateway_log_groups : [group, "${group}:log-stream:*"]])
  }

  statement {
    sid       = "FindApiGatewayLogGroups"
    actions   = ["logs:DescribeLogGroups", "logs:DescribeLogStreams"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }
}

resource "aws_iam_role" "api_gateway_cloudwatch" {
  count = var.api_gateway_cloudwatch_role ? 1 : 0

  name                 = local.api_gateway_role_name
  description          = "API Gateway writes execution and access logs of this account's REST APIs in ${local.region}."
  assume_role_policy   = data.aws_iam_policy_document.api_gateway_trust[0].json
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "api_gateway_cloudwatch" {
  count = var.api_gateway_cloudwatch_role ? 1 : 0

  name   = "api-gateway-logs"
  role   = aws_iam_role.api_gateway_cloudwatch[0].id
  policy = data.aws_iam_policy_document.api_gateway_logs[0].json
}

resource "aws_api_gateway_account" "this" {
  count = var.api_gateway_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_cloudwatch[0].arn

  # The role must be able to write before API Gateway accepts it.
  depends_on = [aws_iam_role_policy.api_gateway_cloudwatch]
}
