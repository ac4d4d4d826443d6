output "name" {
  description = "Name of the table."
  value       = aws_dynamodb_table.this.name
}

output "arn" {
  description = "ARN of the table (for IAM statements: dynamodb:PutItem and friends)."
  value       = aws_dynamodb_table.this.arn
}

output "stream_arn" {
  description = "ARN of the table's stream (for an event source mapping), or null without a stream."
  value       = var.stream_view_type == null ? null : aws_dynamodb_table.this.stream_arn
}

output "hash_key" {
  description = "Attribute name of the partition key."
  value       = var.hash_key.name
}

output "range_key" {
  description = "Attribute name of the sort key, or null without one."
  value       = try(var.range_key.name, null)
}

output "ttl_attribute" {
  description = "Attribute DynamoDB's TTL reads each item's expiry from, or null with TTL off."
  value       = var.ttl_attribute
}

output "table" {
  description = "All of the above in one object (name, arn, stream_arn, hash_key, range_key, ttl_attribute), for callers that pass the table on."
  value = {
    name          = aws_dynamodb_table.this.name
    arn           = aws_dynamodb_table.this.arn
    stream_arn    = var.stream_view_type == null ? null : aws_dynamodb_table.this.stream_arn
    hash_key      = var.hash_key.name
    range_key     = try(var.range_key.name, null)
    ttl_attribute = var.ttl_attribute
  }
}
