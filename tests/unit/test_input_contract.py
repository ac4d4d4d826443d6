"""The contract for bad input (lambdas/shared/README.md), as properties over generated input.

1. The envelope: whatever the body, `parse` returns an envelope or raises EventValidationError;
   what it returns can be written anywhere (encodes as UTF-8); and the producer (`new_event`)
   refuses exactly what a consumer would refuse. Bodies are generated from every schema in
   `schemas/` and then broken in every way a JSON value can be: any field replaced by any JSON
   value (lone surrogates, huge integers, 1.0 and true for integers, deep nesting), raw text
   that no decoder accepts, fields dropped or added.
2. Every consumer in lambdas/: every record is applied or parked with a reason, never retried
   for what it holds; what it admits, its effect can write (every string encodable).
3. `registration_api`: any proxy request is answered 201 or 400 (405 for another method), with a
   bounded body, and what it publishes every consumer accepts.
"""

from __future__ import annotations

import importlib
import json
import string
from collections.abc import Callable, Iterator
from contextlib import redirect_stdout
from dataclasses import asdict, is_dataclass
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulation.harness.lambda_runtime import FakeLambdaContext, LogSink
from switchyard import envelope

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    # the fixtures hold stubs whose state each example reads relative to its own start
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
REGION = "eu-west-1"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:123456789012:swy-test-contract"
CONTEXT = FakeLambdaContext("swy-test", f"arn:aws:lambda:{REGION}:123456789012:function:swy-test", 256)
EVENT_SCHEMAS = sorted(p.stem for p in envelope.SCHEMA_DIR.glob("*.v*.json"))

# --- generators --------------------------------------------------------------------------------
surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
hostile_text = st.text(alphabet=st.one_of(st.characters(), surrogates), max_size=40)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1.0, 2.0, True, False, 0, -1, 10**30]),
    hostile_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(hostile_text, inner, max_size=4)),
    max_leaves=12,
)
# Raw JSON text that a value cannot express: nesting past any recursion limit, integers longer
# than Python converts, constants that are not JSON, broken syntax.
raw_fragments = st.one_of(
    st.integers(1, 5_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 5_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(4_000, 6_000).map(lambda n: "9" * n),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1.0", "true", "1e0", '"\\ud800"', '"\\udfff x"', "{", "]"]),
)


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid instances of the subset of JSON Schema our schemas use."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        if not properties:
            return st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=5), json_scalars, max_size=3)
        required = set(schema.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v) for k, v in properties.items() if k in required},
            optional={k: from_schema(v) for k, v in properties.items() if k not in required},
        )
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "string":
        low, high = schema.get("minLength", 0), schema.get("maxLength", 64)
        if "pattern" in schema:
            text = st.from_regex(schema["pattern"], fullmatch=True)
        else:
            text = st.text(alphabet=st.characters(), min_size=low, max_size=min(high, low + 40))
        return text.filter(lambda t: low <= len(t) <= high)
    raise AssertionError(f"schema construct not covered by this generator: {schema}")


def schema(name: str) -> dict[str, Any]:
    return json.loads((envelope.SCHEMA_DIR / f"{name}.json").read_text())


# Built once: a strategy is validated when first drawn from, which costs more than drawing.
ENVELOPE_FIELDS = from_schema(schema("envelope"))
DETAILS = {name: from_schema(schema(name)) for name in EVENT_SCHEMAS}


def base_event(name: str, data: Any) -> dict[str, Any]:
    """A valid event of schema `name`; `data` draws (st.data() or a composite's draw)."""
    event_type, version = name.rsplit(".v", 1)
    return data.draw(ENVELOPE_FIELDS) | {
        "eventType": event_type,
        "eventVersion": int(version),
        "eventDetails": data.draw(DETAILS[name]),
    }


@st.composite
def valid_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    return base_event(draw(st.sampled_from(EVENT_SCHEMAS)), type("Draw", (), {"draw": staticmethod(draw)}))


ACTIONS = st.sampled_from(["replace", "drop", "add"])


