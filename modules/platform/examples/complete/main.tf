# The whole platform in one account, every workload sized: what environments/<env> passes
# from its terraform.tfvars, written out. Zips come from `make package-lambdas`.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region to deploy into."
  type        = string
  default     = "eu-west-1"
}

module "platform" {
  source = "../../"

  name_prefix   = "swy-example"
  environment   = "dev"
  artifacts_dir = "${path.module}/../../../../build"

  lambda_defaults = { architecture = "x86_64", memory_size = 512, timeout = 30, log_retention_days = 30 }
  data_protection = { point_in_time_recovery = true, deletion_protection = true }
  alarm_topic     = { subscriptions = [{ protocol = "email", endpoint = "oncall@example.com" }] }
  tags            = { example = "platform-complete" }

  audit = { batch_size = 10, maximum_concurrency = 5, max_receive_count = 5 }
  voting = {
    access_control      = "api_key"
    maximum_concurrency = 20
    usage_plan_quota    = 1000000
    throttling          = { rate_limit = 200, burst_limit = 400 }
  }
  registration = {
    maximum_concurrency = 5
    consumer_timeout    = 10
    consumers = {
      mailing = { maximum_concurrency = 10, memory_size = 512 }
    }
  }
  # Keyed by function (its folder under lambdas/); keep each >= its mapping's concurrency.
  reserved_concurrency = { audit = 10, voting = 25, registration_mailing = 12 }
}
