resource "aws_sqs_queue" "work" {
  name = "work"
}

resource "aws_lambda_event_source_mapping" "bad" {
  event_source_arn = aws_sqs_queue.work.arn
  function_name    = "consumer"
  batch_size       = 10
}
