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

# The alarm topic swy-prod-alarms is created; subscribe on-call to it, for example:
# alarm_topic = { subscriptions = [{ protocol = "https", endpoint = "https://events.pagerduty.com/integration/<key>/enqueue" }] }
# or send the alarms to an existing on-call topic:
# alarm_topic = { existing_topic_arn = "arn:aws:sns:eu-west-1:432109876543:switchyard-oncall" }
