# Resources deployed before the queues moved into ../sqs-queue, the voting tables into one
# map, and every table into ../dynamodb-table, keep their identity: these blocks make Terraform move them in state instead of
# destroying and recreating them (python -m tools.moved_proof shows the plan from main's
# sandbox: nothing destroyed).
# modules/queue-load-leveling moves its own; pubsub-fanout's are keyed by subscriber, so
# they are written here, where the keys are known.
moved {
  from = aws_sqs_queue.audit
  to   = module.audit_queue.aws_sqs_queue.this
}

moved {
  from = aws_sqs_queue.audit_dlq
  to   = module.audit_queue.aws_sqs_queue.dlq
}

moved {
  from = aws_sqs_queue_policy.audit
  to   = module.audit_queue.aws_sqs_queue_policy.this
}

moved {
  from = aws_sqs_queue_policy.audit_dlq
  to   = module.audit_queue.aws_sqs_queue_policy.dlq
}

moved {
  from = aws_lambda_event_source_mapping.audit
  to   = module.audit_queue.aws_lambda_event_source_mapping.this[0]
}

moved {
  from = aws_cloudwatch_metric_alarm.audit_dlq_depth
  to   = module.audit_queue.aws_cloudwatch_metric_alarm.dlq_depth
}

moved {
  from = module.registration.aws_sqs_queue.this["analytics"]
  to   = module.registration.module.queue["analytics"].aws_sqs_queue.this
}

moved {
  from = module.registration.aws_sqs_queue.dlq["analytics"]
  to   = module.registration.module.queue["analytics"].aws_sqs_queue.dlq
}

moved {
  from = module.registration.aws_sqs_queue_policy.this["analytics"]
  to   = module.registration.module.queue["analytics"].aws_sqs_queue_policy.this
}

moved {
  from = module.registration.aws_sqs_queue_policy.dlq["analytics"]
  to   = module.registration.module.queue["analytics"].aws_sqs_queue_policy.dlq
}

moved {
  from = module.registration.aws_cloudwatch_metric_alarm.dlq_depth["analytics"]
  to   = module.registration.module.queue["analytics"].aws_cloudwatch_metric_alarm.dlq_depth
}

moved {
  from = module.registration.aws_sqs_queue.this["mailing"]
  to   = module.registration.module.queue["mailing"].aws_sqs_queue.this
}

moved {
  from = module.registration.aws_sqs_queue.dlq["mailing"]
  to   = module.registration.module.queue["mailing"].aws_sqs_queue.dlq
}

moved {
  from = module.registration.aws_sqs_queue_policy.this["mailing"]
  to   = module.registration.module.queue["mailing"].aws_sqs_queue_policy.this
}

moved {
  from = module.registration.aws_sqs_queue_policy.dlq["mailing"]
  to   = module.registration.module.queue["mailing"].aws_sqs_queue_policy.dlq
}

moved {
  from = module.registration.aws_cloudwatch_metric_alarm.dlq_depth["mailing"]
  to   = module.registration.module.queue["mailing"].aws_cloudwatch_metric_alarm.dlq_depth
}

moved {
  from = module.registration.aws_sqs_queue.this["onboarding"]
  to   = module.registration.module.queue["onboarding"].aws_sqs_queue.this
}

moved {
  from = module.registration.aws_sqs_queue.dlq["onboarding"]
  to   = module.registration.module.queue["onboarding"].aws_sqs_queue.dlq
}

moved {
  from = module.registration.aws_sqs_queue_policy.this["onboarding"]
  to   = module.registration.module.queue["onboarding"].aws_sqs_queue_policy.this
}

moved {
  from = module.registration.aws_sqs_queue_policy.dlq["onboarding"]
  to   = module.registration.module.queue["onboarding"].aws_sqs_queue_policy.dlq
}

moved {
  from = module.registration.aws_cloudwatch_metric_alarm.dlq_depth["onboarding"]
  to   = module.registration.module.queue["onboarding"].aws_cloudwatch_metric_alarm.dlq_depth
}

moved {
  from = module.registration.aws_sqs_queue.this["sales-lead"]
  to   = module.registration.module.queue["sales-lead"].aws_sqs_queue.this
}

moved {
  from = module.registration.aws_sqs_queue.dlq["sales-lead"]
  to   = module.registration.module.queue["sales-lead"].aws_sqs_queue.dlq
}

moved {
  from = module.registration.aws_sqs_queue_policy.this["sales-lead"]
  to   = module.registration.module.queue["sales-lead"].aws_sqs_queue_policy.this
}

moved {
  from = module.registration.aws_sqs_queue_policy.dlq["sales-lead"]
  to   = module.registration.module.queue["sales-lead"].aws_sqs_queue_policy.dlq
}

