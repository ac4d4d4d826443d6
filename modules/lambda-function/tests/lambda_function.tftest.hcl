mock_provider "aws" {
  # Mocked values are known at plan time: every run is a plan (no apply, no teardown), and an
  # assertion on a computed value that is not mocked fails as unknown, never passes.
  override_during = plan
  source          = "../../tests/mocks"

  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/swy-test-fn-role" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/lambda/swy-test-fn" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-fn"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:swy-test-fn/invocations"
      version    = "7"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-fn:live"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111111111111:function:swy-test-fn:live/invocations"
    }
  }
}

variables {
  name         = "swy-test-fn"
  handler      = "fixture.handler.lambda_handler"
  package_path = "tests/fixtures/handler.zip"
  kms_key_arn  = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "X-Ray active tracing must be on."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/swy-test-fn" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The function's log group must be created by Terraform, named /aws/lambda/<name>, with retention."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "Logs and environment variables must be encrypted with the given CMK."
  }
  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("tests/fixtures/handler.zip")
    error_message = "source_code_hash must follow the zip's bytes."
  }
  assert {
    condition     = aws_iam_role.this.name == "swy-test-fn-role"
    error_message = "Each function gets its own role."
  }
  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : alltrue([for a in s.actions : !strcontains(a, "*")]) && !contains(s.resources, "*")])
    error_message = "No statement may use a wildcard action or a bare '*' resource."
  }
  assert {
    condition     = length(aws_lambda_function.this.dead_letter_config) == 0 && length(data.aws_iam_policy_document.this.statement) == 3
    error_message = "Without a dead_letter_target there is no DLQ config and no permission for one."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["POWERTOOLS_SERVICE_NAME"] == "swy-test-fn"
    error_message = "Powertools service name defaults to the function name."
  }
  assert {
    condition     = aws_lambda_function.this.environment[0].variables["SWITCHYARD_TRACING"] == "active"
    error_message = "By default the function relies on Lambda active tracing and does not load the X-Ray SDK."
  }
  assert {
    condition     = aws_lambda_function.this.publish == false && length(aws_lambda_function.this.snap_start) == 0 && length(aws_lambda_alias.this) == 0
    error_message = "Without snap_start nothing is published and there is no alias."
  }
  assert {
    condition     = output.target_function_arn == aws_lambda_function.this.arn && output.target_invoke_arn == aws_lambda_function.this.invoke_arn && output.alias_name == null && output.function_version == "$LATEST"
    error_message = "Without snap_start callers target the function itself ($LATEST)."
  }
}

run "snap_start_publishes_a_version_behind_an_alias" {
  command = plan

  variables {
    snap_start = true
  }

  assert {
    condition     = aws_lambda_function.this.publish == true && aws_lambda_function.this.snap_start[0].apply_on == "PublishedVersions"
    error_message = "SnapStart needs published versions: publish = true and apply_on = PublishedVersions."
  }
  assert {
    condition     = aws_lambda_alias.this[0].name == "live" && aws_lambda_alias.this[0].function_version == "7" && aws_lambda_alias.this[0].function_name == "swy-test-fn"
    error_message = "The alias live must point at the version just published."
  }
  assert {
    condition     = output.target_function_arn == "arn:aws:lambda:eu-west-1:111111111111:function:swy-test-fn:live" && endswith(output.target_invoke_arn, "swy-test-fn:live/invocations")
    error_message = "With snap_start, mappings and integrations must target the alias, never $LATEST."
  }
  assert {
    condition     = output.alias_name == "live" && output.alias_arn == aws_lambda_alias.this[0].arn && output.function_version == "7"
    error_message = "alias_name (the permission qualifier), alias_arn and function_version must describe the published version."
  }
}

run "xray_sdk_tracing_is_opt_in" {
  command = plan

  variables {
    tracing = "xray-sdk"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables["SWITCHYARD_TRACING"] == "xray-sdk" && aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "tracing = xray-sdk sets SWITCHYARD_TRACING and keeps active tracing on."
  }
}

