environment = "prod"
cost_center = "cc-switchyard-prod"

lambda_defaults = {
  memory_size        = 1024
  log_retention_days = 365
}

# Keep each function's reservation >= its mapping's maximum_concurrency.
reserved_concurrency = { audit = 50, voting = 100, registration_mailing = 20 }

audit = {
  maximum_concurrency = 20
}

voting = {
  maximum_concurrency = 100
  throttling          = { rate_limit = 1000, burst_limit = 2000 }
}

registration = {
  maximum_concurrency = 10
  consumers = {
    # consumers.<name> overrides the figures above for one consumer.
    mailing = { maximum_concurrency = 20 }
  }
}

# On-call topic in the prod account, for example:
# alarm_actions = ["arn:aws:sns:eu-west-1:432109876543:switchyard-oncall"]
