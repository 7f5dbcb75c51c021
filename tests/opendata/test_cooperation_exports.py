"""Open data of the joint work of councils: the activities of published plans and the published recommendations
with their responses, as CSV (both dialects), XLSX and JSON, and exactly those rows (public data only)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from grants.opendata.cooperation import ACTIVITY_COLUMNS, RECOMMENDATION_COLUMNS
from tests.api.test_cooperation_api import NEXT, OVERDUE_SINCE, YEAR, build_world
from tests.api.test_openapi import conforms
from tests.helpers import assert_error, bearer

BOM = b"\xef\xbb\xbf"
PUBLIC_ACTIVITIES = ("joint", "group", "monitoring", "information", "expert")
ACTIVITY_KEYS = [c.key for c in ACTIVITY_COLUMNS]
RECOMMENDATION_KEYS = [c.key for c in RECOMMENDATION_COLUMNS]


@pytest.fixture
def world(db):
    return build_world()


def csv_records(response, keys, delimiter=",") -> list[dict]:
    """The CSV's rows keyed by the columns' machine names (the header is checked against the columns)."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.data.startswith(BOM)
    text = response.data.decode("utf-8")[1:]
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    assert len(header) == len(keys)
    return [dict(zip(keys, row, strict=True)) for row in rows]


def xlsx_records(response, keys) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(header) == len(keys)
    return [dict(zip(keys, row, strict=True)) for row in rows]


