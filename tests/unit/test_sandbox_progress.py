"""What `make demo` and the e2e print while Terraform applies: a few progress lines, never the plan."""

from __future__ import annotations

import pytest

from emulation import sandbox

# `terraform apply -no-color -auto-approve` output, abridged: the plan, then progress.
APPLY = """Terraform will perform the following actions:
  # module.platform_dev.module.audit.aws_cloudwatch_metric_alarm.errors will be created
  + resource "aws_cloudwatch_metric_alarm" "errors" {
      + metric_name = "Errors"
      + validationErrorString = "x"
    }
Plan: 3 to add, 1 to change, 0 to destroy.
module.a.aws_sqs_queue.this: Creating...
module.a.aws_sqs_queue.this: Creation complete after 25s [id=http://q]
module.b.aws_sqs_queue.this: Creation complete after 26s [id=http://r]
module.c.aws_lambda_function.this: Modifications complete after 1s [id=f]
module.d.aws_iam_role.this: Creation complete after 0s [id=r]
Error: creating Lambda Function (x): InvalidParameterValueException: bad role
Apply complete! Resources: 3 added, 1 changed, 0 destroyed.
"""


def test_progress_counts_resources_against_the_plan_and_shows_errors_and_the_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = iter(float(n) for n in range(100))
    monkeypatch.setattr(sandbox.time, "monotonic", lambda: next(clock))
    progress = sandbox.Progress(every=2.0)
    for line in APPLY.splitlines():
        progress(line)
    shown = [line.split("] ", 1)[1] for line in capsys.readouterr().out.splitlines()]
    assert shown == [
        "2 of 4 resources done",
        "4 of 4 resources done",
        "Error: creating Lambda Function (x): InvalidParameterValueException: bad role",
        "Apply complete! Resources: 3 added, 1 changed, 0 destroyed.",
    ]
