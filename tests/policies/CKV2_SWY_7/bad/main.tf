data "aws_iam_policy_document" "bad" {
  statement {
    actions   = ["dynamodb:PutItem"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "bad" {
  name = "everything"
  role = "worker"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "arn:aws:s3:::bucket" }]
  })
}

resource "aws_iam_policy" "bad" {
  name   = "wildcard-service"
  policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"sqs:*\"],\"Resource\":\"arn:aws:sqs:eu-west-1:111111111111:q\"}]}"
}
