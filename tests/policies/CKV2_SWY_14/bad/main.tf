resource "aws_dynamodb_table" "schedule" {
  name             = "schedule"
  hash_key         = "id"
  stream_enabled   = true
  stream_view_type = "OLD_IMAGE"

  attribute {
    name = "id"
    type = "S"
  }
}

# AWS's defaults: infinite retries and record age, no bisect, no on-failure destination.
resource "aws_lambda_event_source_mapping" "bad" {
  event_source_arn  = aws_dynamodb_table.schedule.stream_arn
  function_name     = "handler"
  starting_position = "TRIM_HORIZON"
}
