# The keys reserved_concurrency accepts: each function's folder under lambdas/. Its own file
# because variables.tf validates against it, and tests/variables_only (the variables alone, for
# the validation runs) links both files.
locals {
  function_keys = [
    "audit", "voting", "registration_api", "registration_analytics", "registration_mailing",
    "registration_onboarding", "registration_sales_lead", "ledger_processor", "ledger_consumer",
    "bans_classifier", "bans_accounts", "bans_reactivation", "bans_admin",
  ]
}
