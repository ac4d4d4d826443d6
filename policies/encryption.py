"""CKV2_SWY_11: SNS topics and SQS queues are encrypted.
CKV2_SWY_12: a queue fed by SNS or EventBridge uses a customer-managed KMS key (those services
cannot publish to a queue encrypted with alias/aws/sqs or SQS-managed SSE)."""

from __future__ import annotations

from typing import Any

import swy_graph as g
from checkov.common.models.enums import CheckCategories, CheckResult
from swy_base import SwitchyardCheck

AWS_MANAGED = ("alias/aws/sqs", "alias/aws/sns")


class TopicsAndQueuesEncrypted(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_11",
            "SNS topics and SQS queues are encrypted at rest",
            ["aws_sns_topic", "aws_sqs_queue"],
            CheckCategories.ENCRYPTION,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if g.first(conf.get("kms_master_key_id")) not in (None, ""):
            return CheckResult.PASSED
        if self.entity_type == "aws_sqs_queue" and g.first(conf.get("sqs_managed_sse_enabled")) is True:
            return CheckResult.PASSED
        wanted = (
            "kms_master_key_id"
            if self.entity_type == "aws_sns_topic"
            else "kms_master_key_id or sqs_managed_sse_enabled = true"
        )
        return self.fail(f"not encrypted: set {wanted}")

    def get_evaluated_keys(self) -> list[str]:
        return ["kms_master_key_id", "sqs_managed_sse_enabled"]


class PublishedQueuesUseCustomerKey(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_12",
            "Queues subscribed to SNS or targeted by EventBridge use a customer-managed KMS key",
            ["aws_sqs_queue"],
            CheckCategories.ENCRYPTION,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        scope, me = self.scope(conf)
        publishers = g.publishers(scope, me.key) if me else []
        if not publishers:
            return CheckResult.PASSED
        key = g.first(conf.get("kms_master_key_id"))
        if key in (None, "") or key in AWS_MANAGED:
            return self.fail(
                f"fed by {', '.join(sorted(publishers))} but encrypted with {key or 'SQS-managed SSE'}: "
                "SNS/EventBridge cannot use that key; set kms_master_key_id to a customer-managed key"
            )
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["kms_master_key_id", "sqs_managed_sse_enabled"]


checks = [TopicsAndQueuesEncrypted(), PublishedQueuesUseCustomerKey()]
