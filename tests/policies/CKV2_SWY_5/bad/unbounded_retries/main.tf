resource "aws_cloudwatch_event_target" "bad" {
  rule = "contacts"
  arn  = "arn:aws:events:eu-west-1:111111111111:api-destination/crm/00000000-0000-0000-0000-000000000000"

  retry_policy {
    maximum_retry_attempts       = 500
    maximum_event_age_in_seconds = 3600
  }

  dead_letter_config {
    arn = "arn:aws:sqs:eu-west-1:111111111111:crm-target-dlq"
  }
}
