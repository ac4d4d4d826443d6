output "platforms" {
  description = "Per simulated account: the platform's outputs, its `harness` object included (read by the test harness, the traffic drivers and make demo; emulation/harness/wiring.py types it)."
  value = {
    dev  = module.platform_dev
    prod = module.platform_prod
  }
}
