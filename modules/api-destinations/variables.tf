variable "name" {
  description = "Prefix of every resource name (rules, connections, destinations, roles, DLQs): <name>-<destination key>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.name))
    error_message = "name must be 3-40 lowercase letters, digits or '-', starting with a letter (for example \"swy-dev-webhooks\")."
  }
}

variable "bus" {
  description = <<-EOT
    The event bus. create = true (the default) makes a custom bus named `name`; false uses the
    existing bus of that name (a bus of another stack, or "default"). kms_key_arn encrypts a bus
    this module creates with a CMK (null: an AWS owned key). The archive keeps every event for
    archive_retention_days (0: forever) so it can be replayed after a partner outage;
    archive = false creates none.
  EOT
  type = object({
    name                   = string
    create                 = optional(bool, true)
    kms_key_arn            = optional(string)
    archive                = optional(bool, true)
    archive_retention_days = optional(number, 30)
  })

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,256}$", var.bus.name)) && (!var.bus.create || var.bus.name != "default")
    error_message = "bus.name must be 1-256 letters, digits, '.', '_' or '-'; to use the default bus set create = false."
  }

  validation {
    condition     = var.bus.archive_retention_days >= 0 && floor(var.bus.archive_retention_days) == var.bus.archive_retention_days
    error_message = "bus.archive_retention_days must be a whole number of days >= 0 (0 keeps events forever); archive = false for no archive."
  }

  validation {
    condition     = var.bus.kms_key_arn == null || (var.bus.create && can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.bus.kms_key_arn)))
    error_message = "bus.kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), and only for a bus this module creates (create = true)."
  }
}

variable "destinations" {
  description = <<-EOT
    One entry per partner API: a connection (auth), an API destination, a rule on the bus, its
    target (input transformer, HTTP header and query parameters, retry policy, a standard SQS
    DLQ) and a role that may only invoke that destination.
    - endpoint: https URL (http only with allow_insecure_endpoints, for a local sandbox).
    - invocation_rate_limit_per_second: >= 1; AWS's default is 300/s (adjustable by quota):
      set what the partner accepts, or a burst of events becomes a burst of calls.
    - event_pattern: the rule's pattern, a JSON object (jsonencode it).
    - auth.type API_KEY (api_key_name: the header that carries the key), BASIC (username) or
      OAUTH_CLIENT_CREDENTIALS (oauth: token endpoint, method, client_id, scope). The secret half
      (key value, password, client secret) comes from var.credentials or from an existing
      Secrets Manager secret (auth.secret_arn, JSON with "value" / "password" / "client_secret").
    - input_transformer: input_paths (name => JSON path) and a JSON input_template (quote string
      placeholders: "\"<email>\"").
    - header_parameters / query_string_parameters: static values or JSON paths of the event
      ("$.detail.eventId").
    - retry_policy: 0-185 attempts and 60-86400 s of event age (AWS's defaults: 185, 24 h).
  EOT
  type = map(object({
    endpoint                         = string
    http_method                      = optional(string, "POST")
    invocation_rate_limit_per_second = optional(number, 300)
    event_pattern                    = string
    description                      = optional(string, "")
    auth = object({
      type         = string
      api_key_name = optional(string)
      username     = optional(string)
      oauth = optional(object({
        authorization_endpoint = string
        http_method            = optional(string, "POST")
        client_id              = string
        scope                  = optional(string)
      }))
      secret_arn = optional(string)
    })
    input_transformer = optional(object({
      input_paths    = map(string)
      input_template = string
    }))
    header_parameters       = optional(map(string), {})
    query_string_parameters = optional(map(string), {})
    retry_policy = optional(object({
      maximum_retry_attempts       = optional(number, 185)
      maximum_event_age_in_seconds = optional(number, 86400)
    }), {})
  }))

  validation {
    condition     = length(var.destinations) >= 1 && alltrue([for k in keys(var.destinations) : can(regex("^[a-z][a-z0-9-]{0,20}$", k))])
    error_message = "destinations needs at least one entry, keyed by 1-21 lowercase letters, digits or '-' starting with a letter (for example \"crm\")."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : can(keys(jsondecode(d.event_pattern))) && length(d.event_pattern) <= 4096])
    error_message = "destinations[*].event_pattern must be a JSON object of at most 4096 characters, for example jsonencode({ \"detail-type\" = [\"UserRegistered\"] })."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : d.invocation_rate_limit_per_second >= 1 && floor(d.invocation_rate_limit_per_second) == d.invocation_rate_limit_per_second])
    error_message = "destinations[*].invocation_rate_limit_per_second must be a whole number >= 1 (AWS's default is 300/s; above that needs a quota increase)."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : d.retry_policy.maximum_retry_attempts >= 0 && d.retry_policy.maximum_retry_attempts <= 185 && floor(d.retry_policy.maximum_retry_attempts) == d.retry_policy.maximum_retry_attempts])
    error_message = "destinations[*].retry_policy.maximum_retry_attempts must be a whole number 0-185 (AWS's bounds; 185 is the default)."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : d.retry_policy.maximum_event_age_in_seconds >= 60 && d.retry_policy.maximum_event_age_in_seconds <= 86400])
    error_message = "destinations[*].retry_policy.maximum_event_age_in_seconds must be 60-86400 (1 minute to 24 hours, AWS's bounds)."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : contains(["GET", "HEAD", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"], d.http_method)])
    error_message = "destinations[*].http_method must be one of GET, HEAD, POST, OPTIONS, PUT, DELETE, PATCH."
  }

  validation {
    condition = alltrue([for d in values(var.destinations) : (
      d.auth.type == "API_KEY" ? d.auth.api_key_name != null && d.auth.username == null && d.auth.oauth == null :
      d.auth.type == "BASIC" ? d.auth.username != null && d.auth.api_key_name == null && d.auth.oauth == null :
      d.auth.type == "OAUTH_CLIENT_CREDENTIALS" ? d.auth.oauth != null && d.auth.api_key_name == null && d.auth.username == null :
      false
    )])
    error_message = "destinations[*].auth: type API_KEY needs api_key_name, BASIC needs username, OAUTH_CLIENT_CREDENTIALS needs oauth = { authorization_endpoint, client_id }; set only the field of the chosen type."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : d.auth.oauth == null || can(regex("^https://", d.auth.oauth.authorization_endpoint))])
    error_message = "destinations[*].auth.oauth.authorization_endpoint must be an https:// URL."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : d.auth.secret_arn == null || can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:", d.auth.secret_arn))])
    error_message = "destinations[*].auth.secret_arn must be a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>), or null to take the value from var.credentials."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : d.input_transformer == null || can(jsondecode(replace(d.input_transformer.input_template, "/<[A-Za-z0-9_.-]+>/", "0")))])
    error_message = "destinations[*].input_transformer.input_template must be JSON once its placeholders are filled: quote string placeholders (\"\\\"<email>\\\"\"), leave numbers bare (<banDurationSeconds>)."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : !strcontains(try(d.input_transformer.input_template, ""), "\\u003c")])
    error_message = "destinations[*].input_transformer.input_template holds \\u003c: Terraform's jsonencode() escapes < and >, so EventBridge would find no placeholders. Write the template as a string literal instead."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : var.allow_insecure_endpoints || can(regex("^https://", d.endpoint))])
    error_message = "destinations[*].endpoint must be an https:// URL (http:// is allowed only with allow_insecure_endpoints = true, in the local sandbox)."
  }

  validation {
    condition     = alltrue([for d in values(var.destinations) : can(regex("^https?://[^/?#\\s]+", d.endpoint))])
    error_message = "destinations[*].endpoint must be an absolute URL such as https://api.partner.example/v1/contacts."
  }
}

