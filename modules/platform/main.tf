data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition
}

# One customer-managed key per platform instance for logs, tables and Lambda environments.
data "aws_iam_policy_document" "platform_key" {
  #checkov:skip=CKV_AWS_109:key policy: "*" resource means this key only, and the account root must keep administering it or the key becomes unmanageable
  #checkov:skip=CKV_AWS_111:key policy: "*" resource means this key only; writes are limited to the account root and the CloudWatch Logs service for this account's log groups
  #checkov:skip=CKV_AWS_356:key policy: "*" resource means this key only
  statement {
    sid       = "AccountRootAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid = "CloudWatchLogsEncryptsThisAccountsLogGroups"
    actions = [
      "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
      "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey",
    ]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["logs.${local.region}.amazonaws.com"]
    }

    condition {
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
    }
  }

  # registration_bus.tf: SNS encrypts the registration topic's messages into the bus queue.
  dynamic "statement" {
    for_each = local.registration_bus_on ? [local.registration_topic_arn] : []
    content {
      sid       = "SnsDeliversRegistrationToTheBusQueue"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["sns.amazonaws.com"]
      }

      condition {
        test     = "ArnEquals"
        variable = "aws:SourceArn"
        values   = [statement.value]
      }
    }
  }
}

resource "aws_kms_key" "platform" {
  description             = "${var.name_prefix} platform data: logs, tables, function environments"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.platform_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "platform" {
  name          = "alias/${var.name_prefix}-platform"
  target_key_id = aws_kms_key.platform.key_id
}

resource "aws_lambda_layer_version" "shared" {
  layer_name               = "${var.name_prefix}-shared"
  description              = "Switchyard shared code (envelope, schemas, dead letters) with Powertools"
  filename                 = "${var.artifacts_dir}/layers/shared.zip"
  source_code_hash         = filebase64sha256("${var.artifacts_dir}/layers/shared.zip")
  compatible_runtimes      = ["python3.12"]
  compatible_architectures = [var.lambda_defaults.architecture]

  lifecycle {
    # The layer's compiled wheels (wrapt) exist per instruction set; make writes the one it
    # packaged for beside the zip (LAMBDA_ARCHITECTURE, default arm64).
    precondition {
      condition     = try(trimspace(file("${var.artifacts_dir}/layers/shared.architecture")), var.lambda_defaults.architecture) == var.lambda_defaults.architecture
      error_message = "layers/shared.zip was packaged for another instruction set than lambda_defaults.architecture = \"${var.lambda_defaults.architecture}\": run `make package-lambdas LAMBDA_ARCHITECTURE=${var.lambda_defaults.architecture}`, or set lambda_defaults.architecture to what ${var.artifacts_dir}/layers/shared.architecture says."
    }
  }
}
