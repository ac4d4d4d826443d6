# What each function and mapping receives from the workload variables (variables.tf): the
# workload-wide figure unless consumers.<name> overrides it, and the function's entry in
# reserved_concurrency. Every key those variables accept ends up in a module argument here.

locals {
  registration_consumers = {
    for name in ["analytics", "mailing", "onboarding", "sales-lead"] : name => {
      batch_size          = coalesce(try(var.registration.consumers[name].batch_size, null), var.registration.batch_size)
      maximum_concurrency = coalesce(try(var.registration.consumers[name].maximum_concurrency, null), var.registration.maximum_concurrency)
      max_receive_count   = coalesce(try(var.registration.consumers[name].max_receive_count, null), var.registration.max_receive_count)
      # null: pubsub-fanout's function_defaults (registration.consumer_timeout, lambda_defaults.memory_size).
      timeout              = try(var.registration.consumers[name].timeout, null)
      memory_size          = try(var.registration.consumers[name].memory_size, null)
      reserved_concurrency = lookup(var.reserved_concurrency, "registration_${replace(name, "-", "_")}", null)
    }
  }
}
