mock_provider "aws" {
  override_during = plan
  source          = "../../tests/mocks"
}

override_resource {
  target          = aws_sns_topic.alarms
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:111111111111:swy-test-alarms" }
}

override_resource {
  target          = aws_kms_key.alarms
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:111111111111:key/alarms" }
}

variables {
  name_prefix   = "swy-test"
  environment   = "dev"
  artifacts_dir = "tests/fixtures"
}

run "creates_an_encrypted_tls_only_topic_cloudwatch_may_use" {
  command = plan

  variables {
    alarm_topic = { subscriptions = [
      { protocol = "email", endpoint = "oncall@example.com" },
      { protocol = "https", endpoint = "https://events.example.com/enqueue" },
    ] }
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:111111111111:swy-test-alarms" && aws_sns_topic.alarms[0].kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/alarms" && aws_kms_key.alarms[0].enable_key_rotation
    error_message = "The platform creates <prefix>-alarms, encrypted with its own rotating CMK."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.alarm_key[0].statement :
      try(
        one(s.principals).type == "Service" && one(s.principals).identifiers == toset(["cloudwatch.amazonaws.com"])
        && toset(s.actions) == toset(["kms:Decrypt", "kms:GenerateDataKey*"])
        && one(s.condition).variable == "aws:SourceAccount" && one(s.condition).values == tolist(["111111111111"])
      , false)
    ])
    error_message = "The alarm key lets CloudWatch (this account's alarms) encrypt for the topic, or no alarm is delivered."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.alarm_topic[0].statement :
      try(
        s.effect == "Deny" && contains(s.actions, "sns:Publish") && one(s.principals).identifiers == toset(["*"])
        && one(s.condition).test == "Bool" && one(s.condition).variable == "aws:SecureTransport" && one(s.condition).values == tolist(["false"])
      , false)
    ])
    error_message = "The alarm topic refuses requests without TLS."
  }
  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.alarm_topic[0].statement :
      try(
        s.effect != "Deny" && s.actions == toset(["sns:Publish"]) && one(s.principals).identifiers == toset(["cloudwatch.amazonaws.com"])
        && contains([for c in s.condition : c.variable], "aws:SourceArn") && contains([for c in s.condition : c.variable], "aws:SourceAccount")
      , false)
    ])
    error_message = "Only this account's CloudWatch alarms may publish (aws:SourceArn and aws:SourceAccount)."
  }
  assert {
    condition     = aws_sns_topic_policy.alarms[0].arn == aws_sns_topic.alarms[0].arn
    error_message = "The policy is attached to the alarm topic."
  }
  assert {
    condition     = toset([for s in aws_sns_topic_subscription.alarms : "${s.protocol} ${s.endpoint}"]) == toset(["email oncall@example.com", "https https://events.example.com/enqueue"]) && alltrue([for s in aws_sns_topic_subscription.alarms : s.topic_arn == aws_sns_topic.alarms[0].arn])
    error_message = "Each listed subscription subscribes to the alarm topic."
  }
}

run "an_existing_topic_is_used_as_is" {
  command = plan

  variables {
    alarm_topic = { existing_topic_arn = "arn:aws:sns:eu-west-1:111111111111:oncall" }
  }

  assert {
    condition     = output.alarm_topic_arn == "arn:aws:sns:eu-west-1:111111111111:oncall" && length(aws_sns_topic.alarms) == 0 && length(aws_kms_key.alarms) == 0 && output.alarm_topic_kms_key_arn == null
    error_message = "With existing_topic_arn the module creates no topic and wires that one."
  }
}

run "rejects_plain_http_endpoints" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    alarm_topic = { subscriptions = [{ protocol = "https", endpoint = "http://events.example.com/enqueue" }] }
  }

  expect_failures = [var.alarm_topic]
}

run "rejects_other_protocols" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    alarm_topic = { subscriptions = [{ protocol = "sms", endpoint = "+15555550100" }] }
  }

  expect_failures = [var.alarm_topic]
}

run "rejects_a_malformed_email" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    alarm_topic = { subscriptions = [{ protocol = "email", endpoint = "oncall" }] }
  }

  expect_failures = [var.alarm_topic]
}

run "rejects_subscriptions_to_an_existing_topic" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    alarm_topic = {
      existing_topic_arn = "arn:aws:sns:eu-west-1:111111111111:oncall"
      subscriptions      = [{ protocol = "email", endpoint = "oncall@example.com" }]
    }
  }

  expect_failures = [var.alarm_topic]
}

run "dlq_operators_reach_the_registration_key" {
  command = plan

  variables {
    dlq_operator_role_arns = ["arn:aws:iam::111111111111:role/oncall"]
  }

  assert {
    condition     = output.registration.dlq_operator_role_arns == tolist(["arn:aws:iam::111111111111:role/oncall"])
    error_message = "The operators are passed to the registration fan-out (its key's decrypt-through-SQS statement)."
  }
}

run "rejects_an_operator_that_is_not_a_role" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the platform
  }

  variables {
    dlq_operator_role_arns = ["arn:aws:iam::111111111111:user/alice"]
  }

  expect_failures = [var.dlq_operator_role_arns]
}
