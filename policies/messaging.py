"""Queues, mappings and failure paths: CKV2_SWY_1 to CKV2_SWY_6, pipes (CKV2_SWY_13) and stream
mappings (CKV2_SWY_14)."""

from __future__ import annotations

import re
from typing import Any

import swy_graph as g
from checkov.common.models.enums import CheckCategories, CheckResult
from swy_base import SwitchyardCheck

STREAM_SOURCE = re.compile(
    r"arn:aws[a-z-]*:(dynamodb|kinesis|kafka|mq):|aws_(dynamodb_table|kinesis_stream|msk_cluster)"
)


def _is_sqs_mapping(conf: dict[str, Any]) -> bool:
    """SQS mappings have no starting position; stream and Kafka mappings must set one."""
    if g.first(conf.get("starting_position")) is not None:
        return False
    # Plans list absent blocks as empty lists ([[]]) and computed ones as "true_after_unknown"
    # (EVAL_TF_PLAN_AFTER_UNKNOWN): only a block with content counts.
    for block in ("self_managed_event_source", "amazon_managed_kafka_event_source_config"):
        if g.first(conf.get(block)) not in (None, "true_after_unknown"):
            return False
    return not STREAM_SOURCE.search(str(g.first(conf.get("event_source_arn")) or ""))


