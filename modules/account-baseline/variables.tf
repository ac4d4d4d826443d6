variable "name_prefix" {
  description = "Prefix of the baseline's resource names. The state bucket is \"<name_prefix>-tfstate-<account id>-<region>\", the naming convention the environment roots rely on."
  type        = string
  default     = "switchyard"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-22 lowercase letters, digits or '-', starting with a letter (for example \"switchyard\")."
  }
}

variable "environment" {
  description = "Environment this account serves; also the GitHub environment whose jobs may assume the deploy role (sub = repo:<org>/<repo>:environment:<environment>)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,62}$", var.environment))
    error_message = "environment must be lowercase letters, digits or '-', starting with a letter (for example \"dev\" or \"prod\"), and match the GitHub environment name."
  }
}

variable "platform_state_key" {
  description = "State key of the environment root planned and applied in this account (environments/<env>/backend.tf). The plan roles may take and release only its lock (<key>.tflock). Null: \"<environment>/platform.tfstate\"."
  type        = string
  default     = null

  validation {
    condition     = var.platform_state_key == null || can(regex("^[A-Za-z0-9!_.'()/-]+\\.tfstate$", coalesce(var.platform_state_key, "-")))
    error_message = "platform_state_key must be an S3 key ending in .tfstate, without * or ? (IAM would read them as wildcards), for example \"dev/platform.tfstate\" (the backend's key), or null."
  }
}

variable "github_repository" {
  description = "GitHub repository allowed to use the roles, as \"<org>/<repo>\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must be \"<org>/<repo>\" (for example \"acme/switchyard\"), without https://github.com/ and without wildcards."
  }
}

variable "plan_branches" {
  description = "Branches whose workflow runs (without a GitHub environment) may assume the plan role, for example for drift detection."
  type        = list(string)
  default     = ["main"]

  validation {
    condition     = alltrue([for b in var.plan_branches : can(regex("^[A-Za-z0-9._/-]+$", b))])
    error_message = "plan_branches must be plain branch names such as \"main\"; wildcards are not allowed."
  }
}

variable "plan_role_name" {
  description = "Name of the read-only plan role of reviewed code (plan_branches: the deploy workflow's plan job, drift detection). The GitHub workflows assume it by this name."
  type        = string
  default     = "switchyard-plan"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.plan_role_name))
    error_message = "plan_role_name must be a valid IAM role name (1-64 of letters, digits and +=,.@_-), for example \"switchyard-plan\"."
  }
}

variable "deploy_role_name" {
  description = "Name of the apply role. Must equal deploy_role_name of the account's entry in environments/accounts.json."
  type        = string
  default     = "switchyard-deploy"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.deploy_role_name))
    error_message = "deploy_role_name must be a valid IAM role name (1-64 of letters, digits and +=,.@_-), for example \"switchyard-deploy\"."
  }
}

variable "admin_principal_arns" {
  description = "IAM principals (the bootstrap operator) that may also assume the deploy role with sts:AssumeRole, for example a break-glass role. Empty: only GitHub Actions."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.admin_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "admin_principal_arns must be IAM role or user ARNs such as \"arn:aws:iam::123456789012:role/OrganizationAccountAccessRole\" (no account root, no wildcards)."
  }
}

variable "existing_oidc_provider_arn" {
  description = "ARN of a GitHub Actions OIDC provider that already exists in the account (an account holds one per URL). Null: the module creates it."
  type        = string
  default     = null

  validation {
    condition     = var.existing_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.existing_oidc_provider_arn))
    error_message = "existing_oidc_provider_arn must look like \"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com\", or be null to create the provider."
  }
}

variable "deploy_services" {
  description = "AWS service prefixes the permissions boundary allows in full (the services the platform deploys). IAM is not among them: the boundary grants it in scoped statements (platform roles only, with this boundary). Everything else is out of reach of the CI roles and of every role they create."
  type        = list(string)
  default = [
    "apigateway", "cloudwatch", "dynamodb", "events", "kms", "lambda", "logs",
    "pipes", "s3", "scheduler", "sns", "sqs", "tag", "xray",
  ]

  validation {
    condition     = length(var.deploy_services) > 0 && alltrue([for s in var.deploy_services : can(regex("^[a-z0-9-]+$", s))])
    error_message = "deploy_services must be a non-empty list of IAM service prefixes such as \"sqs\" or \"lambda\" (no \"*\")."
  }

  validation {
    condition     = length(setintersection(var.deploy_services, ["iam", "sts", "organizations", "account", "sso", "identitystore"])) == 0
    error_message = "deploy_services must not list iam, sts, organizations, account, sso or identitystore: \"iam:*\" would let the deploy role create roles without the boundary. The boundary grants the IAM calls the platform needs itself."
  }
}

