environment = "staging"
cost_center = "cc-switchyard-staging"

lambda_defaults = {
  memory_size        = 512
  log_retention_days = 30
}

# Keep each function's reservation >= its mapping's maximum_concurrency.
reserved_concurrency = { audit = 10, voting = 20 }

audit = {
  maximum_concurrency = 5
}

voting = {
  maximum_concurrency = 20
  throttling          = { rate_limit = 200, burst_limit = 400 }
}

registration = {
  maximum_concurrency = 5
}
