account_ids = {
  dev  = "111111111111"
  prod = "222222222222"
}
