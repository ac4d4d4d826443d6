resource "aws_sqs_queue" "source" {
  name              = "signups"
  kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

resource "aws_pipes_pipe" "bad" {
  name     = "signups-to-bus"
  role_arn = "arn:aws:iam::111111111111:role/signups-pipe"
  source   = aws_sqs_queue.source.arn
  target   = "arn:aws:events:eu-west-1:111111111111:event-bus/webhooks"

  log_configuration {
    level = "ERROR"
    cloudwatch_logs_log_destination {
      log_group_arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/pipes/signups"
    }
  }
}
