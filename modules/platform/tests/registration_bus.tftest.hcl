# Registration feeds the webhooks bus: topic -> raw subscription -> queue (platform key, DLQ)
# -> pipe -> bus, with a pipe role that may do exactly its job. Only with var.webhooks.
mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

variables {
  name_prefix     = "swy-test"
  environment     = "dev"
  artifacts_dir   = "tests/fixtures"
  lambda_defaults = { architecture = "arm64" }
  webhooks = {
    crm              = { endpoint = "https://crm.example.com/v1/contacts" }
    trust_and_safety = { endpoint = "https://tickets.example.com/api/tickets", username = "switchyard" }
  }
  webhook_credentials = { crm_api_key = "k", trust_and_safety_password = "p" }
}

# Distinct ARNs, so a subscription, pipe or grant wired to the wrong resource fails.
override_resource {
  target          = module.registration.aws_sns_topic.this
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:111111111111:swy-test-registration" }
}
override_resource {
  target          = module.registration_bus_queue[0].aws_sqs_queue.this
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-bus" }
}
override_resource {
  target          = module.registration_bus_queue[0].aws_sqs_queue.dlq
  override_during = plan
  values          = { arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus-dlq", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-bus-dlq" }
}
override_resource {
  target          = module.webhooks[0].aws_cloudwatch_event_bus.this[0]
  override_during = plan
  values          = { arn = "arn:aws:events:eu-west-1:111111111111:event-bus/swy-test-webhooks", name = "swy-test-webhooks" }
}
override_resource {
  target          = aws_kms_key.platform
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555" }
}
override_resource {
  target          = aws_iam_role.registration_bus_pipe[0]
  override_during = plan
  values          = { arn = "arn:aws:iam::111111111111:role/swy-test-registration-bus-pipe-role", id = "swy-test-registration-bus-pipe-role" }
}
override_resource {
  target          = aws_cloudwatch_log_group.registration_bus_pipe[0]
  override_during = plan
  values          = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/pipes/swy-test-registration-bus" }
}

run "off_without_webhooks" {
  command = plan

  variables {
    webhooks = null
  }

  assert {
    condition     = length(aws_pipes_pipe.registration_bus) == 0 && length(module.registration_bus_queue) == 0 && length(aws_sns_topic_subscription.registration_bus) == 0 && output.registration_bus == null
    error_message = "Without var.webhooks there is no bus to feed: no queue, subscription or pipe."
  }

  assert {
    condition     = !strcontains(jsonencode(data.aws_iam_policy_document.platform_key.statement), "sns.amazonaws.com")
    error_message = "Without the bus queue the platform key admits no SNS."
  }
}

run "the_topic_delivers_raw_to_the_bus_queue_with_a_dlq" {
  command = plan

  assert {
    condition = (
      aws_sns_topic_subscription.registration_bus[0].topic_arn == "arn:aws:sns:eu-west-1:111111111111:swy-test-registration"
      && aws_sns_topic_subscription.registration_bus[0].protocol == "sqs"
      && aws_sns_topic_subscription.registration_bus[0].endpoint == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus"
      && aws_sns_topic_subscription.registration_bus[0].raw_message_delivery
      && aws_sns_topic_subscription.registration_bus[0].filter_policy == null
    )
    error_message = "The registration topic must deliver every message, raw, to the bus queue."
  }

  assert {
    condition     = jsondecode(aws_sns_topic_subscription.registration_bus[0].redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus-dlq"
    error_message = "What SNS cannot deliver must go to the bus queue's DLQ."
  }

  assert {
    condition = (
      jsondecode(module.registration_bus_queue[0].settings.queue.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus-dlq"
      && jsondecode(module.registration_bus_queue[0].settings.queue.redrive_policy).maxReceiveCount == 5
    )
    error_message = "The bus queue redrives to its DLQ after registration.max_receive_count receives (the pipe's only retry limit)."
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.platform_key.statement : try(
      s.sid == "SnsDeliversRegistrationToTheBusQueue"
      && toset(s.actions) == toset(["kms:GenerateDataKey", "kms:Decrypt"])
      && one(s.principals).identifiers == toset(["sns.amazonaws.com"])
      && one(s.condition).variable == "aws:SourceArn"
      && one(s.condition).values == tolist(["arn:aws:sns:eu-west-1:111111111111:swy-test-registration"])
    , false)])
    error_message = "The platform key must admit SNS for the registration topic only (aws:SourceArn), or SNS cannot encrypt into the bus queue."
  }
}

