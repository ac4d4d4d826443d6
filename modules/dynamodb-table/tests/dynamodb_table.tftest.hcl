mock_provider "aws" {
  # Every run is a plan; mocked computed values are known at plan time, so an assertion on a
  # value that is not mocked fails as unknown instead of passing.
  override_during = plan
  source          = "../../tests/mocks"
}

# A table ARN and stream ARN of its own (the shared mock's are generic), so the outputs are
# compared with values that only this resource carries.
override_resource {
  target          = aws_dynamodb_table.this
  override_during = plan
  values = {
    arn        = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-schedule"
    stream_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-schedule/stream/2026-12-01T00:00:00.000"
  }
}

variables {
  name        = "swy-test-schedule"
  hash_key    = { name = "pk" }
  kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
  tags        = { team = "payments" }
}

run "secure_defaults" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled && aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
    error_message = "The table is encrypted with the given CMK (not the shared mock's key, not the AWS-owned key)."
  }
  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Point-in-time recovery and deletion protection are on by default."
  }
  assert {
    condition     = output.kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222" && output.data_protection == { point_in_time_recovery = true, deletion_protection = true }
    error_message = "The kms_key_arn and data_protection outputs report the table's planned settings."
  }
  assert {
    # read/write_capacity are computed by the provider (the mock gives 0): billing_mode decides.
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "The default is on-demand billing."
  }
  assert {
    condition     = aws_dynamodb_table.this.name == "swy-test-schedule" && aws_dynamodb_table.this.tags == tomap({ team = "payments" })
    error_message = "The table has the given name and tags."
  }
}

run "hash_key_only_schema" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "pk" && aws_dynamodb_table.this.range_key == null
    error_message = "Without range_key the table is keyed by the partition key alone."
  }
  assert {
    condition     = aws_dynamodb_table.this.attribute == toset([{ name = "pk", type = "S" }])
    error_message = "Only the key attribute is declared, type S by default."
  }
  assert {
    condition     = output.hash_key == "pk" && output.range_key == null && output.table.hash_key == "pk" && output.table.range_key == null
    error_message = "The key outputs name the partition key and no sort key."
  }
}

run "range_key_schema_with_types" {
  command = plan
  variables {
    hash_key  = { name = "orderId", type = "B" }
    range_key = { name = "seq", type = "N" }
  }

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "orderId" && aws_dynamodb_table.this.range_key == "seq"
    error_message = "The key schema is the given hash and range keys."
  }
  assert {
    condition     = aws_dynamodb_table.this.attribute == toset([{ name = "orderId", type = "B" }, { name = "seq", type = "N" }])
    error_message = "Both key attributes are declared with their given types."
  }
  assert {
    condition     = output.range_key == "seq" && output.table.range_key == "seq" && output.table.hash_key == "orderId"
    error_message = "The key outputs name both keys."
  }
}

run "data_protection_overrides" {
  command = plan
  variables {
    data_protection = { point_in_time_recovery = false }
  }

  assert {
    condition     = !aws_dynamodb_table.this.point_in_time_recovery[0].enabled && aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Turning PITR off leaves deletion protection at its default (on)."
  }
  assert {
    condition     = output.data_protection == { point_in_time_recovery = false, deletion_protection = true }
    error_message = "The data_protection output follows the table."
  }
}

run "deletion_protection_override" {
  command = plan
  variables {
    data_protection = { deletion_protection = false }
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled && !aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Turning deletion protection off leaves PITR at its default (on)."
  }
  assert {
    condition     = output.data_protection == { point_in_time_recovery = true, deletion_protection = false }
    error_message = "The data_protection output follows the table."
  }
}

run "ttl_and_stream_off_by_default" {
  command = plan

  assert {
    condition     = length(aws_dynamodb_table.this.ttl) == 0 && output.ttl_attribute == null && output.table.ttl_attribute == null
    error_message = "Without ttl_attribute the table has no TTL block."
  }
  assert {
    # stream_view_type is computed by the provider (the mock invents one): stream_enabled decides.
    condition     = aws_dynamodb_table.this.stream_enabled != true
    error_message = "Without stream_view_type the table has no stream."
  }
  assert {
    condition     = output.stream_arn == null && output.table.stream_arn == null
    error_message = "Without a stream the stream ARN outputs are null."
  }
}

