variable "name" {
  description = "Function name; also names its role and its log group /aws/lambda/<name>."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 letters, digits, '-' or '_' (for example \"swy-dev-audit\")."
  }
}

variable "description" {
  description = "What the function does, shown in the console."
  type        = string
  default     = ""
}

variable "handler" {
  description = "Python entry point as <package>.<module>.<function>, for example \"audit.handler.lambda_handler\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)+$", var.handler))
    error_message = "handler must be a dotted Python path such as \"audit.handler.lambda_handler\"."
  }
}

variable "package_path" {
  description = "Path of the function zip built by `make package-lambdas` (build/lambdas/<name>.zip)."
  type        = string

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must point at a .zip built by `make package-lambdas`, for example \"build/lambdas/audit.zip\"."
  }
}

variable "runtime" {
  description = "Lambda Python runtime: python3.12 or python3.13."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13"], var.runtime)
    error_message = "runtime must be \"python3.12\" or \"python3.13\" (the layer is built for 3.12 wheels)."
  }
}

variable "architecture" {
  description = "Instruction set; must match the architecture the layer was packaged for (LAMBDA_ARCHITECTURE, default arm64: Graviton costs 20 % less per GB-second)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "architecture must be \"x86_64\" or \"arm64\"."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240)."
  type        = number
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "timeout" {
  description = "Timeout in seconds (1-900). SQS sources need a visibility timeout of at least 6x this."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900
    error_message = "timeout must be between 1 and 900 seconds."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions; null leaves the function on the account pool. Prefer the event source mapping's maximum_concurrency for load leveling."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrency == null || try(var.reserved_concurrency >= 0, false)
    error_message = "reserved_concurrency must be null or >= 0."
  }
}

variable "environment_variables" {
  description = "Environment variables (encrypted with kms_key_arn). POWERTOOLS_SERVICE_NAME and POWERTOOLS_METRICS_NAMESPACE are set for you unless given here."
  type        = map(string)
  default     = {}
}

variable "layer_arns" {
  description = "Layer version ARNs, at most 5."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.layer_arns) <= 5
    error_message = "A function can use at most 5 layers."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the log group and the environment variables. Its key policy must admit logs.<region>.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), not an alias or key id."
  }
}

variable "kms_via_services" {
  description = "Services that use kms_key_arn on the function's behalf for its data (for example \"dynamodb\" for tables encrypted with the key): the role may kms:Decrypt and kms:GenerateDataKey only through them (kms:ViaService = <service>.<region>.amazonaws.com). The environment's decryption has its own statement (through Lambda, for this function only). Empty: no data path."
  type        = list(string)
  default     = ["dynamodb"]

  validation {
    condition     = alltrue([for s in var.kms_via_services : contains(["dynamodb", "sqs", "sns", "s3", "secretsmanager", "events"], s)])
    error_message = "kms_via_services entries must be service names such as \"dynamodb\" or \"sqs\" (one of dynamodb, sqs, sns, s3, secretsmanager, events), not endpoints or ARNs."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "dead_letter_target" {
  description = "Where failed asynchronous invocations go: { arn = <SQS queue or SNS topic ARN> }. Null for functions only invoked synchronously (SQS/stream event source mappings have their own failure path). An object, so its presence is known at plan time even when the ARN is not."
  type = object({
    arn = string
  })
  default = null

  validation {
    condition     = var.dead_letter_target == null || can(regex("^arn:aws[a-z-]*:(sqs|sns):", var.dead_letter_target.arn))
    error_message = "dead_letter_target.arn must be an SQS queue or SNS topic ARN."
  }
}

variable "policy_statements" {
  description = "Extra IAM statements for the function's own role, keyed by a statement id. Wildcard actions and a bare \"*\" resource are refused."
  type = map(object({
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for s in values(var.policy_statements) : length(s.actions) > 0 && alltrue([for a in s.actions : !strcontains(a, "*")])])
    error_message = "policy_statements: list each action by name (for example \"sqs:SendMessage\"); wildcards such as \"sqs:*\" are not allowed."
  }

  validation {
    condition     = alltrue([for s in values(var.policy_statements) : length(s.resources) > 0 && !contains(s.resources, "*")])
    error_message = "policy_statements: name each resource by ARN; a bare \"*\" resource is not allowed."
  }

  validation {
    condition     = alltrue([for k in keys(var.policy_statements) : can(regex("^[A-Za-z0-9]+$", k))])
    error_message = "policy_statements keys become IAM Sids: use letters and digits only, for example \"ReadAuditTable\"."
  }
}

variable "tags" {
  description = "Tags for every resource of this module."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "ARN of the permissions boundary the function's role must carry (the account baseline's <prefix>-boundary; its deploy role may create roles only with it). Null: no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as \"arn:aws:iam::123456789012:policy/switchyard-boundary\" (the account baseline's permissions_boundary_arn output), or null."
  }
}

variable "tracing" {
  description = "\"active\": Lambda active tracing only, the X-Ray SDK is not loaded (cheapest cold start). \"xray-sdk\": also Powertools Tracer subsegments for the handler, decorated methods and every AWS call (botocore patched), at the SDK's cold-start cost. Sets SWITCHYARD_TRACING."
  type        = string
  default     = "active"

  validation {
    condition     = contains(["active", "xray-sdk"], var.tracing)
    error_message = "tracing must be \"active\" (Lambda's own trace, no SDK) or \"xray-sdk\" (plus subsegments per handler, method and AWS call)."
  }
}

variable "snap_start" {
  description = "Lambda SnapStart: publish a version on every code or configuration change, snapshot its initialised environment, and point the alias \"live\" at it. Callers must then use the outputs target_function_arn / target_invoke_arn (and alias_name as a permission qualifier). Costs and caveats: README."
  type        = bool
  default     = false
}
