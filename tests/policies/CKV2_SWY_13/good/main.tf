resource "aws_sqs_queue" "source_dlq" {
  name              = "signups-dlq"
  kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

resource "aws_sqs_queue" "source" {
  name              = "signups"
  kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
  redrive_policy    = jsonencode({ deadLetterTargetArn = aws_sqs_queue.source_dlq.arn, maxReceiveCount = 5 })
}

resource "aws_pipes_pipe" "good" {
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

resource "aws_pipes_pipe" "good_stream" {
  name     = "table-to-bus"
  role_arn = "arn:aws:iam::111111111111:role/table-pipe"
  source   = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders/stream/2026-01-01T00:00:00.000"
  target   = "arn:aws:events:eu-west-1:111111111111:event-bus/webhooks"

  source_parameters {
    dynamodb_stream_parameters {
      starting_position      = "LATEST"
      maximum_retry_attempts = 10
      dead_letter_config {
        arn = "arn:aws:sqs:eu-west-1:111111111111:orders-pipe-dlq"
      }
    }
  }

  log_configuration {
    level = "ERROR"
    cloudwatch_logs_log_destination {
      log_group_arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/vendedlogs/pipes/orders"
    }
  }
}
