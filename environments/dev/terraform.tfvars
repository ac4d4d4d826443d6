environment = "dev"
cost_center = "cc-switchyard-dev"

lambda_defaults = {
  memory_size        = 256
  log_retention_days = 14
}

audit = {
  maximum_concurrency = 2
}

# Every other field of voting and registration takes the platform's default
# (modules/platform/README.md lists them).
voting = {
  maximum_concurrency = 5
}

registration = {
  maximum_concurrency = 2
}
