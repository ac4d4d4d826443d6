resource "aws_dynamodb_table" "good" {
  name                        = "orders"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = true
  tags                        = { environment = "prod" }

  attribute {
    name = "id"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }
}

# The sandbox may switch both off so it can be destroyed.
resource "aws_dynamodb_table" "sandbox" {
  name         = "orders-sandbox"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  tags         = { environment = "sandbox-dev" }

  attribute {
    name = "id"
    type = "S"
  }
}
