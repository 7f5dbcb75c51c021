"""Each 500 of issue 9 that bad input caused, now a 4xx in the error shape (docs/input-validation.md).

The concurrent ones (first saves of a scorecard, confirms of one import, "database is locked") are
tested with real concurrent requests in tests/concurrency and tests/imports/test_confirm_race.py.
"""

import io
import json
import re

import pytest

from grants.core.validation import MAX_JSON_DEPTH, bounded_int, json_depth
from tests.api.evaluation_fixtures import build_campaign
from tests.helpers import login
from tests.monitoring import make_campaign, own_group

HUGE = "99999999999999999999"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]


def lot_links(response) -> list[str]:
    return re.findall(r'href="/lots/([0-9]+)"', response.get_data(as_text=True))


def test_lots_page_with_a_year_no_column_holds(client):
    """The registry page ignores filter values it cannot use (tests/test_pages.py: odd arguments answer
    200); the API names them (next test)."""
    for year in (HUGE, "-" + HUGE, "2147483648"):
        response = client.get("/lots/", query_string={"year": year})
        assert response.status_code == 200
        assert lot_links(response) == lot_links(client.get("/lots/"))


def test_api_lots_with_a_year_no_column_holds(client):
    error = error_of(client.get(f"/api/v1/lots?year={HUGE}&page={HUGE}"), 422)
    assert set(error["fields"]) == {"year", "page"}


def test_token_request_nested_200000_deep(client):
    body = b"[" * 200_000 + b"]" * 200_000
    error = error_of(client.post("/api/v1/auth/token", data=body, content_type="application/json"), 422)
    assert error["code"] == "validation_error" and "body" in error["fields"]
    deep_object = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
    error_of(client.post("/api/v1/auth/token", data=deep_object, content_type="application/json"), 422)
    # as deep as any real body is fine
    fine = json.dumps({"email": "x@example.kz", "password": [[[["x"]]]]})
    assert client.post("/api/v1/auth/token", data=fine, content_type="application/json").status_code == 422


@pytest.mark.parametrize("page", ["²", "١٢", HUGE])
def test_page_numbers_python_reads_as_digits(client, page):
    assert client.get("/lots/", query_string={"page": page}).status_code in (200, 404)
    assert client.get("/needs/", query_string={"page": page}).status_code in (200, 404)


def test_json_body_larger_than_the_limit(client):
    body = json.dumps({"email": "x@example.kz", "password": "x" * (2 * 1024 * 1024)})
    error_of(client.post("/api/v1/auth/token", data=body, content_type="application/json"), 413)


@pytest.fixture
def evaluation(db):
    return build_campaign().project


def test_scorecard_with_a_lone_surrogate_as_criterion_key(client, evaluation, api_token):
    headers = {"Authorization": f"Bearer {api_token('member1')}"}
    url = f"/api/v1/evaluations/{evaluation.id}/scorecard"
    for document in (
        '{"conflict_of_interest": false, "scores": {"\\ud800": {"score": 3}}}',
        '{"conflict_of_interest": false, "scores": {"relevance": {"score": 3, "comment": "\\udfff"}}}',
        '{"conflict_of_interest": false, "scores": {"relevance": {"score": 3, "comment": "a\\u0007b"}}}',
        '{"conflict_of_interest": false, "scores": {"relevance": {"score": 1e400}}}',
        '{"conflict_of_interest": false, "scores": {"relevance": {"score": NaN}}}',
        '{"conflict_of_interest": false, "scores": {"relevance": {"score": 99999999999999999999}}}',
    ):
        response = client.put(url, data=document, content_type="application/json", headers=headers)
        error = error_of(response, 422)
        assert error["fields"] and all(name.startswith("scores") for name in error["fields"]), error
    # the field is named by its path
    document = '{"scores": {"relevance": {"score": 3, "comment": "\\ud800"}}}'
    response = client.put(url + "?lang=en", data=document, content_type="application/json", headers=headers)
    assert error_of(response, 422)["fields"] == {
        "scores.relevance.comment": "Contains characters that are not allowed."
    }


def test_an_assignment_file_with_a_year_no_column_holds(client):
    campaign = make_campaign()
    login(client, "ministry@example.kz")
    content = f"kind;group;contract_number;lot_number;year\nlot;{own_group().id};;L-1;{HUGE}\n".encode()
    response = client.post(
        f"/imports/campaigns/{campaign.id}/assignments",
        data={"assign-file": (io.BytesIO(content), "assignments.csv")},
        content_type="multipart/form-data",
        query_string={"lang": "en"},
    )
    assert response.status_code == 422
    assert "<tr><td>2</td><td>year</td><td>Enter the year as four digits" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["a\x01b", "\x1b[31m", "x\x7f", "\u0085"])
def test_control_characters_in_query_and_form(client, value):
    assert client.get("/lots/", query_string={"q": value}).status_code == 400
    assert client.post("/login", data={"email": value, "password": "x"}).status_code == 400
    error = error_of(client.get("/api/v1/lots", query_string={"q": value}), 422)
    assert set(error["fields"]) == {"q"}
    # tab, newline and carriage return are ordinary text
    assert client.get("/lots/", query_string={"q": "a\tb\r\nc"}).status_code == 200


def test_bounded_int_and_json_depth():
    assert bounded_int("2147483647") == 2**31 - 1
    for bad in (HUGE, "2147483648", "-2147483649", "1e3", "", "٣", "0x10"):
        with pytest.raises(ValueError):
            bounded_int(bad)
    assert json_depth(b'{"a": "[[[[[[", "b": [[1], {"c": []}]}') == 4
    assert json_depth(b'"\\"[[[["') == 0
    assert json_depth(b"[" * 10_000, stop=MAX_JSON_DEPTH) == MAX_JSON_DEPTH + 1
