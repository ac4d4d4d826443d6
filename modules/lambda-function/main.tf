locals {
  log_group_name = "/aws/lambda/${var.name}"
  environment_variables = merge(
    {
      POWERTOOLS_SERVICE_NAME      = var.name
      POWERTOOLS_METRICS_NAMESPACE = "Switchyard"
      SWITCHYARD_TRACING           = var.tracing
    },
    var.environment_variables,
  )
  # The ARN's service field (arn:<partition>:<service>:...), so aws-cn and aws-us-gov work too.
  dead_letter_action = var.dead_letter_target == null ? null : (
    split(":", var.dead_letter_target.arn)[2] == "sns" ? "sns:Publish" : "sqs:SendMessage"
  )
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.name
  # Built from the name: the role's policy must not wait for the function (which needs the role).
  function_arn = "arn:${local.partition}:lambda:${local.region}:${data.aws_caller_identity.current.account_id}:function:${var.name}"
}

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "LambdaAssumesThisRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# One role per function: its permissions are exactly what this function needs.
resource "aws_iam_role" "this" {
  name                 = "${var.name}-role"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:log-stream:*"]
  }

  # What the role does with kms_key_arn, each on its own path (CloudWatch Logs encrypts the log
  # group as the logs service principal, through the key policy, not through this role):
  # Lambda decrypts this function's environment, whose encryption context names the function.
  statement {
    sid       = "DecryptOwnEnvironmentThroughLambda"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["lambda.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "kms:EncryptionContext:aws:lambda:FunctionArn"
      values   = [local.function_arn]
    }
  }

  # Services that use the same key for the function's data (DynamoDB tables encrypted with it
  # refresh their table key with the caller's permissions), only through those services.
  dynamic "statement" {
    for_each = length(var.kms_via_services) == 0 ? [] : [var.kms_via_services]
    content {
      sid       = "UseKeyThroughDataServices"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = [var.kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = [for service in statement.value : "${service}.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = var.dead_letter_target == null ? {} : { DeadLetterTarget = var.dead_letter_target }
    content {
      sid       = statement.key
      actions   = [local.dead_letter_action]
      resources = [statement.value.arn]
    }
  }

  dynamic "statement" {
    for_each = var.policy_statements
    content {
      sid       = statement.key
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.conditions
        content {
          test     = condition.value.test
          variable = condition.value.variable
          values   = condition.value.values
        }
      }
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-permissions"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

# X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions, so the
# AWS-managed policy is used rather than writing a "*" resource into our own statements.
resource "aws_iam_role_policy_attachment" "xray" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# Created before the function so Lambda never creates it without retention or encryption.
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is set per environment (prod keeps 365 days or more); a year of debug logs in dev/sandbox is cost without value
  name              = local.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_117:functions call only AWS APIs over TLS with IAM auth; a VPC adds NAT cost and cold-start latency without reducing exposure
  #checkov:skip=CKV_AWS_272:code signing needs AWS Signer profiles per account; packages are built reproducibly in CI and deployed only through the OIDC apply role
  #checkov:skip=CKV_AWS_115:concurrency is bounded per event source mapping (scaling_config.maximum_concurrency); set reserved_concurrency to cap it account-wide
  #checkov:skip=CKV_AWS_116:a DLQ is configured when dead_letter_target is set; functions fed by SQS or stream mappings are invoked synchronously and use the queue's DLQ or the mapping's on-failure destination
  function_name                  = var.name
  description                    = var.description
  role                           = aws_iam_role.this.arn
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrency
  filename                       = var.package_path
  source_code_hash               = filebase64sha256(var.package_path)
  layers                         = var.layer_arns
  kms_key_arn                    = var.kms_key_arn
  publish                        = var.snap_start # SnapStart applies only to published versions

  environment {
    variables = local.environment_variables
  }

  # Lambda records every sampled invocation (init, invocation, overhead, errors) whatever
  # var.tracing says; "xray-sdk" adds the function's own subsegments on top.
  tracing_config {
    mode = "Active"
  }

  dynamic "snap_start" {
    for_each = var.snap_start ? ["PublishedVersions"] : []
    content {
      apply_on = snap_start.value
    }
  }

  dynamic "dead_letter_config" {
    for_each = var.dead_letter_target == null ? [] : [var.dead_letter_target]
    content {
      target_arn = dead_letter_config.value.arn
    }
  }

  tags = var.tags

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.this,
    aws_iam_role_policy_attachment.xray,
  ]
}

# With SnapStart, callers must invoke a published version: the alias follows each new version,
# so mappings, subscriptions and integrations point at it (outputs target_function_arn and
# target_invoke_arn) and never at $LATEST, which is never snapshotted.
resource "aws_lambda_alias" "this" {
  count = var.snap_start ? 1 : 0

  name             = "live"
  description      = "The latest published version of ${var.name} (SnapStart)"
  function_name    = aws_lambda_function.this.function_name
  function_version = aws_lambda_function.this.version
}
