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
    table_name     = aws_dynamodb_table.audit_log.name
    table_arn      = aws_dynamodb_table.audit_log.arn
    function_name  = module.audit_function.function_name
    function_arn   = module.audit_function.function_arn
    role_arn       = module.audit_function.role_arn
    log_group_name = module.audit_function.log_group_name
  }
}

output "voting" {
  description = "Voting workload: the API (and where to read its deployed templates and model), queue, DLQ, tables, function."
  value = {
    invoke_url            = module.voting_api.invoke_url
    rest_api_id           = module.voting_api.rest_api_id
    stage_name            = module.voting_api.stage_name
    write_resource_id     = module.voting_api.write_resource_id
    write_http_method     = module.voting_api.write_http_method
    read_resource_id      = module.voting_api.read_resource_id
    write_model_name      = module.voting_api.write_model_name
    api_key_id            = module.voting_api.api_key_id
    integration_role_arn  = module.voting_api.integration_role_arn
    read_role_arn         = module.voting_api.read_role_arn
    access_log_group_name = module.voting_api.access_log_group_name
    alarm_names           = module.voting_api.alarm_names
    queue_url             = module.voting_api.queue_url
    queue_arn             = module.voting_api.queue_arn
    dlq_url               = module.voting_api.dlq_url
    dlq_arn               = module.voting_api.dlq_arn
    polls_table_name      = aws_dynamodb_table.voting["polls"].name
    votes_table_name      = aws_dynamodb_table.voting["votes"].name
    tallies_table_name    = aws_dynamodb_table.voting["tallies"].name
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
    tables        = { for k, t in aws_dynamodb_table.registration : k => t.name }
    subscribers   = module.registration.subscribers
    # Who may read and redrive the subscribers' DLQs (decrypt through SQS only).
    dlq_operator_role_arns = var.dlq_operator_role_arns
  }
}

output "registration_api" {
  description = "Sign-ups over HTTPS: POST {invoke_url} with a JSON body; API Gateway proxies to the registration function (201/400)."
  value = {
    invoke_url            = "${aws_api_gateway_stage.registration.invoke_url}/${local.registration_api_path}"
    rest_api_id           = aws_api_gateway_rest_api.registration.id
    stage_name            = aws_api_gateway_stage.registration.stage_name
    resource_id           = aws_api_gateway_resource.registrations.id
    http_method           = aws_api_gateway_method.register.http_method
    execution_arn         = aws_api_gateway_rest_api.registration.execution_arn
    access_log_group_name = aws_cloudwatch_log_group.registration_api_access.name
    function_name         = module.registration_api_function.function_name
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