run "rejects_unknown_tracing" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    tracing = "otel"
  }

  expect_failures = [var.tracing]
}

run "dead_letter_target_grants_only_send" {
  command = plan

  variables {
    dead_letter_target = { arn = "arn:aws:sqs:eu-west-1:111111111111:swy-test-fn-dlq" }
  }

  assert {
    condition     = aws_lambda_function.this.dead_letter_config[0].target_arn == "arn:aws:sqs:eu-west-1:111111111111:swy-test-fn-dlq"
    error_message = "dead_letter_config must point at the given queue."
  }
  assert {
    condition     = contains([for s in data.aws_iam_policy_document.this.statement : s.sid if s.actions == toset(["sqs:SendMessage"]) && s.resources == toset(["arn:aws:sqs:eu-west-1:111111111111:swy-test-fn-dlq"])], "DeadLetterTarget")
    error_message = "The role may send only to its own DLQ."
  }
}

run "key_grants_hold_only_on_the_paths_that_use_them" {
  command = plan

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.this.statement : contains([for c in s.condition : c.variable], "kms:ViaService") if anytrue([for a in s.actions : startswith(a, "kms:")])])
    error_message = "Every grant on the function's key names the service it is used through (kms:ViaService)."
  }
  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.this.statement : try(
      s.sid == "DecryptOwnEnvironmentThroughLambda" && s.actions == toset(["kms:Decrypt"])
      && { for c in s.condition : c.variable => c.values } == {
        "kms:ViaService"                               = tolist(["lambda.eu-west-1.amazonaws.com"])
        "kms:EncryptionContext:aws:lambda:FunctionArn" = tolist(["arn:aws:lambda:eu-west-1:111111111111:function:swy-test-fn"])
      }
    , false)])
    error_message = "The environment is decrypted through Lambda, for this function's encryption context only."
  }
  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.this.statement : try(
      s.sid == "UseKeyThroughDataServices" && one(s.condition).values == tolist(["dynamodb.eu-west-1.amazonaws.com"])
    , false)])
    error_message = "By default the key's data path is DynamoDB only (tables encrypted with the key)."
  }
}

run "no_data_path_when_none_is_named" {
  command = plan

  variables {
    kms_via_services = []
  }

  assert {
    condition     = !contains([for s in data.aws_iam_policy_document.this.statement : s.sid], "UseKeyThroughDataServices")
    error_message = "kms_via_services = [] leaves only the environment's decryption."
  }
}

run "rejects_an_endpoint_as_via_service" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    kms_via_services = ["dynamodb.eu-west-1.amazonaws.com"]
  }

  expect_failures = [var.kms_via_services]
}

run "dead_letter_topic_in_another_partition_gets_publish" {
  command = plan

  variables {
    dead_letter_target = { arn = "arn:aws-cn:sns:cn-north-1:111111111111:swy-test-fn-dlq" }
  }

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.this.statement : s.sid if s.actions == toset(["sns:Publish"])], "DeadLetterTarget")
    error_message = "An SNS dead-letter target is recognised by the ARN's service field in any partition (aws-cn, aws-us-gov)."
  }
}

run "rejects_wildcard_action" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    policy_statements = {
      ReadEverything = { actions = ["dynamodb:*"], resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/t"] }
    }
  }

  expect_failures = [var.policy_statements]
}

run "rejects_star_resource" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    policy_statements = {
      PutAnywhere = { actions = ["dynamodb:PutItem"], resources = ["*"] }
    }
  }

  expect_failures = [var.policy_statements]
}

run "rejects_bad_retention" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    log_retention_days = 10
  }

  expect_failures = [var.log_retention_days]
}

run "rejects_kms_alias" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    kms_key_arn = "alias/aws/lambda"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_non_zip_package" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }

  variables {
    package_path = "lambdas/audit"
  }

  expect_failures = [var.package_path]
}