@st.composite
def broken(draw: st.DrawFn, value: dict[str, Any]) -> dict[str, Any]:
    """`value` with one field, at the top or in eventDetails, replaced, dropped or added."""
    target = value if draw(st.booleans()) or not isinstance(value.get("eventDetails"), dict) else value["eventDetails"]
    keys = sorted(target)
    action = draw(ACTIONS)
    if action == "add" or not keys:
        target[draw(hostile_text)] = draw(json_values)
        return value
    key = keys[draw(st.integers(0, len(keys) - 1))]
    if action == "drop":
        del target[key]
    else:
        target[key] = draw(json_values)
    return value


VALID = valid_envelopes()
BODY_KINDS = st.sampled_from(["valid", "broken", "raw", "text"])
RAW_FIELDS = st.sampled_from(["eventVersion", "eventDetails", "eventId"])
SHORT_TEXT = st.text(max_size=60)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    """SQS bodies: valid envelopes, broken ones, and raw text spliced into valid ones."""
    value = draw(VALID)
    kind = draw(BODY_KINDS)
    if kind == "valid":
        return json.dumps(value)
    if kind == "broken":
        return json.dumps(draw(broken(value)))
    if kind == "text":
        return draw(SHORT_TEXT)
    # a raw fragment as the value of one field (eventVersion, or inside eventDetails)
    marker = "__RAW__"
    field = draw(RAW_FIELDS)
    value[field] = marker if field != "eventDetails" else {"note": marker}
    return json.dumps(value).replace(json.dumps(marker), draw(raw_fragments))


def writable(value: Any) -> None:
    """What botocore would have to send: every string encodable as UTF-8."""
    json.dumps(value, ensure_ascii=False, default=lambda o: asdict(o) if is_dataclass(o) else str(o)).encode()


# --- 1. the envelope ------------------------------------------------------------------------------
@SETTINGS
@given(bodies())
def test_parse_returns_an_envelope_or_a_reason_and_nothing_else(body: str) -> None:
    try:
        event = envelope.parse(body)
    except envelope.EventValidationError as error:
        assert 0 < len(error.reason) <= 240
        error.reason.encode("utf-8")
        return
    event.to_json().encode("utf-8")
    writable(event.to_dict())
    assert envelope.parse(event.to_json()) == event


# Every field of the envelope and of every schema's details, with values of the wrong kind first:
# what equals a valid value in Python without being one (1.0 and true for 1), then anything.
CONFUSIONS = st.sampled_from([1.0, True, "1", None, [], {}, False, 0, -1, 2**64, "\ud800", "é\udfff"])
FIELD_PATHS = [("envelope", key) for key in schema("envelope")["properties"]] + [
    (name, key) for name in EVENT_SCHEMAS for key in schema(name)["properties"]
]


@pytest.mark.parametrize(("where", "key"), FIELD_PATHS, ids=[f"{w}.{k}" for w, k in FIELD_PATHS])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), value=st.one_of(CONFUSIONS, CONFUSIONS, json_values))
def test_any_field_holding_any_value_is_parsed_or_refused_with_a_reason(
    where: str, key: str, data: st.DataObject, value: Any
) -> None:
    name = where if where != "envelope" else data.draw(st.sampled_from(EVENT_SCHEMAS))
    event = base_event(name, data)
    (event if where == "envelope" else event["eventDetails"])[key] = value
    try:
        parsed = envelope.parse(json.dumps(event))
    except envelope.EventValidationError:
        return
    writable(parsed.to_dict())
    assert envelope.parse(parsed.to_json()) == parsed


