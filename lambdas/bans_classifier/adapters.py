"""The reports table (one item per author and distinct reporter) and the ban topic."""

from __future__ import annotations

from typing import Any

from switchyard import idempotency
from switchyard.envelope import Envelope


class Reports:
    def __init__(self, dynamodb_client: Any, table_name: str) -> None:
        self._dynamodb = dynamodb_client
        self._table = table_name

    def record(self, author_id: str, reporter_id: str, reported_at: float) -> idempotency.Outcome:
        """The reporter's first report of this author counts; later ones change nothing."""
        item = {
            "authorId": {"S": author_id},
            "reporterId": {"S": reporter_id},
            "reportedAt": {"N": str(int(reported_at))},
        }
        return idempotency.put_if_absent(self._dynamodb, self._table, item, "authorId")

    def reporters(self, author_id: str) -> tuple[int, float]:
        """How many distinct users reported the author, and when the latest of them did."""
        count, latest = 0, 0.0
        paginator = self._dynamodb.get_paginator("query")
        for page in paginator.paginate(
            TableName=self._table,
            KeyConditionExpression="authorId = :a",
            ExpressionAttributeValues={":a": {"S": author_id}},
            ProjectionExpression="reportedAt",
            ConsistentRead=True,
        ):
            for item in page["Items"]:
                count += 1
                latest = max(latest, float(item["reportedAt"]["N"]))
        return count, latest


class BanTopic:
    def __init__(self, sns_client: Any, topic_arn: str) -> None:
        self._sns = sns_client
        self._topic_arn = topic_arn

    def publish(self, event: Envelope) -> None:
        self._sns.publish(
            TopicArn=self._topic_arn,
            Message=event.to_json(),
            MessageAttributes={"eventType": {"DataType": "String", "StringValue": event.event_type}},
        )
