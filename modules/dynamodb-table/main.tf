# One DynamoDB table the way every Switchyard table is built: on demand (or provisioned),
# encrypted with the caller's CMK, point-in-time recovery and deletion protection on unless
# data_protection turns them off, optional TTL and stream.

locals {
  # The key attributes are the only ones a table declares (DynamoDB is schemaless otherwise).
  key_attributes = concat([var.hash_key], var.range_key == null ? [] : [var.range_key])
}

resource "aws_dynamodb_table" "this" {
  #checkov:skip=CKV_AWS_28:PITR follows var.data_protection (default on); modules/platform refuses turning it off outside the sandbox and CKV2_SWY_10 checks it per environment
  name                        = var.name
  billing_mode                = var.billing_mode
  read_capacity               = try(var.provisioned.read, null)
  write_capacity              = try(var.provisioned.write, null)
  hash_key                    = var.hash_key.name
  range_key                   = try(var.range_key.name, null)
  deletion_protection_enabled = var.data_protection.deletion_protection

  dynamic "attribute" {
    for_each = local.key_attributes
    content {
      name = attribute.value.name
      type = attribute.value.type
    }
  }

  point_in_time_recovery {
    enabled = var.data_protection.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]
    content {
      enabled        = true
      attribute_name = ttl.value
    }
  }

  # Unset (not false) without a stream: tables deployed before this module had no stream
  # arguments, and their plans stay empty.
  stream_enabled   = var.stream_view_type == null ? null : true
  stream_view_type = var.stream_view_type

  tags = var.tags
}
