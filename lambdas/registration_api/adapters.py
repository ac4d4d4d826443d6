"""SNS adapter: publish an envelope with string message attributes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from switchyard.envelope import Envelope


class TopicPublisher:
    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic_arn = topic_arn

    def publish(self, event: Envelope, attributes: Mapping[str, str]) -> str:
        response = self._sns.publish(
            TopicArn=self._topic_arn,
            Message=event.to_json(),
            MessageAttributes={
                name: {"DataType": "String", "StringValue": value} for name, value in attributes.items()
            },
        )
        return str(response["MessageId"])
