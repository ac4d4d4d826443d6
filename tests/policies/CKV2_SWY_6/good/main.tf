resource "aws_lambda_function" "notifier" {
  function_name = "notifier"
  role          = "arn:aws:iam::111111111111:role/notifier"
  handler       = "notifier.handler.lambda_handler"
  runtime       = "python3.12"
  filename      = "notifier.zip"

  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_permission" "sns" {
  statement_id  = "AllowSns"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.notifier.function_name
  principal     = "sns.amazonaws.com"
}

resource "aws_lambda_function_event_invoke_config" "notifier" {
  function_name          = aws_lambda_function.notifier.function_name
  maximum_retry_attempts = 2

  destination_config {
    on_failure {
      destination = "arn:aws:sqs:eu-west-1:111111111111:notifier-dlq"
    }
  }
}

resource "aws_lambda_function" "with_dlq" {
  function_name = "scheduled"
  role          = "arn:aws:iam::111111111111:role/scheduled"
  handler       = "scheduled.handler.lambda_handler"
  runtime       = "python3.12"
  filename      = "scheduled.zip"

  tracing_config {
    mode = "Active"
  }

  dead_letter_config {
    target_arn = "arn:aws:sqs:eu-west-1:111111111111:scheduled-dlq"
  }
}
