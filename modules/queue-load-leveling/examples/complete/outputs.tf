output "write_url" {
  description = "POST orders here (with x-api-key)."
  value       = module.orders_api.write_url
}

output "api_key_id" {
  description = "The API key callers send (read its value with aws apigateway get-api-key --include-value)."
  value       = module.orders_api.api_key_id
}

output "dlq_url" {
  description = "Where orders that can never succeed end up, with their reason."
  value       = module.orders_api.dlq_url
}
