resource "aws_sns_topic" "bad" {
  name = "plain"
}

resource "aws_sqs_queue" "bad" {
  name                    = "plain"
  sqs_managed_sse_enabled = false
}
