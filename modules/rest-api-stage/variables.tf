variable "name" {
  description = "Name of the API (aws_api_gateway_rest_api.name): names the access log group /aws/apigateway/<name>/access."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$", var.name))
    error_message = "name must be the API's name: letters, digits, '.', '_' or '-', for example \"swy-prod-voting\"."
  }
}

variable "rest_api_id" {
  description = "Id of the REST API (aws_api_gateway_rest_api.<name>.id)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9]+$", var.rest_api_id))
    error_message = "rest_api_id must be a REST API id such as \"a1b2c3d4e5\" (aws_api_gateway_rest_api.<name>.id), not its name or ARN."
  }
}

variable "deployment_id" {
  description = "Id of the deployment the stage serves (aws_api_gateway_deployment.<name>.id; give it triggers that hash what the API does, and create_before_destroy)."
  type        = string
}

variable "stage_name" {
  description = "Name of the stage (part of the invoke URL)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 letters, digits, '-' or '_', for example \"v1\"."
  }
}

variable "throttling" {
  description = "Stage-wide steady rate (requests/s) and burst for every method."
  type = object({
    rate_limit  = number
    burst_limit = number
  })

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.burst_limit >= 1
    error_message = "throttling: rate_limit must be > 0 and burst_limit >= 1, for example { rate_limit = 100, burst_limit = 200 }."
  }
}

variable "access_log_extra_fields" {
  description = "Fields added to every access log line beside the module's (requestId, requestTimeEpoch, httpMethod, resourcePath, status, responseLength, sourceIp, integrationStatus, integrationError): name => $context variable, for example { apiKeyId = \"$context.identity.apiKeyId\" }."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for v in values(var.access_log_extra_fields) : startswith(v, "$context.")])
    error_message = "access_log_extra_fields values must be API Gateway $context variables, for example { integrationMs = \"$context.integration.latency\" }."
  }
}

variable "log_kms_key_arn" {
  description = "Customer-managed KMS key for both log groups; its policy must admit logs.<region>.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "log_retention_days" {
  description = "Retention of the access and execution logs, in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}