class SqsMappingReportsBatchItemFailures(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_1",
            "SQS event source mappings report batch item failures (ReportBatchItemFailures)",
            ["aws_lambda_event_source_mapping"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if not _is_sqs_mapping(conf):
            return CheckResult.PASSED
        types = conf.get("function_response_types") or [[]]
        types = types[0] if isinstance(types[0], list) else types
        if "ReportBatchItemFailures" not in types:
            return self.fail(
                "function_response_types lacks ReportBatchItemFailures: one bad message retries the whole batch"
            )
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["function_response_types", "starting_position"]


class FifoMappingBatchSize(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_2",
            "FIFO SQS event source mappings use batch_size <= 10",
            ["aws_lambda_event_source_mapping"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if not _is_sqs_mapping(conf):
            return CheckResult.PASSED
        arn = str(g.first(conf.get("event_source_arn")) or "")
        scope, me = self.scope(conf)
        fifo = arn.endswith(".fifo") or any(
            g.queue_is_fifo(scope, q) for q in (me.refs("event_source_arn") if me else ())
        )
        batch_size = g.first(conf.get("batch_size"))
        if fifo and isinstance(batch_size, int | float) and batch_size > 10:
            return self.fail(f"batch_size {batch_size} on a FIFO queue: FIFO mappings accept at most 10")
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["batch_size", "event_source_arn"]


class QueueHasRedrivePolicy(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_3",
            "Every SQS queue that is not a dead-letter queue has a redrive policy",
            ["aws_sqs_queue"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        scope, me = self.scope(conf)
        key = me.key if me else ""
        if g.first(conf.get("redrive_policy")) or g.has_redrive_resource(scope, key):
            return CheckResult.PASSED
        if g.is_dlq(scope, key, conf):
            return CheckResult.PASSED
        return self.fail(
            "no redrive_policy and nothing dead-letters into it: poison messages loop until retention ends"
        )

    def get_evaluated_keys(self) -> list[str]:
        return ["redrive_policy", "name"]


class DeadLetterQueueHasDepthAlarm(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_4",
            "Every dead-letter queue has a CloudWatch depth alarm whose dimensions name it",
            ["aws_sqs_queue"],
            CheckCategories.LOGGING,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        scope, me = self.scope(conf)
        key = me.key if me else ""
        if not g.is_dlq(scope, key, conf):
            return CheckResult.PASSED
        if g.depth_alarms(scope, key):
            return CheckResult.PASSED
        return self.fail(
            "dead-letter queue without an aws_cloudwatch_metric_alarm on its QueueName: failures pile up unseen"
        )


# AWS's bounds for a rule target's retry policy (PutTargets RetryPolicy).
RETRY_ATTEMPTS = (0, 185)
RETRY_EVENT_AGE_S = (60, 86400)


def _bounded(value: Any, low: int, high: int) -> bool | None:
    """True/False for a number in/out of [low, high]; None for a value only a plan knows."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return low <= value <= high
    if isinstance(value, str):
        try:
            return low <= float(value) <= high
        except ValueError:
            return None  # an expression (module source): the plan scans judge the value
    return None


class EventTargetHasDeadLetterQueue(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_5",
            "Every EventBridge target has a dead_letter_config and a bounded retry_policy",
            ["aws_cloudwatch_event_target"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        dlq = g.first(conf.get("dead_letter_config"))
        if not (isinstance(dlq, dict) and g.first(dlq.get("arn"))):
            return self.fail("no dead_letter_config.arn: events that exhaust the retry policy are dropped")
        retry = g.first(conf.get("retry_policy"))
        if not isinstance(retry, dict):
            return self.fail(
                "no retry_policy: write maximum_retry_attempts (0-185) and maximum_event_age_in_seconds "
                "(60-86400) so how long a failing partner is retried is a decision, not AWS's 24 h default"
            )
        for key, (low, high) in (
            ("maximum_retry_attempts", RETRY_ATTEMPTS),
            ("maximum_event_age_in_seconds", RETRY_EVENT_AGE_S),
        ):
            if _bounded(g.first(retry.get(key)), low, high) is False:
                return self.fail(f"retry_policy.{key} must be set and within {low}-{high}")
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["dead_letter_config", "retry_policy"]


class LambdaAsyncPathHasFailureDestination(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_6",
            "Every asynchronous Lambda path has a dead-letter queue or an on-failure destination",
            ["aws_lambda_function_event_invoke_config", "aws_lambda_function"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_lambda_function_event_invoke_config":
            destination = g.first(conf.get("destination_config"))
            on_failure = g.first(destination.get("on_failure")) if isinstance(destination, dict) else None
            if isinstance(on_failure, dict) and g.first(on_failure.get("destination")):
                return CheckResult.PASSED
            return self.fail("no destination_config.on_failure: async events that fail after retries are dropped")
        dead_letter = g.first(conf.get("dead_letter_config"))
        if isinstance(dead_letter, dict) and g.first(dead_letter.get("target_arn")):
            return CheckResult.PASSED
        scope, me = self.scope(conf)
        key = me.key if me else ""
        invokers = g.async_invokers(scope, key)
        if invokers and not g.async_failure_paths(scope, key):
            return self.fail(
                f"invoked asynchronously by {', '.join(sorted(invokers))} without dead_letter_config "
                "or an event invoke config with on_failure"
            )
        return CheckResult.PASSED


SQS_SOURCE = re.compile(r"arn:aws[a-z-]*:sqs:")


class PipeHasRoleFailurePathAndLogs(SwitchyardCheck):
    """A pipe runs as a role, has somewhere for failures to go, and logs its errors.

    An SQS source has no pipe DLQ: failed messages return to the queue and its redrive policy
    moves them to the queue's DLQ, so a source queue in the same module must have one (a queue
    from another module, or a literal ARN, is judged where it is defined: CKV2_SWY_3). A stream
    source (DynamoDB, Kinesis) needs source_parameters.*.dead_letter_config.arn, or records that
    exhaust their retries are dropped.
    """

    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_13",
            "Every EventBridge pipe has a role, a failure path (source queue redrive or stream DLQ) and error logs",
            ["aws_pipes_pipe"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if not g.first(conf.get("role_arn")):
            return self.fail("no role_arn: the pipe needs its own execution role")
        scope, me = self.scope(conf)
        source = str(g.first(conf.get("source")) or "")
        queues = {ref for ref in (me.refs("source") if me else set()) if ref.startswith("aws_sqs_queue.")}
        if queues or SQS_SOURCE.search(source):
            for queue in sorted(queues):
                resource = scope.get(queue)
                if resource is not None and not (
                    resource.sets("redrive_policy") or g.has_redrive_resource(scope, queue)
                ):
                    return self.fail(
                        f"source {queue} has no redrive_policy: a message the target never takes is retried "
                        "until retention ends (an SQS-sourced pipe has no DLQ of its own)"
                    )
        elif STREAM_SOURCE.search(source) or (me and any(STREAM_SOURCE.search(r) for r in me.refs("source"))):
            parameters = g.first(conf.get("source_parameters"))
            stream = {}
            if isinstance(parameters, dict):
                for block in ("dynamodb_stream_parameters", "kinesis_stream_parameters"):
                    if isinstance(g.first(parameters.get(block)), dict):
                        stream = g.first(parameters.get(block))
            dlq = g.first(stream.get("dead_letter_config")) if stream else None
            if not (isinstance(dlq, dict) and g.first(dlq.get("arn"))):
                return self.fail(
                    "stream source without source_parameters dead_letter_config.arn: failed records are dropped"
                )
        logs = g.first(conf.get("log_configuration"))
        if not isinstance(logs, dict) or str(g.first(logs.get("level")) or "OFF") == "OFF":
            return self.fail("no log_configuration with level ERROR, INFO or TRACE: failed deliveries leave no trace")
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return ["role_arn", "source", "source_parameters", "log_configuration"]


# AWS's bounds for stream mappings (CreateEventSourceMapping); -1 (infinite) is AWS's default.
STREAM_RETRY_ATTEMPTS = (0, 10_000)
STREAM_RECORD_AGE = (60, 604_800)


def _is_stream_mapping(conf: dict[str, Any]) -> bool:
    """DynamoDB and Kinesis mappings: a starting position, and not Kafka or MQ."""
    if g.first(conf.get("starting_position")) is None:
        return False
    for block in ("self_managed_event_source", "amazon_managed_kafka_event_source_config"):
        if g.first(conf.get(block)) not in (None, "true_after_unknown"):
            return False
    return not re.search(r"arn:aws[a-z-]*:(kafka|mq):", str(g.first(conf.get("event_source_arn")) or ""))


class StreamMappingBoundsFailures(SwitchyardCheck):
    def __init__(self) -> None:
        super().__init__(
            "CKV2_SWY_14",
            "DynamoDB/Kinesis stream mappings bisect, bound retries and record age, and have an on-failure destination",
            ["aws_lambda_event_source_mapping"],
            CheckCategories.GENERAL_SECURITY,
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if not _is_stream_mapping(conf):
            return CheckResult.PASSED
        for key, (low, high), what in (
            ("maximum_retry_attempts", STREAM_RETRY_ATTEMPTS, "a poison record blocks its shard until it expires"),
            ("maximum_record_age_in_seconds", STREAM_RECORD_AGE, "failed records are retried until they expire"),
        ):
            value = g.first(conf.get(key))
            if value is None or _bounded(value, low, high) is False:  # None from _bounded: an expression
                return self.fail(f"{key} must be set within {low}-{high} (AWS's default -1 is infinite: {what})")
        if g.first(conf.get("bisect_batch_on_function_error")) in (None, False, "false"):
            return self.fail("bisect_batch_on_function_error is not true: one poison record fails its whole batch")
        destination = g.first(conf.get("destination_config"))
        on_failure = g.first(destination.get("on_failure")) if isinstance(destination, dict) else None
        if not (isinstance(on_failure, dict) and g.first(on_failure.get("destination_arn"))):
            return self.fail("no destination_config.on_failure: discarded batches leave no trace")
        return CheckResult.PASSED

    def get_evaluated_keys(self) -> list[str]:
        return [
            "maximum_retry_attempts",
            "maximum_record_age_in_seconds",
            "bisect_batch_on_function_error",
            "destination_config",
        ]


checks = [
    SqsMappingReportsBatchItemFailures(),
    FifoMappingBatchSize(),
    QueueHasRedrivePolicy(),
    DeadLetterQueueHasDepthAlarm(),
    EventTargetHasDeadLetterQueue(),
    LambdaAsyncPathHasFailureDestination(),
    PipeHasRoleFailurePathAndLogs(),
    StreamMappingBoundsFailures(),
]
