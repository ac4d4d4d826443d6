resource "aws_lambda_function" "bad" {
  function_name = "untraced"
  role          = "arn:aws:iam::111111111111:role/untraced"
  handler       = "untraced.handler.lambda_handler"
  runtime       = "python3.12"
  filename      = "untraced.zip"

  tracing_config {
    mode = "PassThrough"
  }
}
