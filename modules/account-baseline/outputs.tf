output "state_bucket_name" {
  description = "Name of the Terraform state bucket (<name_prefix>-tfstate-<account id>-<region>)."
  value       = aws_s3_bucket.state.id
}

output "state_bucket_arn" {
  description = "ARN of the Terraform state bucket."
  value       = aws_s3_bucket.state.arn
}

output "state_kms_key_arn" {
  description = "ARN of the customer-managed key that encrypts state."
  value       = aws_kms_key.state.arn
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider (created or passed in)."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the read-only plan role."
  value       = aws_iam_role.plan.arn
}

output "pr_plan_role_arn" {
  description = "ARN of the pull-request plan role (null when pull_request_plans = false)."
  value       = one(aws_iam_role.pr_plan[*].arn)
}

output "deploy_role_arn" {
  description = "ARN of the apply role."
  value       = aws_iam_role.deploy.arn
}

output "permissions_boundary_arn" {
  description = "ARN of the permissions boundary on both roles."
  value       = aws_iam_policy.boundary.arn
}

output "api_gateway_cloudwatch_role_arn" {
  description = "ARN of API Gateway's account-level CloudWatch Logs role in this region (null when api_gateway_cloudwatch_role = false)."
  value       = one(aws_iam_role.api_gateway_cloudwatch[*].arn)
}
