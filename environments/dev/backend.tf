# The only .tf line that differs between environments/dev, staging and prod is the key below
# (tests/unit/test_environment_roots.py proves it). Bucket, region and the role that reads the
# state come from environments/accounts.json through `tools/envctl.py` (make plan ENV=...):
# the bucket is the account baseline's <prefix>-tfstate-<account id>-<region>.
terraform {
  backend "s3" {
    key          = "dev/platform.tfstate"
    encrypt      = true
    use_lockfile = true
  }
}
