output "invoke_url" {
  description = "Base URL of the stage; append the route paths (for example <invoke_url>/polls/p1/votes)."
  value       = module.stage.invoke_url
}

output "write_url" {
  description = "URL template of the write route, path parameters left as {name}."
  value       = "${module.stage.invoke_url}/${var.write_route.path}"
}

output "rest_api_id" {
  description = "Id of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "rest_api_execution_arn" {
  description = "Execution ARN of the API, for execute-api:Invoke grants when access_control = \"iam\"."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "route_arns" {
  description = "execute-api:Invoke resource of each route on the stage ({ write, read }; path parameters as *)."
  value       = local.route_arns
}

output "invoke_policy_json" {
  description = "Identity policy allowing execute-api:Invoke on the routes: attach it to the callers' roles (access_control = \"iam\"; the API refuses any other signer with 403)."
  value       = data.aws_iam_policy_document.invoke.json
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = module.stage.stage_name
}

output "write_resource_id" {
  description = "Resource id of the write route (with write_http_method: where to read its integration back)."
  value       = local.resource_ids[var.write_route.path]
}

output "write_http_method" {
  description = "HTTP method of the write route."
  value       = var.write_route.http_method
}

output "read_resource_id" {
  description = "Resource id of the read route; null without one."
  value       = var.read_route == null ? null : local.resource_ids[var.read_route.path]
}

output "write_model_name" {
  description = "Name of the request model (JSON Schema) the write route validates bodies against."
  value       = aws_api_gateway_model.write.name
}

output "write_schema" {
  description = "The JSON Schema the write route's model validates bodies against (as given)."
  value       = aws_api_gateway_model.write.schema
}

output "request_template" {
  description = "The VTL mapping template that turns an accepted request into SendMessage parameters."
  value       = local.request_template
}

output "api_key_id" {
  description = "Id of the API key (access_control = \"api_key\"); read its value with `aws apigateway get-api-key --include-value`. Null with IAM auth."
  value       = try(aws_api_gateway_api_key.this[0].id, null)
}

output "usage_plan_id" {
  description = "Id of the usage plan (access_control = \"api_key\"); null with IAM auth."
  value       = try(aws_api_gateway_usage_plan.this[0].id, null)
}

output "queue_url" {
  description = "URL of the queue the API writes to."
  value       = module.queue.queue_url
}

output "queue_arn" {
  description = "ARN of the queue the API writes to."
  value       = module.queue.queue_arn
}

output "queue_name" {
  description = "Name of the queue the API writes to."
  value       = module.queue.queue_name
}

output "dlq_url" {
  description = "URL of the dead-letter queue (give it to the consumer to park malformed messages)."
  value       = module.queue.dlq_url
}

output "dlq_arn" {
  description = "ARN of the dead-letter queue."
  value       = module.queue.dlq_arn
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping."
  value       = module.queue.event_source_mapping_uuid
}

output "integration_role_arn" {
  description = "Role API Gateway assumes to send to the queue (sqs:SendMessage on it only)."
  value       = aws_iam_role.integration.arn
}

output "read_role_arn" {
  description = "Role API Gateway assumes for the read route; null without one."
  value       = try(aws_iam_role.read[0].arn, null)
}

output "access_log_group_name" {
  description = "Log group of the stage's access logs."
  value       = module.stage.access_log_group_name
}

output "alarm_names" {
  description = "The DLQ-depth and oldest-message-age alarms."
  value       = module.queue.alarm_names
}