run "the_pipe_reads_the_queue_and_puts_the_envelope_on_the_webhooks_bus" {
  command = plan

  assert {
    condition = (
      aws_pipes_pipe.registration_bus[0].source == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus"
      && aws_pipes_pipe.registration_bus[0].target == "arn:aws:events:eu-west-1:111111111111:event-bus/swy-test-webhooks"
      && aws_pipes_pipe.registration_bus[0].role_arn == "arn:aws:iam::111111111111:role/swy-test-registration-bus-pipe-role"
    )
    error_message = "The pipe reads the bus queue, puts on the webhooks bus, and runs as its own role."
  }

  assert {
    condition = (
      one(one(aws_pipes_pipe.registration_bus[0].target_parameters).eventbridge_event_bus_parameters).detail_type == "$.body.eventType"
      && one(one(aws_pipes_pipe.registration_bus[0].target_parameters).eventbridge_event_bus_parameters).source == "$.body.eventSource"
    )
    error_message = "DetailType and Source come from the envelope (eventType, eventSource), as the CRM rule's pattern and the producers' convention expect."
  }

  assert {
    condition = (
      jsondecode(replace(replace(replace(one(aws_pipes_pipe.registration_bus[0].target_parameters).input_template, "<$.body.eventVersion>", "1"), "<$.body.eventDetails>", "{}"), "/<[^>]+>/", "x"))
      == { eventSource = "x", eventType = "x", eventVersion = 1, eventId = "x", occurredAt = "x", eventDetails = {} }
    )
    error_message = "The detail is the envelope: its six fields from the parsed body, eventVersion a number and eventDetails an object."
  }

  assert {
    condition     = !strcontains(one(aws_pipes_pipe.registration_bus[0].target_parameters).input_template, "\\u003c")
    error_message = "The input template must be a literal: jsonencode writes < as \\u003c and Pipes would find no paths."
  }

  assert {
    condition = (
      jsondecode(one(one(one(aws_pipes_pipe.registration_bus[0].source_parameters).filter_criteria).filter).pattern) == { body = { eventType = ["UserRegistered"] } }
      && one(one(aws_pipes_pipe.registration_bus[0].source_parameters).sqs_queue_parameters).batch_size == 10
    )
    error_message = "The pipe takes UserRegistered envelopes only, in batches PutEvents accepts (10)."
  }

  assert {
    condition = (
      one(aws_pipes_pipe.registration_bus[0].log_configuration).level == "ERROR"
      && one(one(aws_pipes_pipe.registration_bus[0].log_configuration).cloudwatch_logs_log_destination).log_group_arn == "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/pipes/swy-test-registration-bus"
      && aws_cloudwatch_log_group.registration_bus_pipe[0].kms_key_id == "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
    )
    error_message = "The pipe logs its errors to its own log group, encrypted with the platform key."
  }
}

run "the_pipe_role_may_do_exactly_its_job" {
  command = plan

  assert {
    condition = (
      one(one(data.aws_iam_policy_document.registration_bus_pipe_trust.statement).principals).identifiers == toset(["pipes.amazonaws.com"])
      && anytrue([for c in one(data.aws_iam_policy_document.registration_bus_pipe_trust.statement).condition : c.variable == "aws:SourceArn" && c.values == tolist(["arn:aws:pipes:eu-west-1:111111111111:pipe/swy-test-registration-bus"])])
      && anytrue([for c in one(data.aws_iam_policy_document.registration_bus_pipe_trust.statement).condition : c.variable == "aws:SourceAccount" && c.values == tolist(["111111111111"])])
    )
    error_message = "Only this pipe (aws:SourceArn, aws:SourceAccount) may assume the pipe role."
  }

  assert {
    condition = {
      for s in data.aws_iam_policy_document.registration_bus_pipe[0].statement : s.sid => { actions = toset(s.actions), resources = toset(s.resources) }
      } == {
      ReadRegistrationBusQueue = { actions = toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]), resources = toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-bus"]) }
      DecryptQueueThroughSqs   = { actions = toset(["kms:Decrypt"]), resources = toset(["arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"]) }
      PutOnWebhooksBus         = { actions = toset(["events:PutEvents"]), resources = toset(["arn:aws:events:eu-west-1:111111111111:event-bus/swy-test-webhooks"]) }
      WritePipeLogs            = { actions = toset(["logs:CreateLogStream", "logs:PutLogEvents"]), resources = toset(["arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/pipes/swy-test-registration-bus:log-stream:*"]) }
    }
    error_message = "The pipe role: read and delete on its queue, decrypt the platform key, PutEvents on the webhooks bus, write its log streams; nothing else."
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.registration_bus_pipe[0].statement : try(
      s.sid == "DecryptQueueThroughSqs" && one(s.condition).variable == "kms:ViaService" && one(s.condition).values == tolist(["sqs.eu-west-1.amazonaws.com"])
    , false)])
    error_message = "The pipe role may decrypt the platform key through SQS only (kms:ViaService)."
  }

  assert {
    condition     = aws_iam_role_policy.registration_bus_pipe[0].role == "swy-test-registration-bus-pipe-role"
    error_message = "The grants belong to the pipe's role."
  }
}

run "the_pipe_role_carries_the_boundary" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::111111111111:policy/switchyard-boundary"
  }

  assert {
    condition     = aws_iam_role.registration_bus_pipe[0].permissions_boundary == "arn:aws:iam::111111111111:policy/switchyard-boundary"
    error_message = "The pipe role must carry the account's permissions boundary (the deploy role may create roles only with it)."
  }
}
