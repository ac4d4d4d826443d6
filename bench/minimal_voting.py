"""The baseline for the cold-start bench: the voting consumer's AWS calls with nothing but boto3.

No Powertools, no shared layer, no tracing: a parked record costs one SQS SendMessage, the poll
one DynamoDB GetItem, the batch's votes one TransactWriteItems, exactly as the real handler
makes them (bench/cold_start.py checks that both make the same calls). What the real handler
costs above this is what its libraries cost a user at cold start.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3

_clients: dict[str, Any] = {}


def _client(name: str) -> Any:
    if name not in _clients:
        _clients[name] = boto3.client(name)  # type: ignore[call-overload]
    return _clients[name]


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    dynamodb, sqs = _client("dynamodb"), _client("sqs")
    votes, polls = [], {}
    for record in event["Records"]:
        attributes = {k: v.get("stringValue", "") for k, v in record.get("messageAttributes", {}).items()}
        try:
            body = json.loads(record["body"])
            vote = (attributes["pollId"], body["userId"], body["choice"], body["submittedAt"])
        except (ValueError, KeyError, TypeError):
            sqs.send_message(
                QueueUrl=os.environ["DEAD_LETTER_QUEUE_URL"],
                MessageBody=record["body"] or "<empty>",
                MessageAttributes={"failureReason": {"DataType": "String", "StringValue": "malformed"}},
            )
            continue
        if vote[0] not in polls:
            key = {"pollId": {"S": vote[0]}}
            polls[vote[0]] = dynamodb.get_item(TableName=os.environ["POLLS_TABLE_NAME"], Key=key).get("Item")
        votes.append((vote, attributes))
    items: list[dict[str, Any]] = []
    tallies: dict[tuple[str, str], int] = {}
    for (poll_id, user_id, choice, submitted_at), attributes in votes:
        item = {
            "pollId": {"S": poll_id},
            "userId": {"S": user_id},
            "choice": {"S": choice},
            "submittedAt": {"S": submitted_at},
            "requestId": {"S": attributes["requestId"]},
        }
        put = {"TableName": os.environ["VOTES_TABLE_NAME"], "Item": item}
        items.append({"Put": {**put, "ConditionExpression": "attribute_not_exists(userId)"}})
        tallies[(poll_id, choice)] = tallies.get((poll_id, choice), 0) + 1
    for (poll_id, choice), delta in sorted(tallies.items()):
        update = {
            "TableName": os.environ["TALLIES_TABLE_NAME"],
            "Key": {"pollId": {"S": poll_id}, "choice": {"S": choice}},
            "UpdateExpression": "ADD votes :delta",
            "ExpressionAttributeValues": {":delta": {"N": str(delta)}},
        }
        items.append({"Update": update})
    if items:
        dynamodb.transact_write_items(TransactItems=items)
    return {"batchItemFailures": []}
