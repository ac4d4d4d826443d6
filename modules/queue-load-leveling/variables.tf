variable "name" {
  description = "Base name of every resource: the API, the queue (<name>), the DLQ (<name>-dlq), roles and alarms."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,60}[a-z0-9]$", var.name))
    error_message = "name must be 3-62 lowercase letters, digits or '-', starting with a letter (for example \"swy-dev-voting\")."
  }
}

variable "write_route" {
  description = <<-EOT
    The accepting route: `path` below the API root (up to 4 segments; `{param}` segments become
    path parameters, passed to the consumer as message attributes), the HTTP method, and the
    JSON Schema (draft-04, what API Gateway validates with) a body must satisfy to be queued.
  EOT
  type = object({
    path        = string
    http_method = optional(string, "POST")
    schema      = string
  })

  validation {
    condition     = can(regex("^([A-Za-z0-9._-]+|\\{[A-Za-z][A-Za-z0-9]*\\})(/([A-Za-z0-9._-]+|\\{[A-Za-z][A-Za-z0-9]*\\})){0,3}$", var.write_route.path))
    error_message = "write_route.path must be 1-4 segments without a leading '/', each a literal or a {param}, for example \"polls/{pollId}/votes\"."
  }

  validation {
    condition     = contains(["POST", "PUT"], var.write_route.http_method)
    error_message = "write_route.http_method must be \"POST\" or \"PUT\" (a queued write answers 202)."
  }

  validation {
    condition     = can(jsondecode(var.write_route.schema).type)
    error_message = "write_route.schema must be a JSON Schema document with a top-level \"type\" (use jsonencode({ \"$schema\" = \"http://json-schema.org/draft-04/schema#\", type = \"object\", ... }))."
  }
}

variable "read_route" {
  description = <<-EOT
    Optional query route answered straight from DynamoDB (no Lambda): API Gateway calls
    `action` (Query or GetItem) on `table_arn` with `request_template` and shapes the answer
    with `response_template` (both VTL). The integration role may call only that action on
    that table. Null: the API only accepts writes.
  EOT
  type = object({
    path              = string
    table_arn         = string
    action            = optional(string, "Query")
    request_template  = string
    response_template = string
  })
  default = null

  validation {
    condition     = var.read_route == null || can(regex("^([A-Za-z0-9._-]+|\\{[A-Za-z][A-Za-z0-9]*\\})(/([A-Za-z0-9._-]+|\\{[A-Za-z][A-Za-z0-9]*\\})){0,3}$", try(var.read_route.path, "")))
    error_message = "read_route.path must be 1-4 segments without a leading '/', for example \"polls/{pollId}/results\"."
  }

  validation {
    condition     = var.read_route == null || contains(["Query", "GetItem"], try(var.read_route.action, ""))
    error_message = "read_route.action must be \"Query\" or \"GetItem\" (read-only DynamoDB actions)."
  }

  validation {
    condition     = var.read_route == null || can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9._-]+$", try(var.read_route.table_arn, "")))
    error_message = "read_route.table_arn must be a DynamoDB table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>)."
  }
}

variable "request_template" {
  description = "VTL mapping template that turns the request into SQS SendMessage form parameters. Null: the module's template (body as MessageBody; requestId, receivedAtEpochMs, callerId with IAM access, and each path parameter as message attributes)."
  type        = string
  default     = null

  validation {
    condition     = var.request_template == null || startswith(trimspace(coalesce(var.request_template, "-")), "Action=SendMessage")
    error_message = "request_template must render SQS form parameters starting with \"Action=SendMessage\"."
  }
}

variable "access_control" {
  description = "\"iam\": callers sign with SigV4 and need execute-api:Invoke on the routes (output invoke_policy_json); the signer reaches the consumer as message attribute callerId ($context.identity.caller), so the consumer can take the user from it, never from the body. \"api_key\": callers send x-api-key, a usage plan meters and throttles them (the key is created here); AWS says API keys are not authentication, so nothing identifies the caller."
  type        = string
  default     = "iam"

  validation {
    condition     = contains(["api_key", "iam"], var.access_control)
    error_message = "access_control must be \"api_key\" or \"iam\"."
  }
}

