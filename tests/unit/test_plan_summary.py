"""The PR plan comment counts actions right and warns about destruction; the summary and the
change-set digest (the only plan outputs CI publishes) carry no sensitive value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tools.plan_summary import change_set, digest, main, summarize


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


# --- nothing sensitive leaves the job; the apply job checks it applies the reviewed change set ---

SECRET = "sk-live-8f1c0b6e-DO-NOT-PUBLISH"


def plan_with_a_secret(secret: str = SECRET, memory: int = 128) -> dict[str, Any]:
    """The shape `terraform show -json` gives an API key and a sensitive output: the value is in
    plain text wherever it appears, and only the `*_sensitive` masks say it is a secret."""
    key = {"name": "voting", "value": secret, "enabled": True, "tags": {"env": "dev"}}
    return {
        "variables": {"api_key_value": {"value": secret}},
        "planned_values": {"root_module": {"resources": [{"address": "aws_api_gateway_api_key.x", "values": key}]}},
        "resource_changes": [
            {
                "address": "aws_api_gateway_api_key.voting",
                "change": {
                    "actions": ["update"],
                    "before": {**key, "enabled": False},
                    "after": key,
                    "after_unknown": {},
                    "before_sensitive": {"value": True},
                    "after_sensitive": {"value": True, "tags": {}},
                },
            },
            {
                "address": "aws_lambda_function.voting",
                "change": {"actions": ["update"], "before": {"memory_size": 64}, "after": {"memory_size": memory}},
            },
            {"address": "aws_sqs_queue.kept", "change": {"actions": ["no-op"], "before": {"name": "kept"}}},
        ],
        "output_changes": {
            "api_key": {"actions": ["create"], "before": None, "after": secret, "after_sensitive": True},
        },
        "prior_state": {"values": {"root_module": {"resources": [{"values": key}]}}},
    }


def test_the_summary_and_the_digest_never_carry_a_sensitive_value(tmp_path: Path) -> None:
    plan = plan_with_a_secret()
    assert SECRET in json.dumps(plan)  # the plan JSON does: it must never be uploaded
    text = summarize(plan, "dev")
    assert "aws_api_gateway_api_key.voting" in text and SECRET not in text
    assert SECRET not in json.dumps(change_set(plan))
    assert change_set(plan)[1]["after"]["value"] == "(sensitive)"
    plan_file = tmp_path / "dev.json"
    plan_file.write_text(json.dumps(plan))
    assert main([str(plan_file), "--write-digest", str(tmp_path / "dev.sha256")]) == 0
    assert (tmp_path / "dev.sha256").read_text().strip() == digest(plan)


def test_the_digest_follows_every_reviewable_change_but_no_secret_and_no_no_op() -> None:
    reviewed = digest(plan_with_a_secret())
    assert digest(plan_with_a_secret(memory=256)) != reviewed  # a value the reviewer saw changed
    # The secret is redacted before hashing: the digest cannot be used to guess it.
    assert digest(plan_with_a_secret(secret="another")) == reviewed
    moved = plan_with_a_secret()
    moved["resource_changes"][2]["change"]["before"] = {"name": "refreshed"}
    assert digest(moved) == reviewed
    destroyed = plan_with_a_secret()
    destroyed["resource_changes"][1]["change"]["actions"] = ["delete", "create"]
    assert digest(destroyed) != reviewed


def test_check_digest_refuses_a_plan_that_is_not_the_reviewed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "reviewed.sha256").write_text(digest(plan_with_a_secret()) + "\n")
    (tmp_path / "same.json").write_text(json.dumps(plan_with_a_secret()))
    (tmp_path / "moved.json").write_text(json.dumps(plan_with_a_secret(memory=512)))
    assert main([str(tmp_path / "same.json"), "--check-digest", str(tmp_path / "reviewed.sha256")]) == 0
    assert main([str(tmp_path / "moved.json"), "--check-digest", str(tmp_path / "reviewed.sha256")]) == 1
    assert "not the reviewed plan" in capsys.readouterr().err
    assert main([str(tmp_path / "same.json"), "--check-digest", str(tmp_path / "absent.sha256")]) == 1
