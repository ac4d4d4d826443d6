variable "name" {
  description = "Name of the table (for example \"swy-dev-audit-log\")."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.name))
    error_message = "name must be 3-255 letters, digits, '_', '-' or '.' (DynamoDB's rule), for example \"swy-dev-audit-log\"."
  }
}

variable "hash_key" {
  description = "Partition key: its attribute name and type (S string, N number, B binary; default S)."
  type = object({
    name = string
    type = optional(string, "S")
  })
  nullable = false

  validation {
    condition     = length(var.hash_key.name) >= 1 && length(var.hash_key.name) <= 255
    error_message = "hash_key.name must be 1-255 characters, for example { name = \"pk\" }."
  }

  validation {
    condition     = contains(["S", "N", "B"], var.hash_key.type)
    error_message = "hash_key.type must be \"S\" (string), \"N\" (number) or \"B\" (binary); leave it out for \"S\"."
  }
}

variable "range_key" {
  description = "Sort key, or null for a table keyed by the partition key alone. Type S, N or B (default S)."
  type = object({
    name = string
    type = optional(string, "S")
  })
  default = null

  validation {
    condition     = var.range_key == null || try(length(var.range_key.name) >= 1 && length(var.range_key.name) <= 255, false)
    error_message = "range_key.name must be 1-255 characters, for example { name = \"sk\" }; or set range_key = null."
  }

  validation {
    condition     = var.range_key == null || try(contains(["S", "N", "B"], var.range_key.type), false)
    error_message = "range_key.type must be \"S\" (string), \"N\" (number) or \"B\" (binary); leave it out for \"S\"."
  }

  validation {
    condition     = var.range_key == null || try(var.range_key.name != var.hash_key.name, false)
    error_message = "range_key.name must differ from hash_key.name: give the sort key its own attribute, or set range_key = null."
  }
}

variable "billing_mode" {
  description = "PAY_PER_REQUEST (on demand, the default), or PROVISIONED with capacity in `provisioned`."
  type        = string
  default     = "PAY_PER_REQUEST"
  nullable    = false

  validation {
    condition     = contains(["PAY_PER_REQUEST", "PROVISIONED"], var.billing_mode)
    error_message = "billing_mode must be \"PAY_PER_REQUEST\" or \"PROVISIONED\" (with provisioned = { read = N, write = N })."
  }
}

variable "provisioned" {
  description = "Read and write capacity units, only with billing_mode = \"PROVISIONED\" (required then); null for PAY_PER_REQUEST."
  type = object({
    read  = number
    write = number
  })
  default = null

  validation {
    condition     = (var.billing_mode == "PROVISIONED") == (var.provisioned != null)
    error_message = "provisioned = { read = N, write = N } is required with billing_mode = \"PROVISIONED\" and not allowed with PAY_PER_REQUEST: set both or neither."
  }

  validation {
    condition     = var.provisioned == null || try(var.provisioned.read >= 1 && var.provisioned.write >= 1 && floor(var.provisioned.read) == var.provisioned.read && floor(var.provisioned.write) == var.provisioned.write, false)
    error_message = "provisioned.read and provisioned.write must be whole numbers of at least 1."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer-managed KMS key the table (and its stream) is encrypted with. Required: Switchyard encrypts every table with a CMK, never the AWS-owned key."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), for example aws_kms_key.platform.arn; not an alias, a key id or an AWS-managed key."
  }
}

variable "data_protection" {
  description = "Point-in-time recovery and deletion protection, both on by default. Turn them off only in a sandbox (modules/platform refuses it elsewhere)."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool, true)
  })
  default  = {}
  nullable = false
}

variable "ttl_attribute" {
  description = "Attribute holding each item's expiry (epoch seconds, type N) for DynamoDB's time to live. Null: TTL off."
  type        = string
  default     = null

  validation {
    condition     = var.ttl_attribute == null || try(length(var.ttl_attribute) >= 1 && length(var.ttl_attribute) <= 255, false)
    error_message = "ttl_attribute must be 1-255 characters (for example \"expiresAt\"), or null to leave TTL off."
  }
}

variable "stream_view_type" {
  description = "What the table's stream carries: KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES. Null: no stream."
  type        = string
  default     = null

  validation {
    condition     = var.stream_view_type == null || contains(["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"], coalesce(var.stream_view_type, "-"))
    error_message = "stream_view_type must be \"KEYS_ONLY\", \"NEW_IMAGE\", \"OLD_IMAGE\" or \"NEW_AND_OLD_IMAGES\", or null for no stream."
  }
}

variable "tags" {
  description = "Tags for the table."
  type        = map(string)
  default     = {}
  nullable    = false
}
