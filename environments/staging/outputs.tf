output "platform" {
  description = "The platform's wiring in this environment (queue URLs, table names, function ARNs)."
  value       = module.platform
}
