environment = "prod"
cost_center = "cc-switchyard-prod"

lambda_defaults = {
  memory_size        = 1024
  log_retention_days = 365
}

reserved_concurrency = { audit = 50 }

audit = {
  maximum_concurrency = 20
}

# On-call topic in the prod account, for example:
# alarm_actions = ["arn:aws:sns:eu-west-1:432109876543:switchyard-oncall"]
