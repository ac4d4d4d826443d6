output "account_id" {
  description = "Account this platform instance was applied into."
  value       = local.account_id
}

output "platform_kms_key_arn" {
  description = "ARN of the platform's customer-managed KMS key."
  value       = aws_kms_key.platform.arn
}

output "shared_layer_arn" {
  description = "Version ARN of the shared layer."
  value       = aws_lambda_layer_version.shared.arn
}

output "audit" {
  description = "Audit workload: where to send events, where they land, where rejects go."
  value = {
    queue_url      = module.audit_queue.queue_url
    queue_arn      = module.audit_queue.queue_arn
    dlq_url        = module.audit_queue.dlq_url
    dlq_arn        = module.audit_queue.dlq_arn
    table_name     = module.audit_log_table.name
    table_arn      = module.audit_log_table.arn
    function_name  = module.audit_function.function_name
    function_arn   = module.audit_function.function_arn
    role_arn       = module.audit_function.role_arn
    log_group_name = module.audit_function.log_group_name
  }
}

output "voting" {
  description = "Voting workload: the API (invoke URL, id, stage, access control, route ARNs and the policy a caller needs, the caller role, API key, access logs, alarms), queue, DLQ, tables, function."
  value = {
    invoke_url            = module.voting_api.invoke_url
    rest_api_id           = module.voting_api.rest_api_id
    stage_name            = module.voting_api.stage_name
    api_key_id            = module.voting_api.api_key_id
    access_control        = var.voting.access_control
    route_arns            = module.voting_api.route_arns
    invoke_policy_json    = module.voting_api.invoke_policy_json
    caller_role_arn       = try(aws_iam_role.voting_caller[0].arn, null)
    access_log_group_name = module.voting_api.access_log_group_name
    alarm_names           = module.voting_api.alarm_names
    queue_url             = module.voting_api.queue_url
    queue_arn             = module.voting_api.queue_arn
    dlq_url               = module.voting_api.dlq_url
    dlq_arn               = module.voting_api.dlq_arn
    polls_table_name      = module.voting_table["polls"].name
    votes_table_name      = module.voting_table["votes"].name
    tallies_table_name    = module.voting_table["tallies"].name
    function_name         = module.voting_function.function_name
    function_arn          = module.voting_function.function_arn
    role_arn              = module.voting_function.role_arn
    log_group_name        = module.voting_function.log_group_name
  }
}

output "registration" {
  description = "Registration workload: the function to call, the topic, the tables, and each subscriber's queue/DLQ/subscription/function."
  value = {
    function_name = module.registration_api_function.function_name
    function_arn  = module.registration_api_function.function_arn
    role_arn      = module.registration_api_function.role_arn
    topic_arn     = module.registration.topic_arn
    kms_key_arn   = module.registration.kms_key_arn
    tables        = { for k, t in module.registration_table : k => t.name }
    subscribers   = module.registration.subscribers
    # Who may read and redrive the subscribers' DLQs (decrypt through SQS only).
    dlq_operator_role_arns = var.dlq_operator_role_arns
  }
}

output "registration_api" {
  description = "Sign-ups over HTTPS: POST {invoke_url} with a JSON body; API Gateway proxies to the registration function (registration.function_name; 201/400)."
  value = {
    invoke_url            = "${module.registration_api_stage.invoke_url}/${local.registration_api_path}"
    rest_api_id           = aws_api_gateway_rest_api.registration.id
    stage_name            = module.registration_api_stage.stage_name
    execution_arn         = aws_api_gateway_rest_api.registration.execution_arn
    access_log_group_name = module.registration_api_stage.access_log_group_name
  }
}

output "harness" {
  description = <<-EOT
    Only for the test harness and the traffic drivers (emulation/, tests/e2e), never for wiring:
    what they need to play a managed service the emulator does not run, and the roles they check
    from outside. Its shape follows the harness, which reads it through
    emulation/harness/wiring.py (Harness.of: a missing or unknown key fails there, by name):
      voting.write, voting.read: { rest_api_id, resource_id, http_method } of the API's two
        methods; emulation/harness/apigateway.py DeployedMethod reads them back and plays their
        integrations (model validation, VTL templates, the SQS and DynamoDB calls)
      voting.integration_role_arn, voting.read_role_arn: the write and read integrations' roles,
        which the e2e checks are scoped to the queue and the tallies table and runs under with
        IAM enforced (tests/e2e/test_least_privilege.py)
      registration_api: { rest_api_id, resource_id, http_method } of the Lambda proxy method
        (LambdaProxyMethod builds the proxy event and checks the function's resource policy)
  EOT
  value = {
    voting = {
      write = {
        rest_api_id = module.voting_api.rest_api_id
        resource_id = module.voting_api.write_resource_id
        http_method = module.voting_api.write_http_method
      }
      read = {
        rest_api_id = module.voting_api.rest_api_id
        resource_id = module.voting_api.read_resource_id
        http_method = "GET" # ../queue-load-leveling answers its read route on GET only
      }
      integration_role_arn = module.voting_api.integration_role_arn
      read_role_arn        = module.voting_api.read_role_arn
    }
    registration_api = {
      rest_api_id = aws_api_gateway_rest_api.registration.id
      resource_id = aws_api_gateway_resource.registrations.id
      http_method = aws_api_gateway_method.register.http_method
    }
  }
}

output "alarm_topic_arn" {
  description = "ARN of the SNS topic every alarm of this platform notifies (created here, or alarm_topic.existing_topic_arn)."
  value       = local.alarm_topic_arn
}

output "alarm_topic_kms_key_arn" {
  description = "ARN of the CMK that encrypts the created alarm topic (null with alarm_topic.existing_topic_arn)."
  value       = try(aws_kms_key.alarms[0].arn, null)
}
