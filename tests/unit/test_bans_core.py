"""The account-banning rules, pure: classification, bans that only extend, reactivation, reads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bans_accounts import core as accounts
from bans_admin import core as admin
from bans_classifier import core as classifier
from bans_reactivation import core as reactivation
from switchyard.events import PostReported

AUTHOR, REPORTER = "usr-" + "a" * 32, "usr-" + "b" * 32
T0 = 1_800_000_000
DAY = 86_400


def report(text: str = "nice post", reporter: str = REPORTER, report_id: str = "rpt-" + "1" * 32) -> PostReported:
    return PostReported(report_id, "post-1", AUTHOR, reporter, text)


class TestClassification:
    def test_a_blocklisted_word_bans_for_its_duration_the_longest_if_several(self) -> None:
        ban = classifier.by_blocklist(report("SPAM and a Threat!"), datetime.fromtimestamp(T0, UTC))
        assert ban is not None and ban.account_id == AUTHOR and ban.duration_seconds == 14 * DAY
        assert "threat" in ban.reason and ban.occurred_at.timestamp() == T0

    def test_words_are_matched_whole(self) -> None:
        assert classifier.by_blocklist(report("spammer scampi"), datetime.fromtimestamp(T0, UTC)) is None

    def test_below_the_threshold_of_distinct_reporters_nothing_happens(self) -> None:
        assert classifier.by_threshold(report(), classifier.REPORT_THRESHOLD - 1, T0) is None
        ban = classifier.by_threshold(report(), classifier.REPORT_THRESHOLD, T0 + 5)
        assert ban is not None and ban.duration_seconds == classifier.THRESHOLD_BAN_SECONDS
        assert ban.occurred_at.timestamp() == T0 + 5  # from the latest of the counted reports

    def test_a_self_report_never_counts(self) -> None:
        assert classifier.is_self_report(report(reporter=AUTHOR))

    def test_the_ban_event_id_is_the_reports(self) -> None:
        assert classifier.ban_event_id("rpt-1") == classifier.ban_event_id("rpt-1") != classifier.ban_event_id("rpt-2")


class TestBans:
    active = accounts.Account("active")

    def test_a_first_ban_deactivates_until_occurred_plus_duration(self) -> None:
        assert accounts.decide(self.active, None, T0, DAY, now=T0 + 10) == accounts.Banned(T0 + DAY, 1, extended=False)

    def test_a_re_ban_extends(self) -> None:
        banned = accounts.Account("deactivated", 1)
        current = accounts.CurrentBan(T0 + DAY, 1)
        assert accounts.decide(banned, current, T0 + 3600, DAY, now=T0 + 3600) == accounts.Banned(
            T0 + 3600 + DAY, 2, extended=True
        )

    def test_a_re_ban_never_shortens_and_a_redelivery_changes_nothing(self) -> None:
        banned = accounts.Account("deactivated", 1)
        current = accounts.CurrentBan(T0 + 14 * DAY, 1)
        shorter = accounts.decide(banned, current, T0 + 3600, DAY, now=T0 + 3600)
        same = accounts.decide(banned, current, T0, 14 * DAY, now=T0 + 60)
        assert isinstance(shorter, accounts.Ignored) and shorter.metric == "BansNotExtended"
        assert isinstance(same, accounts.Ignored) and same.metric == "BansNotExtended"

    def test_a_past_due_item_is_not_a_ban_so_a_new_ban_starts_afresh(self) -> None:
        banned = accounts.Account("deactivated", 3)
        past_due = accounts.CurrentBan(T0, 3)  # TTL has not deleted it yet
        assert accounts.decide(banned, past_due, T0 + 100, DAY, now=T0 + 100) == accounts.Banned(
            T0 + 100 + DAY, 4, extended=False
        )

    @pytest.mark.parametrize(
        ("account", "occurred", "now"),
        [
            (accounts.Account("active"), T0, T0 + DAY),  # over when it arrived: a late redelivery
            (accounts.Account("active", 2, lifted_at=T0 + 10), T0, T0 + 20),  # issued before the lift
        ],
    )
    def test_a_ban_that_is_over_or_was_lifted_is_ignored(
        self, account: accounts.Account, occurred: int, now: int
    ) -> None:
        decision = accounts.decide(account, None, occurred, DAY, now=now)
        assert isinstance(decision, accounts.Ignored) and decision.metric == "BansIgnored"

    def test_reads_treat_a_past_due_item_as_not_banned(self) -> None:
        assert accounts.is_banned(accounts.CurrentBan(T0 + 1, 1), T0)
        assert not accounts.is_banned(accounts.CurrentBan(T0, 1), T0)
        assert not admin.is_banned(admin.Ban(T0, 1, "x"), T0 + 1)
        assert admin.status(AUTHOR, admin.Ban(T0, 1, "x"), T0 + 1) == {"accountId": AUTHOR, "banned": False}


class TestReactivation:
    expired = reactivation.Expired(AUTHOR, 2, T0, ttl_delete=True)

    @pytest.mark.parametrize(
        ("name", "identity", "expected"),
        [
            ("REMOVE", {"type": "Service", "principalId": "dynamodb.amazonaws.com"}, True),
            ("REMOVE", None, False),  # a user's delete (an admin's lift)
            ("REMOVE", {"type": "Service", "principalId": "lambda.amazonaws.com"}, False),
            ("REMOVE", {"type": "User", "principalId": "dynamodb.amazonaws.com"}, False),
            ("MODIFY", {"type": "Service", "principalId": "dynamodb.amazonaws.com"}, False),
        ],
    )
    def test_only_the_ttl_service_s_remove_counts(self, name: str, identity: object, expected: bool) -> None:
        assert reactivation.is_ttl_delete(name, identity) is expected

    def test_reactivates_the_ban_version_that_expired(self) -> None:
        assert reactivation.decide(self.expired, False, reactivation.AccountState("deactivated", 2)) == (
            reactivation.Reactivate(2)
        )

    def test_not_when_banned_again_or_already_moved_on(self) -> None:
        still = reactivation.decide(self.expired, True, reactivation.AccountState("deactivated", 3))
        lifted = reactivation.decide(self.expired, False, reactivation.AccountState("active", 2))
        newer = reactivation.decide(self.expired, False, reactivation.AccountState("deactivated", 3))
        assert isinstance(still, reactivation.Skip) and still.metric == "StillBanned"
        assert all(isinstance(d, reactivation.Skip) and d.metric == "DuplicatesIgnored" for d in (lifted, newer))


class TestAdminRequests:
    @pytest.mark.parametrize(
        "event", [None, [], {"action": "delete", "accountId": AUTHOR}, {"action": "lift", "accountId": "usr-1"}]
    )
    def test_bad_requests_are_refused(self, event: object) -> None:
        with pytest.raises(admin.BadRequest):
            admin.parse_request(event)

    def test_a_good_request_parses(self) -> None:
        assert admin.parse_request({"action": "lift", "accountId": AUTHOR}) == admin.Request("lift", AUTHOR)
