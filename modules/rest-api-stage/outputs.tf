output "stage_name" {
  description = "Name of the stage (for usage plans, permissions' source ARNs and base path mappings)."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_arn" {
  description = "ARN of the stage (for aws_wafv2_web_acl_association)."
  value       = aws_api_gateway_stage.this.arn
}

output "invoke_url" {
  description = "URL of the stage: https://<api>.execute-api.<region>.amazonaws.com/<stage>."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "access_log_group_name" {
  description = "Name of the access log group (JSON lines)."
  value       = aws_cloudwatch_log_group.access.name
}

output "access_log_group_arn" {
  description = "ARN of the access log group."
  value       = aws_cloudwatch_log_group.access.arn
}

output "execution_log_group_name" {
  description = "Name of the execution log group API Gateway writes ERROR-level logs to."
  value       = aws_cloudwatch_log_group.execution.name
}

output "settings" {
  description = "The stage's tracing, access log destination and format, method settings and log groups as planned, for modules built on this one to assert on in their tests."
  value = {
    xray_tracing_enabled       = aws_api_gateway_stage.this.xray_tracing_enabled
    access_log_destination_arn = aws_api_gateway_stage.this.access_log_settings[0].destination_arn
    access_log_format          = aws_api_gateway_stage.this.access_log_settings[0].format
    method_settings            = aws_api_gateway_method_settings.all.settings[0]
    log_groups = {
      for k, g in { access = aws_cloudwatch_log_group.access, execution = aws_cloudwatch_log_group.execution } :
      k => { name = g.name, arn = g.arn, kms_key_id = g.kms_key_id, retention_in_days = g.retention_in_days }
    }
  }
}
