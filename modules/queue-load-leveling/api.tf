# The REST API: a validated write route integrated directly with SQS (202 + request id) and,
# optionally, a read route answered directly by DynamoDB. No Lambda sits in either path.

locals {
  routes = merge(
    { write = var.write_route.path },
    var.read_route == null ? {} : { read = var.read_route.path },
  )
  # Every prefix of every route, keyed by path: "polls", "polls/{pollId}", "polls/{pollId}/votes".
  prefixes = distinct(flatten([
    for path in values(local.routes) : [
      for depth in range(1, length(split("/", path)) + 1) : join("/", slice(split("/", path), 0, depth))
    ]
  ]))
  prefixes_by_depth = {
    for depth in [1, 2, 3, 4] : depth => {
      for prefix in local.prefixes : prefix => {
        parent    = depth == 1 ? "" : join("/", slice(split("/", prefix), 0, depth - 1))
        path_part = element(split("/", prefix), depth - 1)
      } if length(split("/", prefix)) == depth
    }
  }
  resource_ids = merge(
    { for path, r in aws_api_gateway_resource.depth1 : path => r.id },
    { for path, r in aws_api_gateway_resource.depth2 : path => r.id },
    { for path, r in aws_api_gateway_resource.depth3 : path => r.id },
    { for path, r in aws_api_gateway_resource.depth4 : path => r.id },
  )

  write_path_params = [for segment in split("/", var.write_route.path) : trim(segment, "{}") if startswith(segment, "{")]
  read_path_params  = var.read_route == null ? [] : [for segment in split("/", var.read_route.path) : trim(segment, "{}") if startswith(segment, "{")]

  # SendMessage as form parameters (API Gateway POSTs them to the SQS query API). The body goes
  # unchanged; what API Gateway knows about the request goes beside it as message attributes:
  # its request id, its receive time (epoch ms, the server's clock, not the caller's), with IAM
  # access the caller that signed it ($context.identity.caller: the IAM user id or
  # role-id:session-name, never something the client writes), and each path parameter. One
  # line: a line break would become part of a parameter value.
  api_attributes = concat(
    [
      { name = "requestId", type = "String", value = "$util.urlEncode($context.requestId)" },
      { name = "receivedAtEpochMs", type = "Number", value = "$context.requestTimeEpoch" },
    ],
    var.access_control == "iam" ? [{ name = "callerId", type = "String", value = "$util.urlEncode($context.identity.caller)" }] : [],
    [for param in local.write_path_params : { name = param, type = "String", value = "$util.urlEncode($input.params().path.get('${param}'))" }],
  )
  default_request_template = join("", concat(
    ["Action=SendMessage", "&MessageBody=$util.urlEncode($input.body)"],
    [
      for i, a in local.api_attributes :
      "&MessageAttribute.${i + 1}.Name=${a.name}&MessageAttribute.${i + 1}.Value.DataType=${a.type}&MessageAttribute.${i + 1}.Value.StringValue=${a.value}"
    ],
  ))
  request_template  = coalesce(var.request_template, local.default_request_template)
  accepted_template = "{\"requestId\":\"$context.requestId\"}"
  failed_template   = "{\"message\":\"the request could not be queued, retry later\",\"requestId\":\"$context.requestId\"}"
  invalid_template  = "{\"message\":\"$context.error.validationErrorString\",\"requestId\":\"$context.requestId\"}"

  queue_uri = "arn:${local.partition}:apigateway:${local.region}:sqs:path/${local.account_id}/${module.queue.queue_name}"
  read_uri  = var.read_route == null ? null : "arn:${local.partition}:apigateway:${local.region}:dynamodb:action/${var.read_route.action}"

  authorization = var.access_control == "iam" ? "AWS_IAM" : "NONE"
  # execute-api:Invoke resources of the routes on this stage ({param} segments: any value).
  route_arns = {
    for route, path in local.routes : route => join("/", [
      aws_api_gateway_rest_api.this.execution_arn,
      module.stage.stage_name,
      route == "write" ? var.write_route.http_method : "GET",
      join("/", [for segment in split("/", path) : startswith(segment, "{") ? "*" : segment]),
    ])
  }
  api_key_required = var.access_control == "api_key"
}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "${var.name}: accepts writes into SQS (202), consumed at a bounded concurrency"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "depth1" {
  for_each    = local.prefixes_by_depth[1]
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_resource" "depth2" {
  for_each    = local.prefixes_by_depth[2]
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth1[each.value.parent].id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_resource" "depth3" {
  for_each    = local.prefixes_by_depth[3]
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth2[each.value.parent].id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_resource" "depth4" {
  for_each    = local.prefixes_by_depth[4]
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.depth3[each.value.parent].id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_request_validator" "this" {
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  name                        = "body-and-parameters"
  validate_request_body       = true
  validate_request_parameters = true
}

resource "aws_api_gateway_model" "write" {
  rest_api_id  = aws_api_gateway_rest_api.this.id
  name         = "WriteRequest"
  description  = "What ${var.write_route.http_method} /${var.write_route.path} accepts; anything else is a 400 and never queued."
  content_type = "application/json"
  schema       = var.write_route.schema
}

