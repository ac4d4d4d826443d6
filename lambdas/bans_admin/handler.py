"""Admin API (invoked synchronously): {"action": "status" | "lift", "accountId": "usr-..."}.

status answers {"banned": false} for an item that is past due but not deleted yet. lift deletes
the ban item and reactivates the account in one transaction; lifting an unbanned account answers
{"lifted": false}. A bad request answers {"error": ...} (nothing echoed back).
"""

from __future__ import annotations

from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from bans_admin import core
from bans_admin.adapters import Bans
from switchyard import clock, runtime
from switchyard.observability import logger, tracer


@runtime.lazy
def bans() -> Bans:
    return Bans(boto3.client("dynamodb"), runtime.env("ACCOUNTS_TABLE_NAME"), runtime.env("BANNED_ACCOUNTS_TABLE_NAME"))


class LostRace(RuntimeError):
    """The ban changed twice while it was being lifted."""


def lift(account_id: str) -> dict[str, Any]:
    for _ in range(3):  # a ban extended between read and delete: read again
        ban = bans().get(account_id)
        if ban is None:
            return {"accountId": account_id, "lifted": False}
        if bans().lift(account_id, ban, clock.now()):
            logger.info("ban lifted", extra={"accountId": account_id, "banVersion": ban.ban_version})
            return {"accountId": account_id, "lifted": True, "banVersion": ban.ban_version}
    raise LostRace(f"the ban of {account_id} kept changing while it was lifted")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        request = core.parse_request(event)
    except core.BadRequest as error:
        return {"error": str(error)}
    if request.action == "lift":
        return lift(request.account_id)
    return core.status(request.account_id, bans().get(request.account_id), clock.now())