@SETTINGS
@given(st.one_of(valid_envelopes(), valid_envelopes().flatmap(broken)))
def test_the_producer_refuses_exactly_what_a_consumer_refuses(value: dict[str, Any]) -> None:
    try:
        envelope.parse(json.dumps(value))
        consumer_accepts = True
    except envelope.EventValidationError:
        consumer_accepts = False
    try:
        produced = envelope.new_event(
            value["eventSource"],
            value["eventType"],
            value["eventDetails"],
            version=value["eventVersion"],
            event_id=value["eventId"],
        )
        producer_accepts = True
    except (envelope.EventValidationError, KeyError, TypeError, ValueError, AttributeError):
        producer_accepts = False  # KeyError & co: what the caller passed is not even an envelope
    if producer_accepts:
        assert envelope.parse(produced.to_json()) == produced  # every consumer takes what is produced
    if consumer_accepts:
        assert producer_accepts, "a producer must be able to emit whatever a consumer accepts"


# --- 2. every consumer ----------------------------------------------------------------------------
class Parked:
    def __init__(self) -> None:
        self.reasons: list[str] = []

    def park(self, body: str, reason: str, *, source_message_id: str, source_arn: str) -> None:
        assert reason and len(reason) <= 1024
        (body + reason + source_message_id + source_arn).encode("utf-8")  # SQS must be able to carry it
        self.reasons.append(reason)


class Polls:
    def get(self, poll_id: str) -> Any:
        from voting import core

        return core.Poll(poll_id, frozenset({"red", "blue"}), closes_at_ms=2**62) if poll_id == "p1" else None


def vote_bodies() -> st.SearchStrategy[str]:
    from voting import core

    vote = from_schema(json.loads(core.SCHEMA_FILE.read_text()))
    return st.one_of(
        vote.map(json.dumps),
        vote.map(lambda v: v | {"choice": "red"}).map(json.dumps),
        vote.flatmap(lambda v: st.tuples(st.just(v), st.sampled_from(sorted(v)), json_values)).map(
            lambda t: json.dumps(t[0] | {t[1]: t[2]})
        ),
        st.tuples(vote, raw_fragments).map(lambda t: json.dumps(t[0] | {"choice": "__R__"}).replace('"__R__"', t[1])),
        st.text(max_size=40),
    )


def sqs_record(body: str, attributes: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "messageId": "msg-0",
        "receiptHandle": "rh-0",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1795000000000"},
        "messageAttributes": {
            name: {"stringValue": value, "dataType": "String"} for name, value in (attributes or {}).items()
        },
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE_ARN,
        "awsRegion": REGION,
    }


# (handler module, what its effect derives from an admitted item: the values it would write)
def _registration(core_function: str) -> Callable[[ModuleType, Any], Any]:
    def derive(module: ModuleType, event: Any) -> Any:
        core = importlib.import_module(module.__name__.replace(".handler", ".core"))
        if core_function == "sign_up":
            return core.sign_up(event.details)
        return getattr(core, core_function)(event)

    return derive


CONSUMERS: dict[str, Callable[[ModuleType, Any], Any]] = {
    "audit": lambda module, entry: entry,
    "voting": lambda module, vote: vote,
    "registration_analytics": _registration("sign_up"),
    "registration_mailing": _registration("welcome_email"),
    "registration_onboarding": _registration("starter_workspace"),
    "registration_sales_lead": _registration("lead"),
    "ledger_processor": lambda module, submitted: module.core.ledger_entry(submitted.event),
    "ledger_consumer": lambda module, event: event.details,
}
VOTE_ATTRIBUTES = {"pollId": "p1", "requestId": "req-1", "receivedAtEpochMs": "1795000000000"}


@pytest.fixture
def consumers(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, tuple[Any, Parked]]]:
    loaded = {}
    for name in CONSUMERS:
        module = importlib.import_module(f"{name}.handler")
        parked = Parked()
        monkeypatch.setattr(module.consumer, "_dead_letters", lambda parked=parked: parked)
        if name == "voting":
            monkeypatch.setattr(module, "dependencies", lambda: type("Deps", (), {"polls": Polls()})())
            monkeypatch.setenv("VOTER_IDENTITY", "body")  # the bodies below name the voter
            module.voter_identity.cache_clear()
        if name == "ledger_processor":
            monkeypatch.setenv("GROUP_KEY_JSON_FIELD", "eventDetails.orderId")
            module.group_key.cache_clear()
        loaded[name] = (module, parked)
    yield loaded


