resource "aws_sqs_queue" "ledger" {
  name       = "ledger.fifo"
  fifo_queue = true
}

resource "aws_sqs_queue" "standard" {
  name = "standard"
}

resource "aws_lambda_event_source_mapping" "fifo" {
  event_source_arn        = aws_sqs_queue.ledger.arn
  function_name           = "consumer"
  batch_size              = 10
  function_response_types = ["ReportBatchItemFailures"]
}

resource "aws_lambda_event_source_mapping" "standard" {
  event_source_arn        = aws_sqs_queue.standard.arn
  function_name           = "consumer"
  batch_size              = 100
  function_response_types = ["ReportBatchItemFailures"]
}