# A 400 says why the body was refused (API Gateway's validation message) and carries the request id.
resource "aws_api_gateway_gateway_response" "bad_request_body" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = "BAD_REQUEST_BODY"
  status_code   = "400"
  response_templates = {
    "application/json" = local.invalid_template
  }
}

resource "aws_api_gateway_method" "write" {
  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = local.resource_ids[var.write_route.path]
  http_method          = var.write_route.http_method
  authorization        = local.authorization
  api_key_required     = local.api_key_required
  request_validator_id = aws_api_gateway_request_validator.this.id
  request_models       = { "application/json" = aws_api_gateway_model.write.name }
  request_parameters   = { for param in local.write_path_params : "method.request.path.${param}" => true }
}

resource "aws_api_gateway_integration" "write" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.write.resource_id
  http_method             = aws_api_gateway_method.write.http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = local.queue_uri
  credentials             = aws_iam_role.integration.arn
  # Only application/json reaches SQS (through the template); other content types get 415.
  passthrough_behavior = "NEVER"
  request_parameters = {
    "integration.request.header.Content-Type" = "'application/x-www-form-urlencoded'"
  }
  request_templates = {
    "application/json" = local.request_template
  }
}

resource "aws_api_gateway_method_response" "write_accepted" {
  rest_api_id     = aws_api_gateway_rest_api.this.id
  resource_id     = aws_api_gateway_method.write.resource_id
  http_method     = aws_api_gateway_method.write.http_method
  status_code     = "202"
  response_models = { "application/json" = "Empty" }
}

resource "aws_api_gateway_method_response" "write_failed" {
  rest_api_id     = aws_api_gateway_rest_api.this.id
  resource_id     = aws_api_gateway_method.write.resource_id
  http_method     = aws_api_gateway_method.write.http_method
  status_code     = "500"
  response_models = { "application/json" = "Error" }
}

resource "aws_api_gateway_integration_response" "write_accepted" {
  rest_api_id        = aws_api_gateway_rest_api.this.id
  resource_id        = aws_api_gateway_integration.write.resource_id
  http_method        = aws_api_gateway_integration.write.http_method
  status_code        = aws_api_gateway_method_response.write_accepted.status_code
  response_templates = { "application/json" = local.accepted_template }
}

resource "aws_api_gateway_integration_response" "write_failed" {
  rest_api_id        = aws_api_gateway_rest_api.this.id
  resource_id        = aws_api_gateway_integration.write.resource_id
  http_method        = aws_api_gateway_integration.write.http_method
  status_code        = aws_api_gateway_method_response.write_failed.status_code
  selection_pattern  = "[45]\\d{2}"
  response_templates = { "application/json" = local.failed_template }
}

resource "aws_api_gateway_method" "read" {
  count              = var.read_route == null ? 0 : 1
  rest_api_id        = aws_api_gateway_rest_api.this.id
  resource_id        = local.resource_ids[var.read_route.path]
  http_method        = "GET"
  authorization      = local.authorization
  api_key_required   = local.api_key_required
  request_parameters = { for param in local.read_path_params : "method.request.path.${param}" => true }
  # Path parameters are checked too: a read never reaches DynamoDB without them.
  request_validator_id = aws_api_gateway_request_validator.this.id
}

resource "aws_api_gateway_integration" "read" {
  count                   = var.read_route == null ? 0 : 1
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_method.read[0].resource_id
  http_method             = aws_api_gateway_method.read[0].http_method
  type                    = "AWS"
  integration_http_method = "POST"
  uri                     = local.read_uri
  credentials             = aws_iam_role.read[0].arn
  passthrough_behavior    = "NEVER"
  request_templates = {
    "application/json" = var.read_route.request_template
  }
}

resource "aws_api_gateway_method_response" "read_ok" {
  count           = var.read_route == null ? 0 : 1
  rest_api_id     = aws_api_gateway_rest_api.this.id
  resource_id     = aws_api_gateway_method.read[0].resource_id
  http_method     = aws_api_gateway_method.read[0].http_method
  status_code     = "200"
  response_models = { "application/json" = "Empty" }
}

resource "aws_api_gateway_integration_response" "read_ok" {
  count              = var.read_route == null ? 0 : 1
  rest_api_id        = aws_api_gateway_rest_api.this.id
  resource_id        = aws_api_gateway_integration.read[0].resource_id
  http_method        = aws_api_gateway_integration.read[0].http_method
  status_code        = aws_api_gateway_method_response.read_ok[0].status_code
  response_templates = { "application/json" = var.read_route.response_template }
}

