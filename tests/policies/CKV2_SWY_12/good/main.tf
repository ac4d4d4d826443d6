resource "aws_kms_key" "messages" {
  description         = "messages"
  enable_key_rotation = true
}

resource "aws_sns_topic" "orders" {
  name              = "orders"
  kms_master_key_id = aws_kms_key.messages.arn
}

resource "aws_sqs_queue" "billing" {
  name              = "orders-billing"
  kms_master_key_id = aws_kms_key.messages.arn
}

resource "aws_sns_topic_subscription" "billing" {
  topic_arn = aws_sns_topic.orders.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.billing.arn
}

# Not fed by SNS or EventBridge: SQS-managed SSE is fine.
resource "aws_sqs_queue" "internal" {
  name                    = "internal"
  sqs_managed_sse_enabled = true
}
