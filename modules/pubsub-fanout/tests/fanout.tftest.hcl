mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked fails as unknown, never passes.
  override_during = plan
  source          = "../../tests/mocks"

  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:swy-test-registration" }
  }
}

# Every subscriber's queue, DLQ and function gets its own ARN, so "redrives to its own DLQ",
# "delivers to its own queue" and "feeds its own function" compare distinct values; the topic
# key differs from function_kms_key_arn, so granting the consumers the wrong key fails.

override_resource {
  target          = aws_kms_key.this
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111" }
}

override_resource {
  target          = module.subscriber["mailing"].module.queue.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-mailing"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-mailing"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-mailing"
  }
}

override_resource {
  target          = module.subscriber["mailing"].module.queue.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-mailing-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-mailing-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-mailing-dlq"
  }
}

override_resource {
  target          = module.subscriber["mailing"].module.function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-registration-mailing" }
}

override_resource {
  target          = module.subscriber["sales-lead"].module.queue.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-sales-lead"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-sales-lead"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-sales-lead"
  }
}

override_resource {
  target          = module.subscriber["sales-lead"].module.queue.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-sales-lead-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-sales-lead-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-sales-lead-dlq"
  }
}

override_resource {
  target          = module.subscriber["sales-lead"].module.function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-registration-sales-lead" }
}

override_resource {
  target          = module.subscriber["by-body"].module.queue.aws_sqs_queue.this
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-by-body"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-by-body"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-by-body"
  }
}

override_resource {
  target          = module.subscriber["by-body"].module.queue.aws_sqs_queue.dlq
  override_during = plan
  values = {
    arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-by-body-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-by-body-dlq"
    url = "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-by-body-dlq"
  }
}

override_resource {
  target          = module.subscriber["by-body"].module.function.aws_lambda_function.this
  override_during = plan
  values          = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-registration-by-body" }
}

variables {
  name                 = "swy-test-registration"
  function_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  publisher_role_arns  = ["arn:aws:iam::111111111111:role/swy-test-registration-api-role"]
  subscribers = {
    mailing = {
      handler      = "registration_mailing.handler.lambda_handler"
      package_path = "tests/fixtures/handler.zip"
    }
    sales-lead = {
      handler       = "registration_sales_lead.handler.lambda_handler"
      package_path  = "tests/fixtures/handler.zip"
      filter_policy = "{\"plan\":[\"pro\"]}"
      timeout       = 10
    }
    by-body = {
      handler             = "registration_mailing.handler.lambda_handler"
      package_path        = "tests/fixtures/handler.zip"
      filter_policy       = "{\"eventDetails\":{\"plan\":[\"pro\"]}}"
      filter_policy_scope = "MessageBody"
    }
  }
}

run "encrypted_with_its_own_rotating_cmk" {
  command = plan

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The topic key must rotate."
  }
  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == aws_kms_key.this.arn
    error_message = "The topic is encrypted with the module's CMK."
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.key.statement : !contains(s.actions, "kms:*")])
    error_message = "Nobody, not even the account root, gets kms:* on the topic key."
  }
  assert {
    condition     = [for s in data.aws_iam_policy_document.key.statement : one(s.principals).identifiers if s.sid == "SnsDeliversThisTopicToEncryptedQueues"][0] == toset(["sns.amazonaws.com"]) && [for s in data.aws_iam_policy_document.key.statement : one(s.condition).values if s.sid == "SnsDeliversThisTopicToEncryptedQueues"][0] == tolist(["arn:aws:sns:eu-west-1:111111111111:swy-test-registration"])
    error_message = "SNS may use the key only on behalf of this topic."
  }
  assert {
    condition = [for s in data.aws_iam_policy_document.key.statement : [for c in s.condition : c.values if c.variable == "aws:PrincipalArn"][0] if s.sid == "ConsumersReadAndParkThroughSqsOnly"][0] == tolist([
      "arn:aws:iam::111111111111:role/swy-test-registration-by-body-role",
      "arn:aws:iam::111111111111:role/swy-test-registration-mailing-role",
      "arn:aws:iam::111111111111:role/swy-test-registration-sales-lead-role",
    ])
    error_message = "Exactly the consumers' roles may decrypt, and only through SQS."
  }
  assert {
    condition     = alltrue([for k, m in module.subscriber : m.role_name == "swy-test-registration-${k}-role"])
    error_message = "The key policy's consumer role ARNs are built from the names ../lambda-function gives the roles: they must match."
  }
  assert {
    condition     = [for s in data.aws_iam_policy_document.key.statement : one(s.condition).values if s.sid == "PublishersEncryptThroughSnsOnly"][0] == tolist(["sns.eu-west-1.amazonaws.com"])
    error_message = "Publishers use the key only through SNS."
  }
}

