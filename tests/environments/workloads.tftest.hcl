mock_provider "aws" {
  # Plan-time values only: nothing is applied.
  override_during = plan
  source          = "./mocks"
}

run "plan" {
  command = plan

  module {
    source = "../../environments/dev"
  }
}
