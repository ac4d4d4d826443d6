output "health_url" {
  description = "GET this URL: 200 from the MOCK integration."
  value       = "${module.stage.invoke_url}/health"
}

output "access_log_group_name" {
  description = "Where the stage's JSON access logs go."
  value       = module.stage.access_log_group_name
}
