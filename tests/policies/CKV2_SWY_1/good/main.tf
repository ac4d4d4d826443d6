resource "aws_sqs_queue" "work" {
  name = "work"
}

resource "aws_lambda_event_source_mapping" "good" {
  event_source_arn        = aws_sqs_queue.work.arn
  function_name           = "consumer"
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
}

# A stream mapping has no batch item failures to report through SQS: not in scope.
resource "aws_lambda_event_source_mapping" "stream" {
  event_source_arn  = "arn:aws:dynamodb:eu-west-1:111111111111:table/t/stream/2026-01-01T00:00:00.000"
  function_name     = "consumer"
  starting_position = "LATEST"
}
