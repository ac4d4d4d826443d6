account_ids = {
  dev  = "111111111111"
  prod = "222222222222"
}

# Per simulated account, the same workload objects as environments/<env>/terraform.tfvars.
# The harness reads each mapping's batch size back from the emulator (emulation/harness).
workloads = {
  dev = {
    # Batches of up to 100 gathered over a 1 s window: the voting function splits them into
    # transactions of at most 25 voters (prod keeps the default 10, one transaction per batch).
    # dev keeps the API-key mode (the body names the voter) so both modes run; prod signs (iam).
    voting       = { access_control = "api_key", maximum_concurrency = 5, batch_size = 100, maximum_batching_window_in_seconds = 1 }
    registration = { maximum_concurrency = 2 }
  }
  prod = {
    voting       = { maximum_concurrency = 5 }
    registration = { maximum_concurrency = 2 }
  }
}
