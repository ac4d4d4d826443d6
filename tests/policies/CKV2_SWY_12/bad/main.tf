resource "aws_sns_topic" "orders" {
  name              = "orders"
  kms_master_key_id = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
}

resource "aws_sqs_queue" "bad" {
  name              = "orders-billing"
  kms_master_key_id = "alias/aws/sqs"
}

resource "aws_sns_topic_subscription" "billing" {
  topic_arn = aws_sns_topic.orders.arn
  protocol  = "sqs"
  endpoint  = aws_sqs_queue.bad.arn
}
