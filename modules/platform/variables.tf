variable "name_prefix" {
  description = "Prefix of every resource name, for example \"swy-dev\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-22 lowercase letters, digits or '-', starting with a letter (for example \"swy-dev\")."
  }
}

variable "environment" {
  description = "Environment this platform instance serves."
  type        = string

  validation {
    condition     = contains(["sandbox", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of \"sandbox\", \"dev\", \"staging\", \"prod\"."
  }
}

variable "artifacts_dir" {
  description = "Folder that `make package-lambdas` fills: lambdas/<function>.zip, layers/shared.zip (+ shared.architecture) and schemas/<request>.schema.json. The module reads nothing else of the repository."
  type        = string
}

variable "lambda_defaults" {
  description = "Sizing shared by every function of the platform."
  type = object({
    architecture       = optional(string, "arm64")
    memory_size        = optional(number, 256)
    timeout            = optional(number, 30)
    log_retention_days = optional(number, 30)
  })
  default = {}

  validation {
    condition     = contains(["x86_64", "arm64"], var.lambda_defaults.architecture)
    error_message = "lambda_defaults.architecture must be \"x86_64\" or \"arm64\" (and match LAMBDA_ARCHITECTURE at packaging)."
  }
}

variable "data_protection" {
  description = "DynamoDB safety nets. Keep both on outside the sandbox; the sandbox switches them off so it can be destroyed."
  type = object({
    point_in_time_recovery = optional(bool, true)
    deletion_protection    = optional(bool, true)
  })
  default = {}

  validation {
    condition     = var.environment == "sandbox" || (var.data_protection.point_in_time_recovery && var.data_protection.deletion_protection)
    error_message = "data_protection: point_in_time_recovery and deletion_protection may be false only when environment = \"sandbox\"; remove the override for dev/staging/prod."
  }
}

variable "audit" {
  description = "Audit workload: an SQS queue of envelope events drained into the audit log table."
  type = object({
    batch_size          = optional(number, 10)
    maximum_concurrency = optional(number, 2)
    max_receive_count   = optional(number, 5)
  })
  default = {}

  validation {
    condition     = var.audit.maximum_concurrency >= 2 && var.audit.maximum_concurrency <= 1000
    error_message = "audit.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.audit.batch_size >= 1 && var.audit.batch_size <= 10000
    error_message = "audit.batch_size must be 1-10000."
  }

  validation {
    condition     = var.audit.max_receive_count >= 1 && var.audit.max_receive_count <= 1000
    error_message = "audit.max_receive_count must be 1-1000."
  }
}

variable "alarm_topic" {
  description = <<-EOT
    Where every alarm of the platform goes (alarm and OK). By default the module creates
    <name_prefix>-alarms, encrypted with its own CMK that CloudWatch may use, TLS-only, with the
    subscriptions listed here (email: the recipient confirms by mail; https: the endpoint must
    confirm the subscription). existing_topic_arn: use an on-call topic that already exists
    instead (its key policy must let cloudwatch.amazonaws.com use the key); subscriptions must
    then be empty.
  EOT
  type = object({
    existing_topic_arn = optional(string)
    subscriptions = optional(list(object({
      protocol = string
      endpoint = string
    })), [])
  })
  default = {}

  validation {
    condition     = var.alarm_topic.existing_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", coalesce(var.alarm_topic.existing_topic_arn, "-")))
    error_message = "alarm_topic.existing_topic_arn must be a standard SNS topic ARN, for example \"arn:aws:sns:eu-west-1:123456789012:oncall\", or left out to create <name_prefix>-alarms."
  }

  validation {
    condition     = alltrue([for s in var.alarm_topic.subscriptions : contains(["email", "https"], s.protocol)])
    error_message = "alarm_topic.subscriptions[*].protocol must be \"email\" or \"https\" (for example { protocol = \"email\", endpoint = \"oncall@example.com\" })."
  }

  validation {
    condition     = alltrue([for s in var.alarm_topic.subscriptions : s.protocol != "email" || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", s.endpoint))])
    error_message = "alarm_topic.subscriptions: an email endpoint must be one address, for example \"oncall@example.com\"."
  }

  validation {
    condition     = alltrue([for s in var.alarm_topic.subscriptions : s.protocol != "https" || can(regex("^https://[^\\s/]+(/\\S*)?$", s.endpoint))])
    error_message = "alarm_topic.subscriptions: an https endpoint must be an https:// URL, for example \"https://events.pagerduty.com/integration/<key>/enqueue\" (http is refused: alarms carry resource names)."
  }

  validation {
    condition     = var.alarm_topic.existing_topic_arn == null || length(var.alarm_topic.subscriptions) == 0
    error_message = "alarm_topic.subscriptions apply only to the topic this module creates: subscribe to the existing topic where it is managed, or drop existing_topic_arn."
  }
}

variable "dlq_operator_role_arns" {
  description = "IAM roles of the operators who inspect and redrive the registration DLQs (the alarms say \"inspect, fix, then redrive\"). The registration topic's key lets them kms:Decrypt and kms:GenerateDataKey through SQS only (kms:ViaService = sqs.<region>.amazonaws.com); their own IAM policy must still allow the SQS calls. Empty: nobody but the consumers can read a dead letter."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.dlq_operator_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "dlq_operator_role_arns must be IAM role ARNs, for example [\"arn:aws:iam::123456789012:role/switchyard-deploy\"] (an on-call role)."
  }
}

variable "tags" {
  description = "Tags for every resource (environment roots also set provider default_tags)."
  type        = map(string)
  default     = {}
}

variable "reserved_concurrency" {
  description = "Reserved concurrency per function, keyed by its folder under lambdas/: audit, voting, registration_api, registration_analytics, registration_mailing, registration_onboarding, registration_sales_lead, ledger_processor, ledger_consumer, bans_classifier, bans_accounts, bans_reactivation, bans_admin (for example { audit = 10, voting = 50 }). Unlisted functions share the account's unreserved pool. Keep it >= the workload's maximum_concurrency, or the mapping is throttled."
  type        = map(number)
  default     = {}

  validation {
    condition     = length(setsubtract(keys(var.reserved_concurrency), local.function_keys)) == 0
    error_message = "reserved_concurrency keys must be function names: ${join(", ", local.function_keys)} (unknown: ${join(", ", sort(setsubtract(keys(var.reserved_concurrency), local.function_keys)))})."
  }

  validation {
    condition     = alltrue([for n in values(var.reserved_concurrency) : n >= 0 && floor(n) == n])
    error_message = "reserved_concurrency values must be whole numbers >= 0 (0 stops the function)."
  }
}

variable "voting" {
  description = "Voting workload: the API's access control (iam: the SigV4 signer is the voter; api_key: the body names the voter), who may assume the API's caller role (caller_principal_arns, iam only), throttling and quota, and how the queue is kept and drained (see modules/queue-load-leveling)."
  type = object({
    access_control                     = optional(string, "iam")
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 1)
    maximum_concurrency                = optional(number, 5)
    max_receive_count                  = optional(number, 5)
    message_retention_seconds          = optional(number, 345600)
    oldest_message_age_alarm_seconds   = optional(number, 300)
    usage_plan_quota                   = optional(number)
    caller_principal_arns              = optional(list(string), [])
    throttling = optional(object({
      rate_limit  = optional(number, 100)
      burst_limit = optional(number, 200)
    }), {})
  })
  default = {}

  validation {
    condition     = length(var.voting.caller_principal_arns) == 0 || var.voting.access_control == "iam"
    error_message = "voting.caller_principal_arns needs access_control = \"iam\" (behind an API key nothing is signed); leave it [] with api_key."
  }

  validation {
    condition     = alltrue([for arn in var.voting.caller_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[^*]+$", arn))])
    error_message = "voting.caller_principal_arns must be IAM role or user ARNs, for example \"arn:aws:iam::123456789012:role/web-backend\" (no wildcards, no account root: a root trust admits every principal that account delegates to)."
  }

  validation {
    condition     = var.voting.maximum_concurrency >= 2 && var.voting.maximum_concurrency <= 1000
    error_message = "voting.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = contains(["api_key", "iam"], var.voting.access_control)
    error_message = "voting.access_control must be \"iam\" (callers sign with SigV4; the signer is the voter) or \"api_key\" (the body names the voter; API keys authenticate no one, so for a sandbox or a trusted caller only)."
  }

  validation {
    condition     = var.voting.batch_size >= 1 && var.voting.batch_size <= 10000 && (var.voting.batch_size <= 10 || var.voting.maximum_batching_window_in_seconds >= 1)
    error_message = "voting.batch_size must be 1-10000, and above 10 Lambda requires maximum_batching_window_in_seconds >= 1."
  }

  validation {
    condition     = var.voting.maximum_batching_window_in_seconds >= 0 && var.voting.maximum_batching_window_in_seconds <= 300
    error_message = "voting.maximum_batching_window_in_seconds must be 0-300."
  }

  validation {
    condition     = var.voting.max_receive_count >= 1 && var.voting.max_receive_count <= 1000
    error_message = "voting.max_receive_count must be 1-1000."
  }

  validation {
    condition     = var.voting.message_retention_seconds >= 60 && var.voting.message_retention_seconds <= 1209600
    error_message = "voting.message_retention_seconds must be 60-1209600 (1 minute to 14 days; the DLQ keeps 14 days)."
  }

  validation {
    condition     = var.voting.oldest_message_age_alarm_seconds >= 60
    error_message = "voting.oldest_message_age_alarm_seconds must be at least 60 (the metric's resolution)."
  }

  validation {
    condition     = var.voting.usage_plan_quota == null || var.voting.access_control == "api_key"
    error_message = "voting.usage_plan_quota meters API keys: it needs access_control = \"api_key\" (with iam, throttling applies per stage; leave the quota out)."
  }

  validation {
    condition     = var.voting.usage_plan_quota == null || try(var.voting.usage_plan_quota >= 1, false)
    error_message = "voting.usage_plan_quota must be a positive number of requests per day per API key, or left out for no quota."
  }
}

variable "registration" {
  description = "Registration workload: UserRegistered fanned out over SNS to the analytics, mailing, onboarding and sales-lead consumers. The top-level figures apply to every consumer; consumers.<name> overrides them for one."
  type = object({
    batch_size          = optional(number, 10)
    maximum_concurrency = optional(number, 2)
    max_receive_count   = optional(number, 5)
    consumer_timeout    = optional(number, 10)
    consumers = optional(map(object({
      batch_size          = optional(number)
      maximum_concurrency = optional(number)
      max_receive_count   = optional(number)
      timeout             = optional(number)
      memory_size         = optional(number)
    })), {})
  })
  default = {}

  validation {
    condition     = alltrue([for k in keys(var.registration.consumers) : contains(["analytics", "mailing", "onboarding", "sales-lead"], k)])
    error_message = "registration.consumers keys must be consumer names: analytics, mailing, onboarding, sales-lead (unknown: ${join(", ", sort(setsubtract(keys(var.registration.consumers), ["analytics", "mailing", "onboarding", "sales-lead"])))})."
  }

  validation {
    condition     = alltrue([for n in concat([var.registration.maximum_concurrency], [for c in values(var.registration.consumers) : c.maximum_concurrency if c.maximum_concurrency != null]) : n >= 2 && n <= 1000])
    error_message = "registration.maximum_concurrency (and consumers.<name>.maximum_concurrency) must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = alltrue([for n in concat([var.registration.batch_size], [for c in values(var.registration.consumers) : c.batch_size if c.batch_size != null]) : n >= 1 && n <= 10])
    error_message = "registration.batch_size (and consumers.<name>.batch_size) must be 1-10 (the consumers use no batching window beyond 1 s)."
  }

  validation {
    condition     = alltrue([for n in concat([var.registration.max_receive_count], [for c in values(var.registration.consumers) : c.max_receive_count if c.max_receive_count != null]) : n >= 1 && n <= 1000])
    error_message = "registration.max_receive_count (and consumers.<name>.max_receive_count) must be 1-1000."
  }

  validation {
    condition     = alltrue([for n in concat([var.registration.consumer_timeout], [for c in values(var.registration.consumers) : c.timeout if c.timeout != null]) : n >= 3 && n <= 900])
    error_message = "registration.consumer_timeout (and consumers.<name>.timeout) must be 3-900 seconds (queues get 6x this as visibility timeout)."
  }

  validation {
    condition     = alltrue([for c in values(var.registration.consumers) : c.memory_size == null || try(c.memory_size >= 128 && c.memory_size <= 10240, false)])
    error_message = "registration.consumers.<name>.memory_size must be 128-10240 MB, or left out to use lambda_defaults.memory_size."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of the permissions boundary every role the platform creates must carry (the account baseline's <prefix>-boundary; its deploy role may create roles only with it). Null: no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as \"arn:aws:iam::123456789012:policy/switchyard-boundary\" (the account baseline's permissions_boundary_arn output), or null."
  }
}

variable "registration_api" {
  description = "POST /registrations (API Gateway in front of the registration function): stage-wide steady rate (requests/s) and burst."
  type = object({
    rate_limit  = optional(number, 20)
    burst_limit = optional(number, 40)
  })
  default = {}

  validation {
    condition     = var.registration_api.rate_limit > 0 && var.registration_api.burst_limit >= 1 && var.registration_api.burst_limit >= var.registration_api.rate_limit / 10
    error_message = "registration_api: rate_limit must be > 0 and burst_limit >= 1 (and not below a tenth of the rate), for example { rate_limit = 20, burst_limit = 40 }."
  }
}

variable "ledger" {
  description = "Order-ledger workload (modules/sequential-convoy): transactions through an intake FIFO queue, appended to an immutable ledger, applied per order in seq order. Off unless enabled."
  type = object({
    enabled                  = optional(bool, false)
    intake_groups            = optional(number, 1)
    high_throughput          = optional(bool, false)
    maximum_concurrency      = optional(number, 10)
    max_receive_count        = optional(number, 10)
    intake_max_receive_count = optional(number, 20)
    consumer_timeout         = optional(number, 10)
  })
  default = {}

  validation {
    condition     = var.ledger.intake_groups >= 1 && var.ledger.intake_groups <= 100 && floor(var.ledger.intake_groups) == var.ledger.intake_groups
    error_message = "ledger.intake_groups must be a whole number 1-100 (1: one constant intake group, total order; N: hashed by orderId)."
  }

  validation {
    condition     = var.ledger.maximum_concurrency >= 2 && var.ledger.maximum_concurrency <= 1000
    error_message = "ledger.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.ledger.max_receive_count >= 2 && var.ledger.max_receive_count <= 1000 && floor(var.ledger.max_receive_count) == var.ledger.max_receive_count
    error_message = "ledger.max_receive_count must be a whole number 2-1000 (how many receives an order waits for a missing seq before its messages are parked in order)."
  }

  validation {
    condition     = var.ledger.intake_max_receive_count >= 5 && var.ledger.intake_max_receive_count <= 1000 && floor(var.ledger.intake_max_receive_count) == var.ledger.intake_max_receive_count
    error_message = "ledger.intake_max_receive_count must be a whole number 5-1000 (every receive counts, also behind a failed earlier message of the intake group; below 5 transient failures park unprocessed transactions)."
  }

  validation {
    condition     = var.ledger.consumer_timeout >= 3 && var.ledger.consumer_timeout <= 900
    error_message = "ledger.consumer_timeout must be 3-900 seconds (the queues get 6x this as visibility timeout)."
  }
}

variable "bans" {
  description = "Account-banning workload (modules/ttl-scheduler): reports classified, bans published through a topic, accounts deactivated until their BannedAccounts item expires (DynamoDB TTL), reactivated from the stream; admins lift bans early. Off unless enabled."
  type = object({
    enabled                       = optional(bool, false)
    maximum_concurrency           = optional(number, 2)
    max_receive_count             = optional(number, 5)
    consumer_timeout              = optional(number, 30)
    reactivation_batch_size       = optional(number, 100)
    maximum_retry_attempts        = optional(number, 3)
    maximum_record_age_in_seconds = optional(number, 21600)
  })
  default = {}

  validation {
    condition     = var.bans.maximum_concurrency >= 2 && var.bans.maximum_concurrency <= 1000
    error_message = "bans.maximum_concurrency must be 2-1000 (the range Lambda accepts for scaling_config)."
  }

  validation {
    condition     = var.bans.max_receive_count >= 1 && var.bans.max_receive_count <= 1000 && floor(var.bans.max_receive_count) == var.bans.max_receive_count
    error_message = "bans.max_receive_count must be a whole number 1-1000 (receives before a report or a ban event is parked in its DLQ)."
  }

  validation {
    condition     = var.bans.consumer_timeout >= 3 && var.bans.consumer_timeout <= 900
    error_message = "bans.consumer_timeout must be 3-900 seconds (the queues get 6x this as visibility timeout)."
  }

  validation {
    condition     = var.bans.reactivation_batch_size >= 1 && var.bans.reactivation_batch_size <= 10000
    error_message = "bans.reactivation_batch_size must be 1-10000 (Lambda's range for DynamoDB streams)."
  }

  validation {
    condition     = var.bans.maximum_retry_attempts >= 0 && var.bans.maximum_retry_attempts <= 10000
    error_message = "bans.maximum_retry_attempts must be 0-10000; never -1 (infinite), which would let one poison record stop reactivations for 24 hours."
  }

  validation {
    condition     = var.bans.maximum_record_age_in_seconds >= 60 && var.bans.maximum_record_age_in_seconds <= 86400
    error_message = "bans.maximum_record_age_in_seconds must be 60-86400 (the stream keeps records 24 hours); never -1 (infinite)."
  }
}

variable "webhooks" {
  description = <<-EOT
    Partner webhooks (../api-destinations): pro users' UserRegistered to a CRM (API key header,
    payload reshaped to a contact, Idempotency-Key = the event's eventId) and
    AccountDeactivationRequested to a trust-and-safety ticketing API (basic auth, a ticket).
    Null (the default): no webhooks workload. Each partner's secret comes from
    webhook_credentials or from an existing secret (secret_arn). allow_insecure_endpoints admits
    http:// endpoints and only in the sandbox.
  EOT
  type = object({
    crm = object({
      endpoint                         = string
      api_key_header                   = optional(string, "X-Api-Key")
      secret_arn                       = optional(string)
      invocation_rate_limit_per_second = optional(number, 20)
    })
    trust_and_safety = object({
      endpoint                         = string
      username                         = string
      secret_arn                       = optional(string)
      invocation_rate_limit_per_second = optional(number, 5)
    })
    retry_policy = optional(object({
      maximum_retry_attempts       = optional(number, 24)
      maximum_event_age_in_seconds = optional(number, 7200)
    }), {})
    archive_retention_days   = optional(number, 14)
    allow_insecure_endpoints = optional(bool, false)
  })
  default = null

  validation {
    condition     = var.webhooks == null || !try(var.webhooks.allow_insecure_endpoints, false) || var.environment == "sandbox"
    error_message = "webhooks.allow_insecure_endpoints is for the local sandbox only: use https:// endpoints (environment is not \"sandbox\")."
  }
}

variable "webhook_credentials" {
  description = "Secrets of the webhook partners when they do not come from an existing secret: crm_api_key, trust_and_safety_password. They end up in EventBridge's events!connection secrets and in state (modules/api-destinations README, Secrets)."
  type = object({
    crm_api_key               = optional(string)
    trust_and_safety_password = optional(string)
  })
  default   = {}
  sensitive = true
}
