resource "aws_pipes_pipe" "bad" {
  name     = "signups-to-bus"
  role_arn = "arn:aws:iam::111111111111:role/signups-pipe"
  source   = "arn:aws:sqs:eu-west-1:111111111111:signups"
  target   = "arn:aws:events:eu-west-1:111111111111:event-bus/webhooks"
}
