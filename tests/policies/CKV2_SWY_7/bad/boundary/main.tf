# The account baseline's boundary before issue 14: whole services (iam and sts among them) on
# "*", built by a for-expression that checkov renders empty once it substitutes the default.
variable "deploy_services" {
  type    = list(string)
  default = ["apigateway", "iam", "kms", "lambda", "sqs", "sts"]
}

data "aws_iam_policy_document" "bad" {
  statement {
    sid       = "PlatformServicesOnly"
    actions   = [for service in var.deploy_services : "${service}:*"]
    resources = ["*"]
  }

  statement {
    sid       = "BaselineIsNotTheDeployersToChange"
    effect    = "Deny"
    actions   = ["iam:DeleteRole"]
    resources = ["arn:aws:iam::111111111111:role/switchyard-deploy"]
  }
}

resource "aws_iam_policy" "bad" {
  name = "boundary"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = [for service in var.deploy_services : "${service}:*"], Resource = "*" }]
  })
}
