resource "aws_cloudwatch_event_target" "bad" {
  rule = "orders-placed"
  arn  = "arn:aws:sqs:eu-west-1:111111111111:orders"

  retry_policy {
    maximum_retry_attempts       = 10
    maximum_event_age_in_seconds = 3600
  }
}
