"""The harness's API Gateway template variables behave as API Gateway documents them."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from emulation.harness import vtl

# The queue-load-leveling module's default template for a route with one path parameter
# (the e2e test renders the template read back from the emulator instead).
SEND_TEMPLATE = (
    "Action=SendMessage"
    "&MessageBody=$util.urlEncode($input.body)"
    "&MessageAttribute.1.Name=requestId&MessageAttribute.1.Value.DataType=String"
    "&MessageAttribute.1.Value.StringValue=$util.urlEncode($context.requestId)"
    "&MessageAttribute.2.Name=receivedAtEpochMs&MessageAttribute.2.Value.DataType=Number"
    "&MessageAttribute.2.Value.StringValue=$context.requestTimeEpoch"
    "&MessageAttribute.3.Name=pollId&MessageAttribute.3.Value.DataType=String"
    "&MessageAttribute.3.Value.StringValue=$util.urlEncode($input.params().path.get('pollId'))"
)


def ctx(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "request_id": "c0ffee00-0000-4000-8000-000000000001",
        "request_time_ms": 1795428000123,
        "http_method": "POST",
        "resource_path": "/polls/{pollId}/votes",
        "stage": "v1",
        "account_id": "111111111111",
        "api_id": "abc123",
    }
    values.update(overrides)
    return vtl.context(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("a b", "a+b"),
        ("a+b&c=d", "a%2Bb%26c%3Dd"),
        ("~*._-", "%7E*._-"),  # java.net.URLEncoder keeps *, encodes ~
        ("é", "%C3%A9"),
        ('{"a":1}', "%7B%22a%22%3A1%7D"),
    ],
)
def test_url_encode_matches_java_urlencoder(raw: str, encoded: str) -> None:
    assert vtl.url_encode(raw) == encoded
    assert vtl.url_decode(encoded) == raw


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("it's", "it\\'s"),
        ('say "hi"', 'say \\"hi\\"'),
        ("a/b\\c", "a\\/b\\\\c"),
        ("line\nnext\ttab\r", "line\\nnext\\ttab\\r"),
        ("\x01", "\\u0001"),
        ("é", "\\u00E9"),
        ("€", "\\u20AC"),
        ("😀", "\\uD83D\\uDE00"),  # UTF-16 units, as Java strings hold them
    ],
)
def test_escape_javascript_matches_commons_lang(raw: str, escaped: str) -> None:
    assert vtl.escape_javascript(raw) == escaped


def test_input_json_body_and_path() -> None:
    request = vtl.Request(body='{"a": {"b": [1, "two"]}, "s": "x"}')
    out = vtl.render(
        "$input.json('$')|$input.json('$.a.b')|$input.json('$.s')|$input.path('$.a.b[1]')|$input.json('$.missing')",
        request,
        ctx(),
    )
    assert out == '{"a":{"b":[1,"two"]},"s":"x"}|[1,"two"]|"x"|two|null'
    assert vtl.render("$input.body", request, ctx()) == request.body


def test_input_params() -> None:
    request = vtl.Request(path={"pollId": "p1"}, querystring={"q": "2"}, header={"X-Trace": "t"})
    template = "$input.params('pollId') $input.params('q') $input.params('X-Trace') $input.params().path.get('pollId')"
    assert vtl.render(template, request, ctx()) == "p1 2 t p1"
    assert vtl.render("[$input.params('nope')]", request, ctx()) == "[]"


def test_context_variables() -> None:
    out = vtl.render(
        "$context.requestId $context.requestTimeEpoch $context.requestTime $context.stage", vtl.Request(), ctx()
    )
    assert out == "c0ffee00-0000-4000-8000-000000000001 1795428000123 23/Nov/2026:10:00:00 +0000 v1"


def test_send_template_round_trips_any_body_through_form_encoding() -> None:
    # GIVEN a body with every character that matters in a form: & = + % space quote unicode
    body = json.dumps({"userId": "u&1=2+3", "choice": '50% "yes" ✓', "submittedAt": "2026-11-23T10:00:00Z"})
    request = vtl.Request(body=body, path={"pollId": "poll/1 ü"})
    # WHEN the template renders SendMessage parameters
    params = parse_qsl(vtl.render(SEND_TEMPLATE, request, ctx()), keep_blank_values=True, strict_parsing=True)
    form = dict(params)
    # THEN SQS receives the body unchanged, with the request id, receive time and poll id
    assert form["Action"] == "SendMessage"
    assert form["MessageBody"] == body
    assert form["MessageAttribute.1.Value.StringValue"] == "c0ffee00-0000-4000-8000-000000000001"
    assert form["MessageAttribute.2.Value.StringValue"] == "1795428000123"
    assert (form["MessageAttribute.3.Name"], form["MessageAttribute.3.Value.StringValue"]) == ("pollId", "poll/1 ü")


def test_response_template_iterates_a_dynamodb_answer() -> None:
    template = (
        "#set($items = $input.path('$.Items'))\n"
        '{"pollId":"$util.escapeJavaScript($input.params().path.get(\'pollId\'))","tallies":{'
        '#foreach($item in $items)"$util.escapeJavaScript($item.choice.S)":$item.votes.N'
        "#if($foreach.hasNext),#end#end}}"
    )
    answer = json.dumps(
        {"Items": [{"choice": {"S": "red"}, "votes": {"N": "3"}}, {"choice": {"S": "blue"}, "votes": {"N": "0"}}]}
    )
    out = vtl.render(template, vtl.Request(path={"pollId": "p1"}), ctx(), payload=answer)
    assert json.loads(out) == {"pollId": "p1", "tallies": {"red": 3, "blue": 0}}
    empty = vtl.render(template, vtl.Request(path={"pollId": "p1"}), ctx(), payload='{"Items": []}')
    assert json.loads(empty) == {"pollId": "p1", "tallies": {}}


def test_unsupported_jsonpath_is_an_error_not_a_guess() -> None:
    with pytest.raises(vtl.TemplateError):
        vtl.render("$input.json('$..deep')", vtl.Request(body="{}"), ctx())
