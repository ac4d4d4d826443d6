# The required inputs only, with the key of a platform that already exists (its alias is
# alias/<name_prefix>-platform). Everything else takes the module's defaults: 256 MB, 30 s,
# x86_64, 30 days of logs, no reserved concurrency, no dead-letter target.

provider "aws" {
  region = "eu-west-1"
}

data "aws_kms_key" "platform" {
  key_id = "alias/swy-dev-platform"
}

module "function" {
  source = "../../"

  name         = "swy-example-minimal"
  handler      = "audit.handler.lambda_handler"
  package_path = "${path.module}/../../../../build/lambdas/audit.zip" # make package-lambdas
  kms_key_arn  = data.aws_kms_key.platform.arn
}

output "function_name" {
  description = "Name of the example function."
  value       = module.function.function_name
}