variable "platform_role_name_prefix" {
  description = "Name prefix of the IAM roles the platform creates (modules/platform names them <name_prefix>-..., for example swy-dev-audit-role). The deploy role may create, change, delete and pass only roles with this prefix, and only with the boundary attached."
  type        = string
  default     = "swy-"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{2,32}-$", var.platform_role_name_prefix))
    error_message = "platform_role_name_prefix must be 3-33 role-name characters ending in '-', for example \"swy-\" (no wildcard: the module appends it)."
  }
}

variable "pass_role_services" {
  description = "Services the deploy role may pass platform roles to (iam:PassedToService): Lambda for function roles, API Gateway for the integration roles, EventBridge for API destination target roles, EventBridge Pipes for pipe roles."
  type        = list(string)
  default     = ["lambda.amazonaws.com", "apigateway.amazonaws.com", "events.amazonaws.com", "pipes.amazonaws.com"]

  validation {
    condition     = length(var.pass_role_services) > 0 && alltrue([for s in var.pass_role_services : can(regex("^[a-z0-9.-]+\\.amazonaws\\.com$", s))])
    error_message = "pass_role_services must list service principals such as \"lambda.amazonaws.com\" (no wildcards)."
  }
}

variable "organisation_role_names" {
  description = "Roles through which the organisation administers the account; the boundary denies every change to them (and to aws-reserved/ and aws-service-role/ roles and admin_principal_arns)."
  type        = list(string)
  default     = ["OrganizationAccountAccessRole", "AWSControlTowerExecution", "AWSCloudFormationStackSetExecutionRole"]

  validation {
    condition     = alltrue([for n in var.organisation_role_names : can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", n))])
    error_message = "organisation_role_names must be plain IAM role names such as \"OrganizationAccountAccessRole\" (no wildcards, no paths)."
  }
}

variable "deploy_workflow_path" {
  description = "Path of the reusable workflow whose jobs may assume the deploy role (OIDC claim job_workflow_ref = <repo>/<path>@<deploy_workflow_ref>)."
  type        = string
  default     = ".github/workflows/deploy-environment.yml"

  validation {
    condition     = can(regex("^\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml$", var.deploy_workflow_path))
    error_message = "deploy_workflow_path must be a workflow file such as \".github/workflows/deploy-environment.yml\"."
  }
}

variable "deploy_workflow_ref" {
  description = "Git ref the deploy workflow must run from (the ref part of job_workflow_ref)."
  type        = string
  default     = "refs/heads/main"

  validation {
    condition     = can(regex("^refs/(heads|tags)/[A-Za-z0-9._/-]+$", var.deploy_workflow_ref))
    error_message = "deploy_workflow_ref must be a full ref such as \"refs/heads/main\" (no wildcards)."
  }
}

variable "pull_request_plans" {
  description = "Create the pull-request plan role in this account (trusts sub = repo:<org>/<repo>:pull_request; configuration reads and state only, no data plane). True only for the account pull requests plan against (dev); staging and prod are planned on main only."
  type        = bool
  default     = false
  nullable    = false
}

variable "pr_plan_role_name" {
  description = "Name of the pull-request plan role (when pull_request_plans = true). .github/workflows/pull-request.yml assumes it by this name."
  type        = string
  default     = "switchyard-pr-plan"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.pr_plan_role_name))
    error_message = "pr_plan_role_name must be a valid IAM role name, for example \"switchyard-pr-plan\"."
  }
}

variable "state_noncurrent_version_days" {
  description = "Days a superseded state version is kept before it expires (the undo window for a bad apply)."
  type        = number
  default     = 90

  validation {
    condition     = var.state_noncurrent_version_days >= 7 && var.state_noncurrent_version_days <= 3650
    error_message = "state_noncurrent_version_days must be 7-3650; keep at least a week of state history."
  }
}

variable "max_session_duration" {
  description = "Maximum session length of both roles, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be 3600-43200 seconds."
  }
}

variable "tags" {
  description = "Tags for every resource (the bootstrap stack also sets provider default_tags)."
  type        = map(string)
  default     = {}
}

variable "api_gateway_cloudwatch_role" {
  description = "Create a CloudWatch Logs role for API Gateway and set it as this account's API Gateway setting in this region (REST API stages with access or execution logging fail without one). Set false only when another stack already owns aws_api_gateway_account in this account and region."
  type        = bool
  default     = true
  nullable    = false
}
