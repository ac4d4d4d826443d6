resource "aws_cloudwatch_event_target" "good" {
  rule = "orders-placed"
  arn  = "arn:aws:sqs:eu-west-1:111111111111:orders"

  retry_policy {
    maximum_retry_attempts       = 185
    maximum_event_age_in_seconds = 86400
  }

  dead_letter_config {
    arn = "arn:aws:sqs:eu-west-1:111111111111:orders-target-dlq"
  }
}
