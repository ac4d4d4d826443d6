# "parking" is a DLQ because a redrive policy points at it, whatever its name.
resource "aws_sqs_queue" "parking" {
  name = "orders-parking"
}

resource "aws_sqs_queue" "orders" {
  name = "orders"
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.parking.arn
    maxReceiveCount     = 5
  })
}

resource "aws_sqs_queue" "events" {
  name = "events"
}

resource "aws_sqs_queue_redrive_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.parking.arn
    maxReceiveCount     = 5
  })
}
