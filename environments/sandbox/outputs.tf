output "platforms" {
  description = "Per simulated account: its id and the platform's wiring (read by the test harness and make demo)."
  value = {
    dev  = module.platform_dev
    prod = module.platform_prod
  }
}
