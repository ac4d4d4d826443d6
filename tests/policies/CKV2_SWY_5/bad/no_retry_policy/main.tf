resource "aws_cloudwatch_event_target" "bad" {
  rule = "orders-placed"
  arn  = "arn:aws:sqs:eu-west-1:111111111111:orders"

  dead_letter_config {
    arn = "arn:aws:sqs:eu-west-1:111111111111:orders-target-dlq"
  }
}
