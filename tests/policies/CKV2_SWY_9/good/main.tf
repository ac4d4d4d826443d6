resource "aws_lambda_function" "good" {
  function_name = "traced"
  role          = "arn:aws:iam::111111111111:role/traced"
  handler       = "traced.handler.lambda_handler"
  runtime       = "python3.12"
  filename      = "traced.zip"

  tracing_config {
    mode = "Active"
  }
}
