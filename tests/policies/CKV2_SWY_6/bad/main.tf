resource "aws_lambda_function" "bad" {
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
  function_name = aws_lambda_function.bad.function_name
  principal     = "sns.amazonaws.com"
}

resource "aws_lambda_function_event_invoke_config" "bad" {
  function_name                = "other"
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600
}
