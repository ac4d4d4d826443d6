# Time-limited voting: POST /polls/{pollId}/votes -> SQS (202 + request id) -> voting function
# -> votes/tallies tables; GET /polls/{pollId}/results is answered by DynamoDB directly.
# The pattern (API, queue, DLQ, mapping, alarms) is modules/queue-load-leveling.

locals {
  voting_name = "${var.name_prefix}-voting"
  # Who voted: with IAM access the request's signer (callerId, from $context.identity.caller),
  # and the API's model refuses a body that names a user; behind an API key, which
  # authenticates no one, the body's userId. lambdas/voting/core.py body_schema does the same.
  vote_schema_json = file("${var.artifacts_dir}/schemas/vote.schema.json") # make package-lambdas copies lambdas/voting/vote.schema.json
  vote_schema      = jsondecode(local.vote_schema_json)
  voter_identity   = var.voting.access_control == "iam" ? "caller" : "body"
  voting_caller_on = length(var.voting.caller_principal_arns) > 0
  # Both branches are JSON strings: a conditional over two object types would unify them and
  # turn every number in the schema into a string.
  vote_model_json = var.voting.access_control == "iam" ? jsonencode(merge(local.vote_schema, {
    required   = [for name in local.vote_schema.required : name if name != "userId"]
    properties = { for name, property in local.vote_schema.properties : name => property if name != "userId" }
  })) : local.vote_schema_json
}

locals {
  voting_tables = {
    # name => key schema (hash, optional range)
    # One item per poll: its choices (string set) and closing time (epoch ms). Published by
    # the poll owner; the voting function only reads it.
    polls = { hash_key = "pollId", range_key = null }
    # One item per (poll, user): the vote that currently counts (choice, submittedAtMs).
    votes = { hash_key = "pollId", range_key = "userId" }
    # One item per (poll, choice): the count, changed only in the same transaction as the vote.
    tallies = { hash_key = "pollId", range_key = "choice" }
  }
}

module "voting_table" {
  source   = "../dynamodb-table"
  for_each = local.voting_tables

  name            = "${var.name_prefix}-${each.key}"
  hash_key        = { name = each.value.hash_key }
  range_key       = each.value.range_key == null ? null : { name = each.value.range_key }
  kms_key_arn     = aws_kms_key.platform.arn
  data_protection = var.data_protection
  tags            = var.tags
}

module "voting_function" {
  source = "../lambda-function"

  permissions_boundary_arn = var.permissions_boundary_arn

  name               = local.voting_name
  description        = "Counts queued votes: one per (poll, user), latest submission wins, exact tallies"
  handler            = "voting.handler.lambda_handler"
  package_path       = "${var.artifacts_dir}/lambdas/voting.zip"
  architecture       = var.lambda_defaults.architecture
  memory_size        = var.lambda_defaults.memory_size
  timeout            = var.lambda_defaults.timeout
  log_retention_days = var.lambda_defaults.log_retention_days
  kms_key_arn        = aws_kms_key.platform.arn
  layer_arns         = [aws_lambda_layer_version.shared.arn]
  environment_variables = {
    POLLS_TABLE_NAME      = module.voting_table["polls"].name
    VOTES_TABLE_NAME      = module.voting_table["votes"].name
    TALLIES_TABLE_NAME    = module.voting_table["tallies"].name
    DEAD_LETTER_QUEUE_URL = module.voting_api.dlq_url
    VOTER_IDENTITY        = local.voter_identity
  }

  reserved_concurrency = lookup(var.reserved_concurrency, "voting", null)

  # Queue and DLQ permissions are granted by the queue-load-leveling module.
  policy_statements = {
    ReadPolls = {
      actions   = ["dynamodb:GetItem"]
      resources = [module.voting_table["polls"].arn]
    }
    RecordVotes = {
      # TransactWriteItems is authorised per contained action.
      actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"]
      resources = [module.voting_table["votes"].arn]
    }
    CountVotes = {
      actions   = ["dynamodb:UpdateItem"]
      resources = [module.voting_table["tallies"].arn]
    }
  }
  tags = var.tags
}

module "voting_api" {
  source = "../queue-load-leveling"

  permissions_boundary_arn = var.permissions_boundary_arn

  name = local.voting_name
  write_route = {
    path   = "polls/{pollId}/votes"
    schema = local.vote_model_json
  }
  # Results come straight from the tallies table: one Query, no function to cold-start.
  read_route = {
    path      = "polls/{pollId}/results"
    table_arn = module.voting_table["tallies"].arn
    action    = "Query"
    request_template = jsonencode({
      TableName                 = module.voting_table["tallies"].name
      KeyConditionExpression    = "pollId = :pollId"
      ExpressionAttributeValues = { ":pollId" = { S = "$util.escapeJavaScript($input.params().path.get('pollId'))" } }
      ConsistentRead            = true
    })
    response_template = join("\n", [
      "#set($items = $input.path('$.Items'))",
      "{\"pollId\":\"$util.escapeJavaScript($input.params().path.get('pollId'))\",\"tallies\":{#foreach($item in $items)\"$util.escapeJavaScript($item.choice.S)\":$item.votes.N#if($foreach.hasNext),#end#end}}",
    ])
  }
  access_control      = var.voting.access_control
  throttling          = var.voting.throttling
  consumer            = { function_arn = module.voting_function.function_arn, role_name = module.voting_function.role_name, timeout = var.lambda_defaults.timeout }
  batch_size          = var.voting.batch_size
  maximum_concurrency = var.voting.maximum_concurrency
  max_receive_count   = var.voting.max_receive_count
  log_kms_key_arn     = aws_kms_key.platform.arn
  log_retention_days  = var.lambda_defaults.log_retention_days
  alarm_actions       = local.alarm_actions
  tags                = var.tags

  usage_plan_quota                   = var.voting.usage_plan_quota
  maximum_batching_window_in_seconds = var.voting.maximum_batching_window_in_seconds
  message_retention_seconds          = var.voting.message_retention_seconds
  oldest_message_age_alarm_seconds   = var.voting.oldest_message_age_alarm_seconds
}

# --- who may call the API (access_control = "iam") ------------------------------------------
# A role the voters' front end assumes (per voter, with the voter's id as session name: each
# session is its own callerId), allowed exactly execute-api:Invoke on the two routes. Callers
# with their own roles attach voting.invoke_policy_json instead.
data "aws_iam_policy_document" "voting_caller_trust" {
  count = local.voting_caller_on ? 1 : 0

  statement {
    sid     = "CallersAssumeTheVotingCallerRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = var.voting.caller_principal_arns
    }
  }
}

resource "aws_iam_role" "voting_caller" {
  count = local.voting_caller_on ? 1 : 0

  name                 = "${local.voting_name}-caller"
  description          = "Calls ${local.voting_name}'s API (SigV4); a session is one voter"
  assume_role_policy   = data.aws_iam_policy_document.voting_caller_trust[0].json
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = 3600
  tags                 = var.tags
}

resource "aws_iam_role_policy" "voting_caller" {
  count = local.voting_caller_on ? 1 : 0

  name   = "invoke-voting-api"
  role   = aws_iam_role.voting_caller[0].id
  policy = module.voting_api.invoke_policy_json
}
