output "platform" {
  description = "The platform's wiring in this environment (queue URLs, table names, function ARNs): every output of modules/platform but `harness`, which only the sandbox's test harness reads."
  value       = { for name, value in module.platform : name => value if name != "harness" }
}
