# Values the platform reads at plan time (ARN formats, ids); every other computed attribute is
# left to the mock provider's generated values.
mock_data "aws_caller_identity" {
  defaults = { account_id = "111111111111" }
}
mock_data "aws_region" {
  defaults = { name = "eu-west-1" }
}
mock_data "aws_partition" {
  defaults = { partition = "aws" }
}
mock_data "aws_iam_policy_document" {
  defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
}
mock_resource "aws_kms_key" {
  defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
}
mock_resource "aws_iam_role" {
  defaults = { arn = "arn:aws:iam::111111111111:role/mock" }
}
mock_resource "aws_sqs_queue" {
  defaults = { arn = "arn:aws:sqs:eu-west-1:111111111111:mock", url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mock" }
}
mock_resource "aws_lambda_function" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:111111111111:function:mock" }
}
mock_resource "aws_lambda_layer_version" {
  defaults = { arn = "arn:aws:lambda:eu-west-1:111111111111:layer:mock:1" }
}
mock_resource "aws_dynamodb_table" {
  defaults = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/mock" }
}
mock_resource "aws_sns_topic" {
  defaults = { arn = "arn:aws:sns:eu-west-1:111111111111:mock" }
}
mock_resource "aws_cloudwatch_log_group" {
  defaults = { arn = "arn:aws:logs:eu-west-1:111111111111:log-group:mock" }
}
mock_resource "aws_api_gateway_api_key" {
  defaults = { id = "key123" }
}
mock_resource "aws_api_gateway_usage_plan" {
  defaults = { id = "plan123" }
}
mock_resource "aws_api_gateway_rest_api" {
  defaults = { id = "abc123", root_resource_id = "root00", execution_arn = "arn:aws:execute-api:eu-west-1:111111111111:abc123" }
}
mock_data "aws_secretsmanager_secret_version" {
  # an existing partner secret, in the JSON shape modules/api-destinations reads
  defaults = { secret_string = "{\"value\":\"mock-api-key\",\"password\":\"mock-password\"}" }
}
