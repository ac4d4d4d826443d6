# Per-account baseline, applied once per account by the bootstrap (infra/): the Terraform state
# bucket the environment root uses, the GitHub Actions OIDC provider, a read-only plan role and
# an apply role, both inside a permissions boundary. IAM roles are in iam.tf.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.name
  partition  = data.aws_partition.current.partition

  # The naming convention tools/envctl.py derives the backend bucket from.
  state_bucket_name = "${var.name_prefix}-tfstate-${local.account_id}-${local.region}"
  state_bucket_arn  = "arn:${local.partition}:s3:::${local.state_bucket_name}"
}

# --- state key ---------------------------------------------------------------------------------
# State holds secrets (API destination credentials, outputs): SSE-KMS with a customer-managed key
# makes reading it need kms:Decrypt on top of s3:GetObject, and CloudTrail records each use.
data "aws_iam_policy_document" "state_key" {
  #checkov:skip=CKV_AWS_109:key policy: "*" resource means this key only, and the account root must keep administering it or the key becomes unmanageable
  #checkov:skip=CKV_AWS_111:key policy: "*" resource means this key only; writes are limited to the account root, which delegates to IAM policies
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

  # The CI roles may use the key (their IAM policies say how) but never disable or delete it.
  # A condition on aws:PrincipalArn, not a principal: the roles need not exist yet.
  statement {
    sid       = "CiRolesCannotRetireTheKey"
    effect    = "Deny"
    actions   = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DisableKeyRotation"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:PrincipalArn"
      values   = [local.plan_role_arn, local.deploy_role_arn]
    }
  }
}

resource "aws_kms_key" "state" {
  description             = "${var.name_prefix} Terraform state (${var.environment})"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.state_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "state" {
  name          = "alias/${var.name_prefix}-tfstate"
  target_key_id = aws_kms_key.state.key_id
}

# --- state bucket ------------------------------------------------------------------------------
resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV_AWS_18:server access logs would need a second bucket per account that itself needs a log target; CloudTrail data events (organisation trail) are the audit record for state reads and writes
  #checkov:skip=CKV_AWS_144:state is small and versioned; cross-region replication would double the bootstrap for a copy that a noncurrent version already provides
  #checkov:skip=CKV2_AWS_62:nothing consumes state-change events; CI and drift detection read state through Terraform
  bucket = local.state_bucket_name
  tags   = var.tags
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.state.arn
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-superseded-state"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.state_noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

locals {
  # jsonencode (not a policy document data source) so the module tests can assert on it.
  state_bucket_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      # State is encrypted with the state key or not written: a put that asks for AES256, for
      # another key, or for aws:kms without a key (S3 would use aws/s3) is refused. A put without
      # encryption headers gets the bucket default, which is this key (Null = false: the negated
      # operators alone, with or without IfExists, would also refuse a put without the header).
      {
        Sid       = "DenyPutsWithAnotherAlgorithm"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.state.arn}/*"
        Condition = {
          Null            = { "s3:x-amz-server-side-encryption" = "false" }
          StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
        }
      },
      {
        Sid       = "DenyPutsWithAnotherKey"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.state.arn}/*"
        Condition = {
          Null            = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" }
          StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = aws_kms_key.state.arn }
        }
      },
      {
        Sid       = "DenyKmsPutsWithoutTheKey"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:PutObject"
        Resource  = "${aws_s3_bucket.state.arn}/*"
        Condition = {
          StringEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
          Null         = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "true" }
        }
      },
    ]
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode(local.state_bucket_policy)

  depends_on = [aws_s3_bucket_public_access_block.state]
}

# --- GitHub Actions OIDC -----------------------------------------------------------------------
resource "aws_iam_openid_connect_provider" "github" {
  count = var.existing_oidc_provider_arn == null ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # IAM no longer uses thumbprints for this provider (it trusts GitHub's CA); the API still
  # accepts them, and older partitions need them.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  tags            = var.tags
}

locals {
  oidc_provider_arn = coalesce(var.existing_oidc_provider_arn, try(aws_iam_openid_connect_provider.github[0].arn, null))
}
