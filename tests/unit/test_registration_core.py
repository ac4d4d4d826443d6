"""Registration domain logic, pure: validation, ids, the event, and what each consumer derives."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registration_analytics import core as analytics
from registration_api import core as api
from registration_mailing import core as mailing
from registration_onboarding import core as onboarding
from registration_sales_lead import core as sales_lead
from switchyard import envelope, events

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def published(plan: str = "pro", source: str = "web") -> envelope.Envelope:
    request = {"email": " Ada@Example.com ", "displayName": "Ada", "plan": plan, "source": source}
    return api.user_registered(api.validate(request), now=NOW)


def registered(plan: str = "pro", source: str = "web") -> events.Event[events.UserRegistered]:
    """What a consumer receives: the published envelope, parsed with its typed details."""
    return events.parse_as(events.UserRegistered, published(plan, source).to_json())


def test_a_valid_request_becomes_a_schema_valid_event_with_a_stable_user_id() -> None:
    event = published()
    assert event.event_type == "UserRegistered" and event.event_version == 1
    assert event.event_details["email"] == "ada@example.com"
    assert event.event_details["registeredAt"] == "2026-11-23T09:30:00.000Z"
    # the same person signing up twice is the same user, whatever the spelling of the address
    again = api.validate({"email": "ada@example.com", "displayName": "A", "plan": "free", "source": "ios"})
    assert event.event_details["userId"] == again.user_id
    assert envelope.parse(event.to_json()) == event
    assert api.message_attributes(event) == {"plan": "pro", "eventType": "UserRegistered"}


def test_every_problem_of_a_request_is_listed() -> None:
    with pytest.raises(api.InvalidRegistrationError) as caught:
        api.validate({"email": "nobody", "displayName": "", "plan": "gold", "source": "fax", "admin": True})
    assert caught.value.errors == [
        "unknown field 'admin'",
        "email must look like name@example.com",
        "displayName must be 1-100 characters",
        "plan must be one of free, pro, team",
        "source must be one of web, ios, android, partner",
    ]
    with pytest.raises(api.InvalidRegistrationError, match="JSON object"):
        api.validate(["not", "an", "object"])


def test_plan_defaults_to_free() -> None:
    assert api.validate({"email": "a@b.io", "displayName": "A", "source": "web"}).plan == "free"


def test_schema_refuses_what_the_validator_would_not_build() -> None:
    with pytest.raises(envelope.EventValidationError, match=r"UserRegistered\.v1 eventDetails invalid"):
        envelope.validate_details("UserRegistered", 1, {"userId": "usr-1", "plan": "pro"})
    with pytest.raises(envelope.UnknownEventVersionError, match="version 2 is not supported"):
        envelope.validate_details("UserRegistered", 2, {})


def test_analytics_counts_per_day_and_source_with_one_marker_per_user() -> None:
    sign_up = analytics.sign_up(registered(source="android").details)
    assert sign_up.day == "2026-11-23" and sign_up.source == "android"
    assert analytics.counter_key(sign_up) == ("DAY#2026-11-23", "SOURCE#android")
    assert analytics.marker_key(sign_up) == (f"USER#{sign_up.user_id}", "COUNTED")


def test_welcome_email_is_keyed_by_user() -> None:
    event = registered(plan="team")
    email = mailing.welcome_email(event)
    assert email.outbox_id == f"welcome#{event.details.user_id}"
    assert email.to == "ada@example.com" and "Team account" in email.body and email.event_id == event.event_id


def test_starter_workspace_follows_the_plan() -> None:
    workspace = onboarding.starter_workspace(registered(plan="free"))
    assert workspace.project_quota == 1 and workspace.name == "Ada's workspace"
    assert workspace.workspace_id == "ws-" + workspace.user_id.removeprefix("usr-")


def test_only_pro_sign_ups_are_leads() -> None:
    assert sales_lead.why_not_a_lead(registered(plan="pro").details) is None
    assert "not a sales lead" in str(sales_lead.why_not_a_lead(registered(plan="free").details))
    assert sales_lead.lead(registered()).email == "ada@example.com"


def test_the_applied_metric_is_exact_unless_an_invocation_timed_out_and_never_over() -> None:
    from emulation.traffic.registration import ConsumerResult

    def result(applied: float, timed_out: int) -> ConsumerResult:
        return ConsumerResult(200, 200, {"EventsApplied": applied}, 20, 3, 3, True, timed_out=timed_out)

    assert result(200, 0).applied_metric_ok and result(199, 1).applied_metric_ok
    assert not result(199, 0).applied_metric_ok  # a metric lost without a timeout: a bug
    assert not result(201, 1).applied_metric_ok  # counted twice: always a bug
