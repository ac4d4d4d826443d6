output "function_arn" {
  description = "ARN of the example function."
  value       = module.function.function_arn
}

output "role_name" {
  description = "The function's own role, to attach further statements to."
  value       = module.function.role_name
}
