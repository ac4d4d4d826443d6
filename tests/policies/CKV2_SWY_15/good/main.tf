variable "alarm_actions" {
  type    = list(string)
  default = ["arn:aws:sns:eu-west-1:111111111111:oncall"]
}

resource "aws_cloudwatch_metric_alarm" "good" {
  alarm_name          = "orders-dlq-not-empty"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = "orders-dlq" }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  alarm_actions       = var.alarm_actions
  ok_actions          = var.alarm_actions
}
