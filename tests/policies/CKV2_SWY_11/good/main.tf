resource "aws_sns_topic" "good" {
  name              = "sealed"
  kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

resource "aws_sqs_queue" "good" {
  name                    = "sealed"
  sqs_managed_sse_enabled = true
}