moved {
  from = module.registration.aws_cloudwatch_metric_alarm.dlq_depth["sales-lead"]
  to   = module.registration.module.queue["sales-lead"].aws_cloudwatch_metric_alarm.dlq_depth
}

moved {
  from = aws_dynamodb_table.polls
  to   = aws_dynamodb_table.voting["polls"]
}

moved {
  from = aws_dynamodb_table.votes
  to   = aws_dynamodb_table.voting["votes"]
}

moved {
  from = aws_dynamodb_table.tallies
  to   = aws_dynamodb_table.voting["tallies"]
}

# Every table into ../dynamodb-table (same names, keys and settings: the plan shows no change).
# The voting tables' moves chain on from the three above, so a state from before the map
# also lands in the module.
moved {
  from = aws_dynamodb_table.audit_log
  to   = module.audit_log_table.aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.voting["polls"]
  to   = module.voting_table["polls"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.voting["votes"]
  to   = module.voting_table["votes"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.voting["tallies"]
  to   = module.voting_table["tallies"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.registration["signups"]
  to   = module.registration_table["signups"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.registration["outbox"]
  to   = module.registration_table["outbox"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.registration["workspaces"]
  to   = module.registration_table["workspaces"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.registration["leads"]
  to   = module.registration_table["leads"].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.ledger[0]
  to   = module.ledger_table[0].aws_dynamodb_table.this
}

moved {
  from = aws_dynamodb_table.ledger_balances[0]
  to   = module.ledger_balances_table[0].aws_dynamodb_table.this
}

# === pubsub-fanout: one ./modules/subscriber per subscriber (fanout-consumer) ==============
# Each subscriber's function, queue and mapping moved into modules/pubsub-fanout's
# module.subscriber[<key>], whose queue (../sqs-queue) now owns the mapping, the consumer's
# grants and its Errors/Throttles alarms. The blocks above that moved resources into
# module.queue[<key>] chain into these ones: Terraform applies both in turn (tried on a
# terraform_data model of the two moves: a state from before either plans 0 to add/destroy).

moved {
  from = module.registration.module.queue["analytics"]
  to   = module.registration.module.subscriber["analytics"].module.queue
}

moved {
  from = module.registration.module.consumer["analytics"]
  to   = module.registration.module.subscriber["analytics"].module.function
}

moved {
  from = module.registration.aws_lambda_event_source_mapping.this["analytics"]
  to   = module.registration.module.subscriber["analytics"].module.queue.aws_lambda_event_source_mapping.this[0]
}

moved {
  from = module.registration.module.queue["mailing"]
  to   = module.registration.module.subscriber["mailing"].module.queue
}

moved {
  from = module.registration.module.consumer["mailing"]
  to   = module.registration.module.subscriber["mailing"].module.function
}

moved {
  from = module.registration.aws_lambda_event_source_mapping.this["mailing"]
  to   = module.registration.module.subscriber["mailing"].module.queue.aws_lambda_event_source_mapping.this[0]
}

moved {
  from = module.registration.module.queue["onboarding"]
  to   = module.registration.module.subscriber["onboarding"].module.queue
}

moved {
  from = module.registration.module.consumer["onboarding"]
  to   = module.registration.module.subscriber["onboarding"].module.function
}

moved {
  from = module.registration.aws_lambda_event_source_mapping.this["onboarding"]
  to   = module.registration.module.subscriber["onboarding"].module.queue.aws_lambda_event_source_mapping.this[0]
}

moved {
  from = module.registration.module.queue["sales-lead"]
  to   = module.registration.module.subscriber["sales-lead"].module.queue
}

moved {
  from = module.registration.module.consumer["sales-lead"]
  to   = module.registration.module.subscriber["sales-lead"].module.function
}

moved {
  from = module.registration.aws_lambda_event_source_mapping.this["sales-lead"]
  to   = module.registration.module.subscriber["sales-lead"].module.queue.aws_lambda_event_source_mapping.this[0]
}

# === the registration API's stage in ../rest-api-stage (fanout-consumer) ===================
moved {
  from = aws_cloudwatch_log_group.registration_api_access
  to   = module.registration_api_stage.aws_cloudwatch_log_group.access
}

moved {
  from = aws_cloudwatch_log_group.registration_api_execution
  to   = module.registration_api_stage.aws_cloudwatch_log_group.execution
}

moved {
  from = aws_api_gateway_stage.registration
  to   = module.registration_api_stage.aws_api_gateway_stage.this
}

moved {
  from = aws_api_gateway_method_settings.registration
  to   = module.registration_api_stage.aws_api_gateway_method_settings.all
}
