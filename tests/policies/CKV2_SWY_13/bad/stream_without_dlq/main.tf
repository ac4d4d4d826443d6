resource "aws_pipes_pipe" "bad" {
  name     = "table-to-bus"
  role_arn = "arn:aws:iam::111111111111:role/table-pipe"
  source   = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000"
  target   = "arn:aws:events:eu-west-1:111111111111:event-bus/webhooks"

  source_parameters {
    dynamodb_stream_parameters {
      starting_position = "LATEST"
    }
  }

  log_configuration {
    level = "ERROR"
    cloudwatch_logs_log_destination {
      log_group_arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/pipes/orders"
    }
  }
}