def json_records(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert body["total"] == len(body["items"])
    return body["items"]


# --- activities -------------------------------------------------------------------------------------


def test_activities_csv_holds_exactly_the_activities_of_published_plans(client, world):
    expected = [world.acts[name].id for name in PUBLIC_ACTIVITIES]
    rows = csv_records(client.get(f"/api/v1/export/activities.csv?year={YEAR}&lang=en"), ACTIVITY_KEYS)
    assert [int(r["id"]) for r in rows] == expected
    joint = rows[0]
    assert joint["plan_id"] == str(world.plan.id) and joint["plan_year"] == str(YEAR)
    assert (joint["title_ru"], joint["title_kk"], joint["title_en"]) == (
        "Joint hearing (ru)",
        "Joint hearing (kk)",
        "Joint hearing (en)",
    )
    assert (joint["format"], joint["format_title"]) == (
        "joint_meeting",
        "Joint meeting with the hearing of a report",
    )
    assert (joint["status"], joint["start_date"], joint["quarter"]) == ("planned", f"{YEAR}-02-10", "1")
    assert joint["council_ids"] == f"{world.a.id}; {world.b.id}"
    assert joint["councils"] == "Совет А (тест); Совет Б (тест)"
    assert joint["topic_ids"] == str(world.need.id) and joint["spheres"] == world.sphere.code
    assert rows[2]["status_reason"] == "Waiting for the campaign"
    assert rows[4]["start_date"] == rows[4]["quarter"] == ""
    # without filters: every published plan, never the draft
    everything = [
        int(r["id"]) for r in csv_records(client.get("/api/v1/export/activities.csv"), ACTIVITY_KEYS)
    ]
    assert set(expected) | {world.acts["later"].id} <= set(everything)
    assert world.acts["draft"].id not in everything


def test_a_signed_in_member_downloads_the_same_public_rows(client, world, api_token):
    member = bearer(api_token("member1"))
    response = client.get(f"/api/v1/export/activities.json?year={YEAR}", headers=member)
    assert [r["id"] for r in json_records(response)] == [world.acts[name].id for name in PUBLIC_ACTIVITIES]


def test_activity_export_filters(client, world):
    def listed(query):
        return [r["id"] for r in json_records(client.get(f"/api/v1/export/activities.json?{query}"))]

    acts = world.acts
    assert listed(f"year={YEAR}&council={world.a.id}") == [
        acts[n].id for n in ("joint", "group", "information")
    ]
    assert listed(f"year={YEAR}&format=monitoring") == [acts["monitoring"].id]
    assert listed(f"year={YEAR}&status=cancelled") == [acts["expert"].id]
    assert listed(f"topic={world.need.id}") == [acts["joint"].id]
    assert listed(f"year={NEXT}&council={world.b.id}") == [acts["later"].id]
    error = assert_error(client.get("/api/v1/export/activities.csv?year=x&format=y&council=0&dialect=z"), 422)
    assert set(error["fields"]) == {"year", "format", "council", "dialect"}


def test_activities_csv_in_the_excel_dialect_and_as_xlsx_and_json_hold_the_same_rows(client, world):
    query = f"year={YEAR}&council={world.a.id}&lang=en"
    standard = csv_records(client.get(f"/api/v1/export/activities.csv?{query}"), ACTIVITY_KEYS)
    excel = csv_records(
        client.get(f"/api/v1/export/activities.csv?{query}&dialect=excel-ru"), ACTIVITY_KEYS, delimiter=";"
    )
    assert excel == standard
    book = xlsx_records(client.get(f"/export/activities.xlsx?{query}"), ACTIVITY_KEYS)
    records = json_records(client.get(f"/api/v1/export/activities.json?{query}"))
    assert [r["id"] for r in book] == [r["id"] for r in records] == [int(r["id"]) for r in standard]
    assert book[0]["start_date"].date().isoformat() == records[0]["start_date"] == f"{YEAR}-02-10"
    assert book[0]["title_kk"] == records[0]["title_kk"] == "Joint hearing (kk)"
    assert records[0]["quarter"] == 1 and records[0]["campaign_id"] is None


def test_a_hostile_activity_title_is_not_a_formula(client, db, world):
    world.acts["group"].title_ru = '=HYPERLINK("http://x")'
    db.session.flush()
    rows = csv_records(client.get(f"/api/v1/export/activities.csv?year={YEAR}"), ACTIVITY_KEYS)
    assert rows[1]["title_ru"] == '\'=HYPERLINK("http://x")'
    book = xlsx_records(client.get(f"/export/activities.xlsx?year={YEAR}"), ACTIVITY_KEYS)
    assert book[1]["title_ru"] == '\'=HYPERLINK("http://x")'


# --- recommendations --------------------------------------------------------------------------------


def test_recommendations_exports_hold_exactly_the_published_ones_with_responses(client, world):
    recs = world.recs
    expected = {recs["published"].id, recs["answered"].id}
    rows = csv_records(
        client.get(f"/api/v1/export/recommendations.csv?year={YEAR}&lang=en"), RECOMMENDATION_KEYS
    )
    assert {int(r["id"]) for r in rows} == expected and len(rows) == 2
    by_id = {int(r["id"]): r for r in rows}
    answered = by_id[recs["answered"].id]
    assert (answered["status"], answered["status_title"]) == ("implemented", "Implemented")
    assert answered["response"] == "Done: =SUM(A1)"  # not neutralised: it does not start with a trigger
    assert (answered["responded_on"], answered["assessment"]) == (f"{YEAR}-04-20", "Implemented in full")
    assert answered["topic_ids"] == str(world.need.id) and answered["overdue"] == "false"
    assert answered["council_id"] == str(world.b.id) and answered["addressee_bin"] == world.addressee.bin
    published = by_id[recs["published"].id]
    assert (published["status"], published["overdue"], published["response"]) == ("sent", "true", "")
    assert published["meeting_id"] == str(world.m1.id) and published["due_date"] == OVERDUE_SINCE.isoformat()

    records = json_records(client.get(f"/api/v1/export/recommendations.json?year={YEAR}"))
    assert {r["id"] for r in records} == expected
    assert {r["id"]: r["overdue"] for r in records} == {
        recs["published"].id: True,
        recs["answered"].id: False,
    }
    book = xlsx_records(client.get(f"/export/recommendations.xlsx?year={YEAR}"), RECOMMENDATION_KEYS)
    assert {r["id"] for r in book} == expected
    assert {r["id"]: r["overdue"] for r in book}[recs["published"].id] is True

    everything = {r["id"] for r in json_records(client.get("/api/v1/export/recommendations.json"))}
    assert expected <= everything and not {recs["draft"].id, recs["unpublished"].id} & everything


def test_recommendation_export_filters(client, world):
    def listed(query):
        return [r["id"] for r in json_records(client.get(f"/api/v1/export/recommendations.json?{query}"))]

    recs = world.recs
    assert listed(f"council={world.a.id}") == [recs["published"].id]
    assert listed(f"council={world.b.id}") == [recs["answered"].id]
    assert listed(f"year={YEAR}&status=implemented") == [recs["answered"].id]
    assert listed(f"topic={world.need.id}") == [recs["answered"].id]
    assert recs["published"].id in listed(f"addressee={world.addressee.bin}&year={YEAR}")
    assert listed(f"year={YEAR + 10}") == []
    excel = csv_records(
        client.get(f"/api/v1/export/recommendations.csv?council={world.a.id}&dialect=excel-ru"),
        RECOMMENDATION_KEYS,
        delimiter=";",
    )
    assert [int(r["id"]) for r in excel] == [recs["published"].id]
    error = assert_error(client.get("/api/v1/export/recommendations.json?status=draft&addressee=12"), 422)
    assert set(error["fields"]) == {"status", "addressee"}


def test_the_exports_are_documented_and_the_json_matches_its_schema(client, world):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/export/activities.csv",
        "/api/v1/export/activities.json",
        "/export/activities.xlsx",
        "/api/v1/export/recommendations.csv",
        "/api/v1/export/recommendations.json",
        "/export/recommendations.xlsx",
    ):
        assert "get" in document["paths"][path], path
    activities = client.get(f"/api/v1/export/activities.json?year={YEAR}").get_json()
    recommendations = client.get(f"/api/v1/export/recommendations.json?year={YEAR}").get_json()
    assert conforms(document, "ActivityExport", activities) == []
    assert conforms(document, "RecommendationExport", recommendations) == []
    assert conforms(document, "RecommendationExport", {"total": 1, "items": [{"id": "x"}]})
