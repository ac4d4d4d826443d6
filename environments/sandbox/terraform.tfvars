account_ids = {
  dev  = "111111111111"
  prod = "222222222222"
}

# Per simulated account, the same workload objects as environments/<env>/terraform.tfvars.
# The harness reads each mapping's batch size back from the emulator (tools/harness).
workloads = {
  dev = {
    voting       = { maximum_concurrency = 5 }
    registration = { maximum_concurrency = 2 }
  }
  prod = {
    voting       = { maximum_concurrency = 5 }
    registration = { maximum_concurrency = 2 }
  }
}
