# EventBridge API destinations: events on a bus reach partner HTTP APIs with no Lambda in
# between. Per destination: a connection (auth), an API destination (endpoint, rate), a rule,
# a target (input transformer, HTTP parameters, retry policy, standard SQS DLQ) and a role
# that may only invoke that destination. The bus keeps an archive for replay.

data "aws_partition" "current" {}

locals {
  bus_name = var.bus.create ? aws_cloudwatch_event_bus.this[0].name : data.aws_cloudwatch_event_bus.existing[0].name
  bus_arn  = var.bus.create ? aws_cloudwatch_event_bus.this[0].arn : data.aws_cloudwatch_event_bus.existing[0].arn

  # The secret half of each connection: from var.credentials, or from an existing secret.
  secret_fields = { API_KEY = "value", BASIC = "password", OAUTH_CLIENT_CREDENTIALS = "client_secret" }
  from_secret   = { for k, d in var.destinations : k => d if d.auth.secret_arn != null }
  secrets = {
    for k, d in var.destinations : k => (
      d.auth.secret_arn != null
      ? jsondecode(data.aws_secretsmanager_secret_version.credentials[k].secret_string)[local.secret_fields[d.auth.type]]
      : var.credentials[k][local.secret_fields[d.auth.type]]
    )
  }
}

resource "aws_cloudwatch_event_bus" "this" {
  count = var.bus.create ? 1 : 0

  name               = var.bus.name
  kms_key_identifier = var.bus.kms_key_arn
  tags               = var.tags
}

data "aws_cloudwatch_event_bus" "existing" {
  count = var.bus.create ? 0 : 1

  name = var.bus.name
}

resource "aws_cloudwatch_event_archive" "this" {
  count = var.bus.archive ? 1 : 0

  name             = var.name
  description      = "Every event on ${var.bus.name}, for replay after a partner outage"
  event_source_arn = local.bus_arn
  retention_days   = var.bus.archive_retention_days
}

data "aws_secretsmanager_secret_version" "credentials" {
  for_each = local.from_secret

  secret_id = each.value.auth.secret_arn
}

resource "aws_cloudwatch_event_connection" "this" {
  for_each = var.destinations

  name               = "${var.name}-${each.key}"
  description        = "Auth for ${each.key} (${each.value.auth.type})"
  authorization_type = each.value.auth.type
  kms_key_identifier = var.connection_kms_key_arn

  auth_parameters {
    dynamic "api_key" {
      for_each = each.value.auth.type == "API_KEY" ? [each.value.auth.api_key_name] : []
      content {
        key   = api_key.value
        value = local.secrets[each.key]
      }
    }

    dynamic "basic" {
      for_each = each.value.auth.type == "BASIC" ? [each.value.auth.username] : []
      content {
        username = basic.value
        password = local.secrets[each.key]
      }
    }

    dynamic "oauth" {
      for_each = each.value.auth.type == "OAUTH_CLIENT_CREDENTIALS" ? [each.value.auth.oauth] : []
      content {
        authorization_endpoint = oauth.value.authorization_endpoint
        http_method            = oauth.value.http_method

        client_parameters {
          client_id     = oauth.value.client_id
          client_secret = local.secrets[each.key]
        }

        dynamic "oauth_http_parameters" {
          for_each = oauth.value.scope == null ? [] : [oauth.value.scope]
          content {
            body {
              key             = "scope"
              value           = oauth_http_parameters.value
              is_value_secret = false
            }
          }
        }
      }
    }
  }
}

resource "aws_cloudwatch_event_api_destination" "this" {
  for_each = var.destinations

  name                             = "${var.name}-${each.key}"
  description                      = each.value.description
  connection_arn                   = aws_cloudwatch_event_connection.this[each.key].arn
  invocation_endpoint              = each.value.endpoint
  http_method                      = each.value.http_method
  invocation_rate_limit_per_second = each.value.invocation_rate_limit_per_second
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = var.destinations

  name           = "${var.name}-${each.key}"
  description    = "Events for ${each.key}"
  event_bus_name = local.bus_name
  event_pattern  = each.value.event_pattern
  tags           = var.tags
}

# The target's DLQ: a standard queue (EventBridge refuses FIFO) that only this rule may send to.
module "dlq" {
  source   = "../sqs-queue"
  for_each = var.destinations

  name = "${var.name}-${each.key}-target-dlq"
  senders = {
    services = [{ principal = "events.amazonaws.com", source_arns = [aws_cloudwatch_event_rule.this[each.key].arn] }]
  }
  # Nobody drains it: an operator inspects and replays (the oldest-message alarm then fires).
  oldest_message_age_alarm_seconds = 60
  alarm_actions                    = var.alarm_actions
  tags                             = var.tags
}

data "aws_iam_policy_document" "assume" {
  for_each = var.destinations

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.this[each.key].arn]
    }
  }
}

resource "aws_iam_role" "target" {
  for_each = var.destinations

  name                 = "${var.name}-${each.key}-target"
  description          = "EventBridge invokes the ${each.key} API destination"
  assume_role_policy   = data.aws_iam_policy_document.assume[each.key].json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "invoke" {
  for_each = var.destinations

  statement {
    sid       = "InvokeThisApiDestination"
    actions   = ["events:InvokeApiDestination"]
    resources = [aws_cloudwatch_event_api_destination.this[each.key].arn]
  }
}

resource "aws_iam_role_policy" "invoke" {
  for_each = var.destinations

  name   = "invoke-api-destination"
  role   = aws_iam_role.target[each.key].id
  policy = data.aws_iam_policy_document.invoke[each.key].json
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = var.destinations

  rule           = aws_cloudwatch_event_rule.this[each.key].name
  event_bus_name = local.bus_name
  target_id      = each.key
  arn            = aws_cloudwatch_event_api_destination.this[each.key].arn
  role_arn       = aws_iam_role.target[each.key].arn

  dynamic "input_transformer" {
    for_each = each.value.input_transformer == null ? [] : [each.value.input_transformer]
    content {
      input_paths    = input_transformer.value.input_paths
      input_template = input_transformer.value.input_template
    }
  }

  dynamic "http_target" {
    for_each = length(each.value.header_parameters) + length(each.value.query_string_parameters) == 0 ? [] : [each.value]
    content {
      header_parameters       = http_target.value.header_parameters
      query_string_parameters = http_target.value.query_string_parameters
    }
  }

  retry_policy {
    maximum_retry_attempts       = each.value.retry_policy.maximum_retry_attempts
    maximum_event_age_in_seconds = each.value.retry_policy.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = module.dlq[each.key].queue_arn
  }

  # EventBridge checks the role when it invokes, not here; the policy is in place first anyway.
  depends_on = [aws_iam_role_policy.invoke]
}
