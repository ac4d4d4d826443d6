output "voting_invoke_url" {
  description = "Base URL of the voting API."
  value       = module.platform.voting.invoke_url
}

output "audit_queue_url" {
  description = "Send envelope events here to have them audited."
  value       = module.platform.audit.queue_url
}

output "registration_function_name" {
  description = "Invoke this function to register a user."
  value       = module.platform.registration.function_name
}