# Redeploy when what the API does changes. The hash covers the inputs (templates, URIs, ids),
# not whole resource objects, whose refreshed attributes differ and would redeploy every plan.
resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  triggers = {
    redeployment = sha1(jsonencode([
      var.write_route,
      var.read_route,
      var.access_control,
      local.request_template,
      local.accepted_template,
      local.failed_template,
      local.invalid_template,
      local.queue_uri,
      local.read_uri,
      local.resource_ids,
      aws_api_gateway_method.write.id,
      aws_api_gateway_integration.write.id,
      aws_api_gateway_model.write.id,
      aws_api_gateway_request_validator.this.id,
      aws_iam_role.integration.arn,
      [for m in aws_api_gateway_method.read : m.id],
      [for r in aws_iam_role.read : r.arn],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  depends_on = [
    aws_api_gateway_integration.write,
    aws_api_gateway_integration_response.write_accepted,
    aws_api_gateway_integration_response.write_failed,
    aws_api_gateway_integration.read,
    aws_api_gateway_integration_response.read_ok,
    aws_api_gateway_gateway_response.bad_request_body,
  ]
}

# The stage: tracing, access and execution log groups (retention, CMK), stage-wide throttling,
# metrics, ERROR logging, no data trace, no cache (../rest-api-stage, shared with the platform's
# registration API).
module "stage" {
  source = "../rest-api-stage"

  name          = var.name
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
  throttling    = { rate_limit = var.throttling.rate_limit, burst_limit = var.throttling.burst_limit }
  access_log_extra_fields = {
    apiKeyId        = "$context.identity.apiKeyId"
    caller          = "$context.identity.caller"
    validationError = "$context.error.validationErrorString"
  }
  log_kms_key_arn    = var.log_kms_key_arn
  log_retention_days = var.log_retention_days
  tags               = var.tags
}

resource "aws_api_gateway_usage_plan" "this" {
  count       = var.access_control == "api_key" ? 1 : 0
  name        = var.name
  description = "Callers of ${var.name}: throttled per key"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = module.stage.stage_name
  }

  throttle_settings {
    rate_limit  = var.throttling.rate_limit
    burst_limit = var.throttling.burst_limit
  }

  dynamic "quota_settings" {
    for_each = var.usage_plan_quota == null ? [] : [var.usage_plan_quota]
    content {
      limit  = quota_settings.value
      period = "DAY"
    }
  }

  tags = var.tags
}

resource "aws_api_gateway_api_key" "this" {
  count       = var.access_control == "api_key" ? 1 : 0
  name        = var.name
  description = "Key for ${var.name}; rotate by replacing this resource (terraform apply -replace)."
  enabled     = true
  tags        = var.tags
}

resource "aws_api_gateway_usage_plan_key" "this" {
  count         = var.access_control == "api_key" ? 1 : 0
  key_id        = aws_api_gateway_api_key.this[0].id
  key_type      = "API_KEY"
  usage_plan_id = aws_api_gateway_usage_plan.this[0].id
}

# --- the integration roles: each may do exactly one thing ------------------------------------

# Only this API, in this account, may have API Gateway assume the roles (confused deputy:
# another account's API naming these ARNs as credentials is refused).
data "aws_iam_policy_document" "apigateway_assume" {
  statement {
    sid     = "ApiGatewayAssumesThisRoleForThisApi"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["${aws_api_gateway_rest_api.this.execution_arn}/*"]
    }
  }
}

resource "aws_iam_role" "integration" {
  name                 = "${var.name}-apigw-sqs"
  description          = "API Gateway sends accepted requests to ${var.name}, and nothing else"
  assume_role_policy   = data.aws_iam_policy_document.apigateway_assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "integration" {
  statement {
    sid       = "SendToQueue"
    actions   = ["sqs:SendMessage"]
    resources = [module.queue.queue_arn]
  }

  dynamic "statement" {
    for_each = var.kms_master_key_id == null ? [] : [var.kms_master_key_id]
    content {
      sid       = "EncryptForQueueThroughSqs"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["sqs.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "integration" {
  name   = "${var.name}-send"
  role   = aws_iam_role.integration.id
  policy = data.aws_iam_policy_document.integration.json
}

resource "aws_iam_role" "read" {
  count                = var.read_route == null ? 0 : 1
  name                 = "${var.name}-apigw-read"
  description          = "API Gateway answers ${var.read_route.path} from DynamoDB, read-only"
  assume_role_policy   = data.aws_iam_policy_document.apigateway_assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "read" {
  count = var.read_route == null ? 0 : 1

  statement {
    sid       = "ReadModel"
    actions   = ["dynamodb:${var.read_route.action}"]
    resources = [var.read_route.table_arn]
  }
}

resource "aws_iam_role_policy" "read" {
  count  = var.read_route == null ? 0 : 1
  name   = "${var.name}-read"
  role   = aws_iam_role.read[0].id
  policy = data.aws_iam_policy_document.read[0].json
}

# What a caller's role needs to call the routes (access_control = "iam"): attach it to the
# roles of the callers (a web backend, a Cognito identity pool's authenticated role).
data "aws_iam_policy_document" "invoke" {
  statement {
    sid       = "InvokeRoutes"
    actions   = ["execute-api:Invoke"]
    resources = values(local.route_arns)
  }
}