run "ttl_on" {
  command = plan
  variables {
    ttl_attribute = "expiresAt"
  }

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).enabled && one(aws_dynamodb_table.this.ttl).attribute_name == "expiresAt"
    error_message = "ttl_attribute turns TTL on for that attribute."
  }
  assert {
    condition     = output.ttl_attribute == "expiresAt" && output.table.ttl_attribute == "expiresAt"
    error_message = "The TTL attribute is an output."
  }
  assert {
    condition     = aws_dynamodb_table.this.attribute == toset([{ name = "pk", type = "S" }])
    error_message = "The TTL attribute is not declared as a key attribute."
  }
}

run "stream_on_with_view_type" {
  command = plan
  variables {
    stream_view_type = "NEW_AND_OLD_IMAGES"
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_enabled == true && aws_dynamodb_table.this.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "stream_view_type turns the stream on with that view type."
  }
  assert {
    condition     = output.stream_arn == "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-schedule/stream/2026-12-01T00:00:00.000" && output.table.stream_arn == output.stream_arn
    error_message = "With a stream, stream_arn is the table's stream ARN."
  }
}

run "stream_keys_only" {
  command = plan
  variables {
    stream_view_type = "KEYS_ONLY"
  }

  assert {
    condition     = aws_dynamodb_table.this.stream_view_type == "KEYS_ONLY"
    error_message = "The stream carries the requested view type."
  }
}

run "provisioned_capacity" {
  command = plan
  variables {
    billing_mode = "PROVISIONED"
    provisioned  = { read = 7, write = 3 }
  }

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PROVISIONED" && aws_dynamodb_table.this.read_capacity == 7 && aws_dynamodb_table.this.write_capacity == 3
    error_message = "PROVISIONED uses the given read and write capacity."
  }
}

run "outputs_are_this_tables" {
  command = plan

  assert {
    condition     = output.arn == "arn:aws:dynamodb:eu-west-1:111111111111:table/swy-test-schedule" && output.name == "swy-test-schedule"
    error_message = "The name and ARN outputs are the table's."
  }
  assert {
    condition     = output.table.arn == output.arn && output.table.name == output.name
    error_message = "The table object carries the same name and ARN."
  }
}

run "examples_complete_plans" {
  command = plan
  module {
    source = "./examples/complete"
  }

  assert {
    condition     = output.schedule_table.ttl_attribute == "expiresAt" && output.schedule_table.range_key == "dueAt" && output.schedule_table.stream_arn != null
    error_message = "The complete example plans a schedule table with TTL, a sort key and a stream."
  }
}

# --- validations -----------------------------------------------------------------------------

run "rejects_a_name_dynamodb_refuses" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    name = "swy test/schedule"
  }
  expect_failures = [var.name]
}

run "rejects_a_too_short_name" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    name = "ab"
  }
  expect_failures = [var.name]
}

run "rejects_an_empty_hash_key_name" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    hash_key = { name = "" }
  }
  expect_failures = [var.hash_key]
}

run "rejects_an_unknown_hash_key_type" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    hash_key = { name = "pk", type = "BOOL" }
  }
  expect_failures = [var.hash_key]
}

run "rejects_an_empty_range_key_name" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    range_key = { name = "" }
  }
  expect_failures = [var.range_key]
}

run "rejects_an_unknown_range_key_type" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    range_key = { name = "sk", type = "SS" }
  }
  expect_failures = [var.range_key]
}

run "rejects_a_range_key_equal_to_the_hash_key" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    range_key = { name = "pk" }
  }
  expect_failures = [var.range_key]
}

run "rejects_an_unknown_billing_mode" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    billing_mode = "ON_DEMAND"
  }
  expect_failures = [var.billing_mode]
}

run "rejects_provisioned_without_capacity" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    billing_mode = "PROVISIONED"
  }
  expect_failures = [var.provisioned]
}

run "rejects_capacity_with_pay_per_request" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    provisioned = { read = 5, write = 5 }
  }
  expect_failures = [var.provisioned]
}

run "rejects_zero_or_fractional_capacity" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    billing_mode = "PROVISIONED"
    provisioned  = { read = 0, write = 1.5 }
  }
  expect_failures = [var.provisioned]
}

run "rejects_a_key_alias_for_kms_key_arn" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/platform"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_a_bare_key_id_for_kms_key_arn" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    kms_key_arn = "22222222-2222-2222-2222-222222222222"
  }
  expect_failures = [var.kms_key_arn]
}

run "rejects_an_empty_ttl_attribute" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    ttl_attribute = ""
  }
  expect_failures = [var.ttl_attribute]
}

run "rejects_an_unknown_stream_view_type" {
  command = plan
  module {
    source = "./tests/variables_only" # the validations alone: no plan of the module
  }
  variables {
    stream_view_type = "NEW_IMAGES"
  }
  expect_failures = [var.stream_view_type]
}
