# Registration feeds the webhooks bus, with no Lambda: the registration topic gets one more raw
# subscription, to a queue of its own (../sqs-queue: platform key, DLQ, alarms), and an
# EventBridge Pipe reads that queue and puts each UserRegistered envelope on the webhooks bus
# (Source = eventSource, DetailType = eventType, Detail = the envelope), where the CRM rule
# picks the pro users. Only when webhooks are on: without the bus there is nothing to feed.
#
# Failure path: Pipes deletes a batch from the queue only when PutEvents took it; a message it
# could not put comes back after the queue's visibility timeout and, after max_receive_count
# receives, SQS redrives it to the queue's DLQ (Pipes with an SQS source has no DLQ of its own;
# AWS documents that customer errors are retried up to the source queue's maximum receive
# count). A message SNS cannot deliver goes to the same DLQ through the subscription's redrive.

locals {
  registration_bus_on   = local.webhooks_on
  registration_bus_name = "${local.registration_name}-bus"
  # Built from the names, as pubsub-fanout does: the platform key's policy needs the topic ARN
  # and the role's trust needs the pipe's, so reading them from the resources would be cycles.
  registration_topic_arn    = "arn:${local.partition}:sns:${local.region}:${local.account_id}:${local.registration_name}"
  registration_bus_pipe_arn = "arn:${local.partition}:pipes:${local.region}:${local.account_id}:pipe/${local.registration_bus_name}"
  # The envelope's fields, one by one: `<$.body>` alone would reach the bus with its quotes
  # removed (AWS: wrap the body in JSON). Strings quoted, the version (a number) and the details
  # (an object) not. A literal, not jsonencode(), which would write < and > as \u003c, \u003e.
  registration_bus_input_template = "{\"eventSource\": \"<$.body.eventSource>\", \"eventType\": \"<$.body.eventType>\", \"eventVersion\": <$.body.eventVersion>, \"eventId\": \"<$.body.eventId>\", \"occurredAt\": \"<$.body.occurredAt>\", \"eventDetails\": <$.body.eventDetails>}"
}

module "registration_bus_queue" {
  source = "../sqs-queue"
  count  = local.registration_bus_on ? 1 : 0

  name              = local.registration_bus_name
  kms_master_key_id = aws_kms_key.platform.arn
  max_receive_count = var.registration.max_receive_count
  senders           = { services = [{ principal = "sns.amazonaws.com", source_arns = [module.registration.topic_arn] }] }
  # The subscription's redrive: SNS parks what it cannot deliver in the same DLQ.
  dlq_senders = { services = [{ principal = "sns.amazonaws.com", source_arns = [module.registration.topic_arn] }] }
  # No consumer here: the pipe polls the queue. Its role's grants are below.
  # Pipes keeps a message in flight while it calls PutEvents (well under a second); 30 s is the
  # time a failed message waits before its next try.
  visibility_timeout_seconds = 30
  alarm_actions              = local.alarm_actions
  tags                       = var.tags
}

resource "aws_sns_topic_subscription" "registration_bus" {
  count = local.registration_bus_on ? 1 : 0

  topic_arn            = module.registration.topic_arn
  protocol             = "sqs"
  endpoint             = module.registration_bus_queue[0].queue_arn
  raw_message_delivery = true # the queue's body is the envelope itself
  redrive_policy       = jsonencode({ deadLetterTargetArn = module.registration_bus_queue[0].dlq_arn })

  # SNS checks it may send before it confirms the subscription (the queue's policies).
  depends_on = [module.registration_bus_queue]
}

# --- the pipe's role: read this queue, decrypt through SQS, put on this bus, write its logs --
data "aws_iam_policy_document" "registration_bus_pipe_trust" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["pipes.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.registration_bus_pipe_arn]
    }
  }
}

