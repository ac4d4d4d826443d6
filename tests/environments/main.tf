# A configuration for `terraform test` only: its run blocks plan environments/dev (the three
# real roots are byte-identical, so dev + any environment's tfvars is that environment) against
# the mock provider in mocks/. tests/unit/test_environment_workloads.py runs it with a tfvars
# file and reads the plan (`-json -verbose`) to check what each workload setting became.
terraform {
  required_version = ">= 1.11"
}