@SETTINGS
@given(st.one_of(bodies(), vote_bodies()))
def test_every_consumer_applies_or_parks_and_never_retries_for_what_a_record_holds(
    consumers: dict[str, tuple[Any, Parked]], body: str
) -> None:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

    for name, derive in CONSUMERS.items():
        module, parked = consumers[name]
        before = len(parked.reasons)
        record = SQSRecord(sqs_record(body, VOTE_ATTRIBUTES if name == "voting" else None))
        with redirect_stdout(LogSink()):
            item = module.consumer.admit(record)  # raises only for transient errors: there are none here
        if item is None:
            # parked with a reason, or (voting) refused with a reason and counted
            assert len(parked.reasons) == before + 1 or name == "voting", name
        else:
            assert len(parked.reasons) == before, name
            writable(derive(module, item))


# --- 3. registration_api ----------------------------------------------------------------------------
class Topic:
    def __init__(self) -> None:
        self.published: list[str] = []

    def publish(self, event: envelope.Envelope, attributes: dict[str, str]) -> str:
        message = event.to_json()
        message.encode("utf-8")  # SNS sends UTF-8
        self.published.append(message)
        return f"m-{len(self.published)}"


@pytest.fixture
def registration_api(aws_credentials: None, monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, Topic]:
    module = importlib.import_module("registration_api.handler")
    topic = Topic()
    monkeypatch.setattr(module, "publisher", lambda: topic)
    return module, topic


emails = st.one_of(
    st.emails().map(str),
    st.tuples(hostile_text, hostile_text).map(lambda t: f"{t[0]}@{t[1]}.io"),
    st.sampled_from(["İ" * 200 + "@example.com", " A@B.IO ", "a@b.c\n", "\ud800@example.com"]),
    json_values,
)
requests = st.one_of(
    st.fixed_dictionaries(
        {"email": emails, "displayName": st.one_of(hostile_text, json_values)},
        optional={
            "plan": st.sampled_from(["free", "pro", "team", "gold"]) | json_values,
            "source": st.sampled_from(["web", "ios", "android", "partner"]) | json_values,
            **{f"extra{i}": json_values for i in range(8)},
        },
    ),
    st.dictionaries(st.text(max_size=3000), json_values, max_size=8),
    json_values,
)


@st.composite
def proxy_events(draw: st.DrawFn) -> Any:
    request = draw(requests)
    body = json.dumps(request) if draw(st.booleans()) else draw(raw_fragments | st.text(max_size=50))
    method = draw(st.sampled_from(["POST", "POST", "GET", "post"]))
    if draw(st.booleans()):  # REST API, payload format 1.0
        event: Any = {"httpMethod": method, "path": "/registrations", "body": body, "isBase64Encoded": False}
    else:  # HTTP API, payload format 2.0
        event = {"version": "2.0", "requestContext": {"http": {"method": method}}, "body": body}
    if draw(st.integers(0, 9)) == 0:  # not a proxy event at all
        event = draw(requests)
    return event


@SETTINGS
@given(proxy_events())
def test_registration_api_answers_every_request_with_201_or_a_bounded_400(
    registration_api: tuple[ModuleType, Topic], event: Any
) -> None:
    module, topic = registration_api
    from switchyard import events

    before = len(topic.published)
    with redirect_stdout(LogSink()):
        answer = module.lambda_handler(event, CONTEXT)
    assert answer["statusCode"] in (201, 400, 405), answer
    assert answer["headers"]["Content-Type"] == "application/json"
    body = json.loads(answer["body"])
    if answer["statusCode"] == 201:
        (message,) = topic.published[before:]
        # what the producer published, every consumer accepts
        assert events.parse_as(events.UserRegistered, message).event_id == body["eventId"]
    else:
        assert topic.published[before:] == []
        assert 1 <= len(body["errors"]) <= 10  # at most 5 unknown fields named, "and N more", 4 field errors
        assert len(answer["body"]) <= 1500, "error answers are bounded, whatever the input's size"
