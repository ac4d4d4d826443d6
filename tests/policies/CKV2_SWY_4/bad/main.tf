resource "aws_sqs_queue" "bad" {
  name = "orders-parking"
}

resource "aws_sqs_queue" "orders" {
  name = "orders"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.bad.arn
    maxReceiveCount     = 5
  })
}

# An alarm on the source queue does not watch the DLQ.
resource "aws_cloudwatch_metric_alarm" "orders_age" {
  alarm_name          = "orders-age"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateAgeOfOldestMessage"
  dimensions          = { QueueName = aws_sqs_queue.orders.name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 300
  comparison_operator = "GreaterThanThreshold"
}
