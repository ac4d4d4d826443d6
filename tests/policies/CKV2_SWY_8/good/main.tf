resource "aws_cloudwatch_log_group" "good" {
  name              = "/aws/lambda/kept"
  retention_in_days = 30
  kms_key_id        = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}
