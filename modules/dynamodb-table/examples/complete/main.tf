# A schedule table: a numeric sort key, TTL and a stream (what a TTL scheduler consumes),
# with the defaults for the rest (on demand, point-in-time recovery and deletion protection
# on). PROVISIONED is left out: it needs autoscaling (CKV2_AWS_16), which this module does
# not add. `make policy` validates this root on its own.

terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}

variable "key_arn" {
  description = "CMK the tables and the stream are encrypted with."
  type        = string
  default     = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = { project = "switchyard", environment = "example" }
}

module "schedule" {
  source = "../../"

  name             = "swy-example-schedule"
  hash_key         = { name = "pk" }
  range_key        = { name = "dueAt", type = "N" }
  kms_key_arn      = var.key_arn
  ttl_attribute    = "expiresAt"
  stream_view_type = "OLD_IMAGE"
  tags             = var.tags
}

output "schedule_table" {
  description = "The schedule table (name, ARN, stream ARN, keys, TTL attribute)."
  value       = module.schedule.table
}
