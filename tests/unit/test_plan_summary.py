"""The PR plan comment counts actions right and warns about destruction."""

from __future__ import annotations

from tools.plan_summary import summarize


def change(address: str, *actions: str) -> dict[str, object]:
    return {"address": address, "change": {"actions": list(actions)}}


def test_counts_each_action_and_lists_destruction_first() -> None:
    plan = {
        "resource_changes": [
            change("aws_sqs_queue.new", "create"),
            change("aws_sqs_queue.kept", "no-op"),
            change("aws_lambda_function.f", "update"),
            change("aws_dynamodb_table.t", "delete", "create"),
            change("aws_sns_topic.old", "delete"),
        ]
    }
    text = summarize(plan, "dev")
    assert "**1 to create, 1 to update, 1 to replace, 1 to delete**" in text
    assert "destroys resources" in text
    assert "aws_sqs_queue.kept" not in text
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert rows[0].endswith("`aws_sns_topic.old` |") and rows[1].endswith("`aws_dynamodb_table.t` |")


def test_an_empty_plan_says_no_changes() -> None:
    text = summarize({"resource_changes": [change("aws_sqs_queue.q", "no-op")]}, "prod")
    assert "**no changes**" in text and "destroys" not in text