variable "credentials" {
  description = <<-EOT
    The secret half of each destination's auth, keyed like destinations: { value } for API_KEY,
    { password } for BASIC, { client_secret } for OAUTH_CLIENT_CREDENTIALS. Leave a destination
    out when its auth.secret_arn names an existing secret instead. Either way the value ends up
    in EventBridge's events!connection/<name>/... secret and in Terraform state: keep state
    encrypted and access-controlled (see the README's Secrets section).
  EOT
  type = map(object({
    value         = optional(string)
    password      = optional(string)
    client_secret = optional(string)
  }))
  default   = {}
  sensitive = true

  validation {
    condition = alltrue([for k, d in var.destinations : (d.auth.secret_arn != null) != (
      d.auth.type == "API_KEY" ? try(var.credentials[k].value, null) != null :
      d.auth.type == "BASIC" ? try(var.credentials[k].password, null) != null :
      try(var.credentials[k].client_secret, null) != null
    )])
    error_message = "Each destination needs exactly one source of its secret: credentials[<key>] (value for API_KEY, password for BASIC, client_secret for OAUTH_CLIENT_CREDENTIALS) or auth.secret_arn, not both."
  }

  validation {
    condition     = alltrue([for k in keys(var.credentials) : contains(keys(var.destinations), k)])
    error_message = "credentials has a key that is not a destination: use the keys of var.destinations."
  }
}

variable "connection_kms_key_arn" {
  description = "CMK for the connections' events!connection secrets (null: the AWS managed key). The key must carry the tag EventBridgeApiDestinations = true and its policy must let the deploying principal and EventBridge use it through Secrets Manager (README, Secrets)."
  type        = string
  default     = null

  validation {
    condition     = var.connection_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/", var.connection_kms_key_arn))
    error_message = "connection_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), or null."
  }
}

variable "allow_insecure_endpoints" {
  description = "Allow http:// endpoints. Only for a local sandbox whose receiver listens on 127.0.0.1; never in a real account."
  type        = bool
  default     = false
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for the target roles (the account baseline's permissions_boundary_arn output), or null."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a managed policy ARN such as \"arn:aws:iam::123456789012:policy/switchyard-boundary\", or null."
  }
}

variable "alarm_actions" {
  description = "SNS topic ARNs notified when an alarm fires or recovers. Empty: alarms still show in the console."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource of this module that takes them."
  type        = map(string)
  default     = {}
}
