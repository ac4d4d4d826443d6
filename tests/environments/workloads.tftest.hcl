mock_provider "aws" {
  # Plan-time values only: nothing is applied.
  override_during = plan
  source          = "./mocks"
}

# The alarm topic's ARN differs from every other topic's (the mocks give all topics one ARN),
# so an alarm wired to another topic fails the alarm test.
override_resource {
  target          = module.platform.aws_sns_topic.alarms
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:111111111111:swy-dev-alarms" }
}

run "plan" {
  command = plan

  module {
    source = "../../environments/dev"
  }
}
