environment = "staging"
cost_center = "cc-switchyard-staging"

lambda_defaults = {
  memory_size        = 512
  log_retention_days = 30
}

reserved_concurrency = { audit = 10 }

audit = {
  maximum_concurrency = 5
}