data "aws_iam_policy_document" "registration_bus_pipe" {
  count = local.registration_bus_on ? 1 : 0

  statement {
    sid       = "ReadRegistrationBusQueue"
    actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
    resources = [module.registration_bus_queue[0].queue_arn]
  }

  statement {
    sid       = "DecryptQueueThroughSqs"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.platform.arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["sqs.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "PutOnWebhooksBus"
    actions   = ["events:PutEvents"]
    resources = [module.webhooks[0].bus_arn]
  }

  # Pipes writes its CloudWatch log records with the pipe's role.
  statement {
    sid       = "WritePipeLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.registration_bus_pipe[0].arn}:log-stream:*"]
  }
}

resource "aws_iam_role" "registration_bus_pipe" {
  count = local.registration_bus_on ? 1 : 0

  name                 = "${local.registration_bus_name}-pipe-role"
  description          = "The ${local.registration_bus_name} pipe: registration queue -> webhooks bus"
  assume_role_policy   = data.aws_iam_policy_document.registration_bus_pipe_trust.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "registration_bus_pipe" {
  count = local.registration_bus_on ? 1 : 0

  name   = "registration-bus-pipe"
  role   = aws_iam_role.registration_bus_pipe[0].id
  policy = data.aws_iam_policy_document.registration_bus_pipe[0].json
}

resource "aws_cloudwatch_log_group" "registration_bus_pipe" {
  #checkov:skip=CKV_AWS_338:retention is set per environment (prod keeps 365 days or more); a year of pipe error logs in dev/sandbox is cost without value
  count = local.registration_bus_on ? 1 : 0

  name              = "/aws/vendedlogs/pipes/${local.registration_bus_name}"
  retention_in_days = var.lambda_defaults.log_retention_days
  kms_key_id        = aws_kms_key.platform.arn
  tags              = var.tags
}

# --- the pipe -------------------------------------------------------------------------------
resource "aws_pipes_pipe" "registration_bus" {
  count = local.registration_bus_on ? 1 : 0

  name        = local.registration_bus_name
  description = "UserRegistered from the registration topic's queue onto the webhooks bus"
  role_arn    = aws_iam_role.registration_bus_pipe[0].arn
  source      = module.registration_bus_queue[0].queue_arn
  target      = module.webhooks[0].bus_arn

  source_parameters {
    sqs_queue_parameters {
      batch_size                         = 10 # PutEvents takes 10 entries
      maximum_batching_window_in_seconds = 0  # sign-ups reach the CRM at once
    }

    # Only envelopes of UserRegistered: anything else on the topic is deleted unread (Pipes
    # deletes SQS messages that match no filter), so it can never loop through the DLQ.
    filter_criteria {
      filter {
        pattern = jsonencode({ body = { eventType = ["UserRegistered"] } })
      }
    }
  }

  target_parameters {
    input_template = local.registration_bus_input_template

    eventbridge_event_bus_parameters {
      # Dynamic path parameters: the producers' convention (Source = eventSource,
      # DetailType = eventType), read from the parsed body.
      source      = "$.body.eventSource"
      detail_type = "$.body.eventType"
    }
  }

  log_configuration {
    level = "ERROR"
    cloudwatch_logs_log_destination {
      log_group_arn = aws_cloudwatch_log_group.registration_bus_pipe[0].arn
    }
  }

  tags = var.tags

  # The role must be able to read the queue before the pipe starts polling.
  depends_on = [aws_iam_role_policy.registration_bus_pipe]
}

output "registration_bus" {
  description = "Registration -> webhooks bus glue: pipe_name, pipe_arn, role_arn, queue_url, queue_arn, dlq_url, subscription_arn, log_group_name; null without var.webhooks."
  value = local.registration_bus_on ? {
    pipe_name        = aws_pipes_pipe.registration_bus[0].name
    pipe_arn         = aws_pipes_pipe.registration_bus[0].arn
    role_arn         = aws_iam_role.registration_bus_pipe[0].arn
    queue_url        = module.registration_bus_queue[0].queue_url
    queue_arn        = module.registration_bus_queue[0].queue_arn
    dlq_url          = module.registration_bus_queue[0].dlq_url
    subscription_arn = aws_sns_topic_subscription.registration_bus[0].arn
    log_group_name   = aws_cloudwatch_log_group.registration_bus_pipe[0].name
  } : null
}