run "topic_refuses_requests_without_tls" {
  command = plan

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.topic.statement : try(
      s.effect == "Deny" && contains(s.actions, "sns:Publish") && s.resources == toset(["arn:aws:sns:eu-west-1:111111111111:swy-test-registration"])
      && one(s.principals).identifiers == toset(["*"])
      && one(s.condition).test == "Bool" && one(s.condition).variable == "aws:SecureTransport" && one(s.condition).values == tolist(["false"])
    , false)])
    error_message = "The topic policy denies publishing without TLS (aws:SecureTransport = false)."
  }
  assert {
    condition     = aws_sns_topic_policy.this.arn == aws_sns_topic.this.arn
    error_message = "The TLS-only policy is attached to the topic."
  }
}

run "one_dlq_per_subscriber_for_redrive_and_subscription_failures" {
  command = plan

  # The queues' own redrive, encryption, TLS-only policy and alarms are ../sqs-queue's (tested there).
  assert {
    condition     = alltrue([for k, s in aws_sns_topic_subscription.this : jsondecode(s.redrive_policy).deadLetterTargetArn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}-dlq"])
    error_message = "SNS delivery failures of each subscription go to that subscriber's DLQ."
  }
  assert {
    condition     = alltrue([for k, o in output.subscribers : o.dlq_url == "https://sqs.eu-west-1.amazonaws.com/111111111111/swy-test-registration-${k}-dlq" && o.queue_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}"])
    error_message = "Each subscriber reports its own queue and DLQ."
  }
  assert {
    condition     = alltrue([for k, m in module.subscriber : m.settings.queue.redrive_policy == jsonencode({ deadLetterTargetArn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}-dlq", maxReceiveCount = 5 })])
    error_message = "Each subscriber's queue redrives to its own DLQ after max_receive_count."
  }
  assert {
    condition     = module.subscriber["sales-lead"].settings.queue.visibility_timeout_seconds == 60 && module.subscriber["mailing"].settings.queue.visibility_timeout_seconds == 180
    error_message = "Visibility timeout is 6x the subscriber's function timeout (its own, else function_defaults.timeout)."
  }
}

run "every_subscriber_has_its_alarms" {
  command = plan

  assert {
    condition = alltrue([for k, o in output.subscribers : o.alarm_names == [
      "swy-test-registration-${k}-dlq-not-empty",
      "swy-test-registration-${k}-falling-behind",
      "swy-test-registration-${k}-errors",
      "swy-test-registration-${k}-throttles",
    ]])
    error_message = "Every subscriber has DLQ-depth and oldest-message-age alarms on its queues, and Errors and Throttles alarms on its own function."
  }
  assert {
    condition     = alltrue([for k, o in output.subscribers : o.dlq_alarm_name == "swy-test-registration-${k}-dlq-not-empty"])
    error_message = "dlq_alarm_name names the DLQ-depth alarm."
  }
}

run "filter_policy_wiring" {
  command = plan

  assert {
    condition     = alltrue([for s in aws_sns_topic_subscription.this : s.raw_message_delivery && s.protocol == "sqs"])
    error_message = "Subscriptions deliver raw messages to SQS."
  }
  assert {
    condition     = jsondecode(aws_sns_topic_subscription.this["sales-lead"].filter_policy) == { plan = ["pro"] } && aws_sns_topic_subscription.this["sales-lead"].filter_policy_scope == "MessageAttributes"
    error_message = "sales-lead filters on the plan message attribute."
  }
  assert {
    condition     = aws_sns_topic_subscription.this["by-body"].filter_policy_scope == "MessageBody"
    error_message = "filter_policy_scope MessageBody is passed through."
  }
  assert {
    condition     = aws_sns_topic_subscription.this["mailing"].filter_policy == null
    error_message = "A subscriber without a filter receives everything (no scope set)."
  }
  assert {
    condition     = alltrue([for k, s in aws_sns_topic_subscription.this : s.endpoint == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}"])
    error_message = "Each subscription delivers to its own queue."
  }
}

run "consumer_functions_get_least_privilege" {
  command = plan

  assert {
    condition     = module.subscriber["mailing"].function_name == "swy-test-registration-mailing"
    error_message = "Consumers are named <name>-<key>."
  }
  assert {
    condition = length(module.subscriber) == 3 && alltrue([for k, m in module.subscriber :
      m.settings.mapping.event_source_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}" &&
      m.settings.mapping.function_name == "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-registration-${k}"
    ])
    error_message = "Each subscriber's queue feeds its own function."
  }
  assert {
    condition     = alltrue([for k, m in module.subscriber : m.settings.mapping.function_response_types == toset(["ReportBatchItemFailures"]) && m.settings.mapping.maximum_concurrency == 2 && m.settings.mapping.batch_size == 10 && m.settings.mapping.maximum_batching_window_in_seconds == 1])
    error_message = "Every mapping reports partial batch failures, bounds concurrency and batches as configured."
  }
  assert {
    condition = alltrue([for k, m in module.subscriber : m.consumer_grants.role == "swy-test-registration-${k}-role" && m.consumer_grants.statements == {
      ConsumeQueue = {
        actions    = toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
        resources  = toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}"])
        conditions = []
      }
      ParkInDeadLetterQueue = {
        actions    = toset(["sqs:SendMessage"])
        resources  = toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-registration-${k}-dlq"])
        conditions = []
      }
      UseQueueKey = {
        actions    = toset(["kms:Decrypt", "kms:GenerateDataKey"])
        resources  = toset(["arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"])
        conditions = [{ test = "StringEquals", variable = "kms:ViaService", values = tolist(["sqs.eu-west-1.amazonaws.com"]) }]
      }
    }])
    error_message = "Each consumer's own role may receive/delete from its own queue, park in its own DLQ and use the topic key through SQS only: nothing else."
  }
}

run "rejects_bad_subscriber_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { "Sales_Lead" = { handler = "a.handler.lambda_handler", package_path = "tests/fixtures/handler.zip" } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_filter_policy_that_is_not_a_json_object" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { pro = { handler = "a.handler.lambda_handler", package_path = "tests/fixtures/handler.zip", filter_policy = "plan = pro" } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_unknown_filter_scope" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { pro = { handler = "a.handler.lambda_handler", package_path = "tests/fixtures/handler.zip", filter_policy = "{\"plan\":[\"pro\"]}", filter_policy_scope = "Body" } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_concurrency_below_two" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { pro = { handler = "a.handler.lambda_handler", package_path = "tests/fixtures/handler.zip", maximum_concurrency = 1 } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_large_batch_without_window" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { pro = { handler = "a.handler.lambda_handler", package_path = "tests/fixtures/handler.zip", batch_size = 100, maximum_batching_window_in_seconds = 0 } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_the_reserved_dead_letter_queue_variable" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { pro = {
      handler               = "a.handler.lambda_handler"
      package_path          = "tests/fixtures/handler.zip"
      environment_variables = { DEAD_LETTER_QUEUE_URL = "elsewhere" }
    } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_a_name_too_long_for_iam_role_names" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    name = "swy-a-very-long-platform-prefix-and-more-x"
  }
  expect_failures = [var.name]
}

run "rejects_a_subscriber_key_too_long_for_iam_role_names" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { a-very-long-subscribr = { handler = "a.handler.lambda_handler", package_path = "tests/fixtures/handler.zip" } }
  }
  expect_failures = [var.subscribers]
}

run "rejects_an_empty_subscriber_map" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = {}
  }
  expect_failures = [var.subscribers]
}

run "rejects_a_package_that_is_not_a_zip" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    subscribers = { pro = { handler = "a.handler.lambda_handler", package_path = "lambdas/registration_sales_lead" } }
  }
  expect_failures = [var.subscribers]
}
