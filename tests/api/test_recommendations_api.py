"""GET /api/v1/recommendations, GET /api/v1/recommendations/<id>, POST …/<id>/response (docs/api.md#recommendations)."""

from datetime import timedelta

import pytest

from grants.cooperation import recommendations as ops
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.core.errors import today_local
from grants.extensions import db
from tests.cooperation.recommendation_world import build_world, sent
from tests.helpers import bearer


@pytest.fixture
def world():
    made = build_world()
    db.session.commit()
    return made


def ids(answer) -> set[int]:
    return {item["id"] for item in answer.get_json()["items"]}


def test_the_list_is_paged_and_each_item_has_its_status_overdue_and_addressee(client, api_token, world):
    late = sent(world, world.body_a, "Просрочено", publish=True)
    late.due_date = today_local() - timedelta(days=2)
    in_time = sent(world, world.body_b, "В срок", publish=True)
    db.session.commit()
    answer = client.get(f"/api/v1/recommendations?council={world.council.id}&per_page=100")
    assert answer.status_code == 200
    body = answer.get_json()
    assert {"items", "page", "pages", "total", "per_page"} <= set(body)
    items = {item["id"]: item for item in body["items"]}
    assert items[late.id]["overdue"] is True and items[in_time.id]["overdue"] is False
    assert items[late.id]["status"] == "sent"
    assert items[late.id]["addressee"] == {
        "id": world.body_a.id,
        "bin": world.body_a.bin,
        "name": world.body_a.name,
    }
    assert items[late.id]["council"]["id"] == world.council.id
    assert items[late.id]["due_date"] == late.due_date.isoformat()
    assert items[late.id]["response"] is None and items[late.id]["responded_at"] is None
    assert set(items[late.id]["source"]) == {"decision_id", "meeting_id", "evaluation_id", "activity_id"}
    assert ids(client.get(f"/api/v1/recommendations?addressee={world.body_b.bin}")) == {in_time.id}
    assert ids(client.get(f"/api/v1/recommendations?addressee={world.body_a.id}")) == {late.id}
    assert late.id in ids(client.get("/api/v1/recommendations?overdue=true&per_page=100"))
    assert in_time.id not in ids(client.get("/api/v1/recommendations?overdue=true&per_page=100"))
    assert client.get("/api/v1/recommendations?status=bogus").status_code == 422
    assert client.get("/api/v1/recommendations?addressee=abc").status_code == 422
    one = client.get(f"/api/v1/recommendations/{late.id}")
    assert one.status_code == 200 and one.get_json()["text"] == "Просрочено"


def test_visibility_of_unpublished_recommendations(client, api_token, world):
    mine = sent(world, world.body_a, "Органу А")
    theirs = sent(world, world.body_b, "Органу Б")
    public = sent(world, world.body_b, "Публично", publish=True)
    draft = ops.draft(world.council, world.body_a, "Черновик", None, world.secretary)
    db.session.commit()
    anonymous = ids(client.get("/api/v1/recommendations?per_page=100"))
    assert public.id in anonymous and not {mine.id, theirs.id, draft.id} & anonymous
    assert client.get(f"/api/v1/recommendations/{mine.id}").status_code == 404

    token = api_token(world.official_a.email)
    seen = ids(client.get("/api/v1/recommendations?per_page=100", headers=bearer(token)))
    assert mine.id in seen and public.id in seen
    assert theirs.id not in seen and draft.id not in seen
    assert client.get(f"/api/v1/recommendations/{theirs.id}", headers=bearer(token)).status_code == 404
    answer = client.post(
        f"/api/v1/recommendations/{theirs.id}/response", json={"text": "Чужой ответ"}, headers=bearer(token)
    )
    assert answer.status_code == 404
    answer = client.post(
        f"/api/v1/recommendations/{public.id}/response", json={"text": "Чужой ответ"}, headers=bearer(token)
    )
    assert answer.status_code == 403
    assert db.session.get(Recommendation, public.id).response is None

    secretary = api_token(world.secretary.email)
    seen = ids(client.get("/api/v1/recommendations?per_page=100", headers=bearer(secretary)))
    assert {mine.id, theirs.id, draft.id, public.id} <= seen


def test_the_addressee_answers_once(client, api_token, world):
    rec = sent(world, world.body_a, "Ответьте")
    draft = ops.draft(world.council, world.body_a, "Черновик", None, world.secretary)
    db.session.commit()
    token = api_token(world.official_a.email)
    url = f"/api/v1/recommendations/{rec.id}/response"
    assert client.post(url, json={"text": "  "}, headers=bearer(token)).status_code == 422
    assert client.post(url, json={"text": "x", "extra": 1}, headers=bearer(token)).status_code == 422
    answer = client.post(
        url, json={"text": "Приняты меры", "links": ["https://example.kz/otchet"]}, headers=bearer(token)
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["status"] == "answered" and body["response"] == "Приняты меры" and body["responded_at"]
    assert body["attachments"][0]["url"] == "https://example.kz/otchet"
    assert client.post(url, json={"text": "Ещё раз"}, headers=bearer(token)).status_code == 409
    assert db.session.get(Recommendation, rec.id).status == RecommendationStatus.answered
    # a draft is not the addressee's to see yet
    answer = client.post(
        f"/api/v1/recommendations/{draft.id}/response", json={"text": "x"}, headers=bearer(token)
    )
    assert answer.status_code == 404
    secretary = api_token(world.secretary.email)
    answer = client.post(
        f"/api/v1/recommendations/{draft.id}/response", json={"text": "x"}, headers=bearer(secretary)
    )
    assert answer.status_code == 403
    assert client.post(url, json={"text": "x"}).status_code == 401


def test_the_recommendations_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/recommendations" in spec["paths"]
    assert "post" in spec["paths"]["/api/v1/recommendations/{rec_id}/response"]
    schema = spec["components"]["schemas"]["Recommendation"]
    assert set(schema["properties"]["status"]["enum"]) == {s.value for s in RecommendationStatus}
    assert "overdue" in schema["properties"]
