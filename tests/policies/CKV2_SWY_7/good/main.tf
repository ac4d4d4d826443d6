data "aws_iam_policy_document" "good" {
  statement {
    actions   = ["dynamodb:PutItem"]
    resources = ["arn:aws:dynamodb:eu-west-1:111111111111:table/audit"]
  }

  # Read-only on "*" is tolerated by this rule (checkov's own checks judge it separately).
  statement {
    actions   = ["sqs:ListQueues"]
    resources = ["*"]
  }
}

# The standard TLS-only queue statement: sqs:* with Principal * is a Deny.
data "aws_iam_policy_document" "tls_only" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = ["arn:aws:sqs:eu-west-1:111111111111:q"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_iam_role_policy" "good" {
  name = "put-audit"
  role = "worker"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["dynamodb:PutItem"], Resource = "arn:aws:dynamodb:eu-west-1:111111111111:table/audit" }]
  })
}
