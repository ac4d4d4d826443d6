output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function (event source mappings and permissions use it)."
  value       = aws_lambda_function.this.arn
}

output "function_invoke_arn" {
  description = "Invoke ARN of $LATEST. With snap_start, integrate target_invoke_arn instead."
  value       = aws_lambda_function.this.invoke_arn
}

output "function_version" {
  description = "The version callers run: the version published last when snap_start is on, else \"$LATEST\"."
  value       = var.snap_start ? aws_lambda_function.this.version : "$LATEST"
}

output "alias_name" {
  description = "Name of the alias on the published version (\"live\") when snap_start is on, else null; use it as the qualifier of aws_lambda_permission."
  value       = try(aws_lambda_alias.this[0].name, null)
}

output "alias_arn" {
  description = "ARN of the \"live\" alias when snap_start is on, else null."
  value       = try(aws_lambda_alias.this[0].arn, null)
}

output "target_function_arn" {
  description = "The ARN event source mappings, SNS subscriptions, EventBridge targets and permissions should invoke: the live alias when snap_start is on (SnapStart never applies to $LATEST), else the function."
  value       = var.snap_start ? aws_lambda_alias.this[0].arn : aws_lambda_function.this.arn
}

output "target_invoke_arn" {
  description = "Invoke ARN for API Gateway integrations: the live alias's when snap_start is on, else the function's."
  value       = var.snap_start ? aws_lambda_alias.this[0].invoke_arn : aws_lambda_function.this.invoke_arn
}

output "role_name" {
  description = "Name of the function's own IAM role, to attach further policies."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the function's own IAM role, for resource policies that admit it."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "Name of the function's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "log_group_arn" {
  description = "ARN of the function's log group."
  value       = aws_cloudwatch_log_group.this.arn
}
