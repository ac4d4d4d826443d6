"""The classification rules, pure (no boto3, no Powertools).

A report is valid, and asks for the post's author to be banned, when:

- the post contains a blocklisted word: banned for that word's duration (the longest, if several);
- otherwise, once at least REPORT_THRESHOLD distinct users have reported the author (each user
  counts once, a self-report never): banned for THRESHOLD_BAN_SECONDS from the latest of those
  reports. Every further distinct reporter asks again (a re-ban, which extends the ban).

Anything else is dismissed. The ban event's id is derived from the report's id, so a redelivered
report asks for the same ban, which the account-management consumer applies once.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from switchyard.events import PostReported

DAY = 86_400
BLOCKLIST: dict[str, int] = {"spam": 1 * DAY, "scam": 3 * DAY, "threat": 14 * DAY}
REPORT_THRESHOLD = 3
THRESHOLD_BAN_SECONDS = 2 * DAY
EVENT_SOURCE = "switchyard-bans"
_NAMESPACE = uuid.UUID("8f4b6f2e-8f43-4c55-9d0e-7a0b1f6f1b16")
_WORD = re.compile(r"[a-z]+")


@dataclass(frozen=True, slots=True)
class Ban:
    account_id: str
    reason: str
    duration_seconds: int
    event_id: str
    occurred_at: datetime


def blocklisted_words(text: str) -> list[str]:
    return sorted({w for w in _WORD.findall(text.lower()) if w in BLOCKLIST})


def is_self_report(report: PostReported) -> bool:
    return report.reporter_id == report.author_id


def ban_event_id(report_id: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, report_id))


def by_blocklist(report: PostReported, reported_at: datetime) -> Ban | None:
    words = blocklisted_words(report.post_text)
    if not words:
        return None
    word = max(words, key=lambda w: (BLOCKLIST[w], w))
    return Ban(
        report.author_id,
        f"post {report.post_id}: blocklisted word {word!r}",
        BLOCKLIST[word],
        ban_event_id(report.report_id),
        reported_at,
    )


def by_threshold(report: PostReported, distinct_reporters: int, latest_report_at: float) -> Ban | None:
    if distinct_reporters < REPORT_THRESHOLD:
        return None
    return Ban(
        report.author_id,
        f"reported by {distinct_reporters} distinct users",
        THRESHOLD_BAN_SECONDS,
        ban_event_id(report.report_id),
        datetime.fromtimestamp(latest_report_at, UTC),
    )


def epoch(occurred_at: str) -> float:
    """An envelope's occurredAt (ISO 8601, Z) as epoch seconds."""
    return datetime.fromisoformat(occurred_at.replace("Z", "+00:00")).timestamp()