variable "throttling" {
  description = "Stage-wide steady rate (requests/s) and burst; the usage plan (api_key) uses the same figures per key."
  type = object({
    rate_limit  = optional(number, 100)
    burst_limit = optional(number, 200)
  })
  default = {}

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.burst_limit >= 1 && var.throttling.burst_limit >= var.throttling.rate_limit / 10
    error_message = "throttling: rate_limit must be > 0 and burst_limit >= 1 (and not below a tenth of the rate), for example { rate_limit = 100, burst_limit = 200 }."
  }
}

variable "usage_plan_quota" {
  description = "Requests per day allowed per API key (api_key access only); null for no quota."
  type        = number
  default     = null

  validation {
    condition     = var.usage_plan_quota == null || try(var.usage_plan_quota >= 1, false)
    error_message = "usage_plan_quota must be null or a positive number of requests per day."
  }
}

variable "stage_name" {
  description = "Name of the API stage (part of the invoke URL)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.stage_name))
    error_message = "stage_name must be 1-64 letters, digits, '-' or '_', for example \"v1\"."
  }
}

variable "consumer" {
  description = "The function that drains the queue, built elsewhere (for example with modules/lambda-function). The module grants its role what the mapping needs (receive/delete/visibility on the queue, send to the DLQ for parking malformed messages)."
  type = object({
    function_arn = string
    role_name    = string
    timeout      = number
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:", var.consumer.function_arn))
    error_message = "consumer.function_arn must be a Lambda function ARN."
  }

  validation {
    condition     = var.consumer.timeout >= 1 && var.consumer.timeout <= 900
    error_message = "consumer.timeout must be the function's timeout in seconds (1-900)."
  }
}

variable "batch_size" {
  description = "Messages per invocation (1-10000; above 10 needs a batching window)."
  type        = number
  default     = 10

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be 1-10000."
  }
}

variable "maximum_batching_window_in_seconds" {
  description = "How long the poller gathers a batch (0-300 s). Required > 0 when batch_size > 10."
  type        = number
  default     = 1

  validation {
    condition     = var.maximum_batching_window_in_seconds >= 0 && var.maximum_batching_window_in_seconds <= 300
    error_message = "maximum_batching_window_in_seconds must be 0-300."
  }

  validation {
    condition     = var.batch_size <= 10 || var.maximum_batching_window_in_seconds >= 1
    error_message = "batch_size above 10 needs maximum_batching_window_in_seconds >= 1 (Lambda refuses it otherwise)."
  }
}

variable "maximum_concurrency" {
  description = "Upper bound of concurrent consumer invocations (the load-leveling knob: 2-1000)."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config.maximum_concurrency)."
  }
}

variable "visibility_timeout_seconds" {
  description = "Queue visibility timeout. Null: 6x consumer.timeout (AWS's guidance for Lambda sources)."
  type        = number
  default     = null

  validation {
    condition     = var.visibility_timeout_seconds == null || try(var.visibility_timeout_seconds >= 6 * var.consumer.timeout && var.visibility_timeout_seconds <= 43200, false)
    error_message = "visibility_timeout_seconds must be at least 6x consumer.timeout (and at most 43200), or null to compute it."
  }
}

variable "max_receive_count" {
  description = "Receives before SQS moves a message to the DLQ (transient failures get this many tries)."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be 1-1000."
  }
}

variable "message_retention_seconds" {
  description = "How long the queue keeps a message (60 s - 14 days); the DLQ always keeps 14 days."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be 60-1209600 (14 days)."
  }
}

variable "kms_master_key_id" {
  description = "CMK for the queues' SSE-KMS. Null: SQS-managed SSE (enough here: only API Gateway, through its role, writes). A CMK's policy must let the integration role use it."
  type        = string
  default     = null
}

variable "log_kms_key_arn" {
  description = "Customer-managed KMS key for the access log group; its policy must admit logs.<region>.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.log_kms_key_arn))
    error_message = "log_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias."
  }
}

variable "log_retention_days" {
  description = "Access log retention in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "oldest_message_age_alarm_seconds" {
  description = "Alarm when the oldest queued message is older than this: the consumer is not keeping up."
  type        = number
  default     = 300

  validation {
    condition     = var.oldest_message_age_alarm_seconds >= 60
    error_message = "oldest_message_age_alarm_seconds must be at least 60 (the metric's resolution)."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified by the DLQ-depth and oldest-message-age alarms."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "ARN of the permissions boundary the API Gateway roles must carry (the account baseline's <prefix>-boundary; its deploy role may create roles only with it). Null: no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as \"arn:aws:iam::123456789012:policy/switchyard-boundary\" (the account baseline's permissions_boundary_arn output), or null."
  }
}
