environment = "dev"
cost_center = "cc-switchyard-dev"

lambda_defaults = {
  memory_size        = 256
  log_retention_days = 14
}

audit = {
  maximum_concurrency = 2
}
