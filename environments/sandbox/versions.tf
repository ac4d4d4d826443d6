terraform {
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }

  # Local state, kept out of git; real environments use the S3 backend with use_lockfile.
  backend "local" {
    path = "../../.sandbox/state/sandbox.tfstate"
  }
}
