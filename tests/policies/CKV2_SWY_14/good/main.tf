resource "aws_dynamodb_table" "schedule" {
  name             = "schedule"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "OLD_IMAGE"

  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_sqs_queue" "on_failure" {
  name = "schedule-on-failure"
}

resource "aws_lambda_event_source_mapping" "good" {
  event_source_arn               = aws_dynamodb_table.schedule.stream_arn
  function_name                  = "handler"
  starting_position              = "TRIM_HORIZON"
  bisect_batch_on_function_error = true
  maximum_retry_attempts         = 3
  maximum_record_age_in_seconds  = 3600
  function_response_types        = ["ReportBatchItemFailures"]

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.on_failure.arn
    }
  }
}

# An SQS mapping is not a stream mapping: none of this applies.
resource "aws_lambda_event_source_mapping" "sqs" {
  event_source_arn        = aws_sqs_queue.on_failure.arn
  function_name           = "handler"
  function_response_types = ["ReportBatchItemFailures"]
}
