"""The JSON API: tokens, the lot registry, lot and project details, errors and CSRF for session callers."""

import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from flask import session
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from grants.accounts.models import ApiToken, User
from grants.accounts.throttle import login_throttle
from grants.core.db import as_utc
from grants.lots.models import Lot, LotIndicator, LotNeed, Sphere
from grants.organisations.models import Organisation
from grants.projects.models import Indicator, Project
from grants.regions.models import Region
from tests.conftest import DEMO_PASSWORD

ASTANA = "710000000"
MONEY = re.compile(r"^\d+\.\d{2}$")


@pytest.fixture(autouse=True)
def fresh_throttle():
    login_throttle.clear()
    yield
    login_throttle.clear()


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def all_items(client, query: str) -> list[dict]:
    """Every item of a lot listing, following the pages."""
    items, page = [], 1
    while True:
        body = client.get(f"/api/v1/lots?{query}&per_page=100&page={page}").get_json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


# --- tokens -----------------------------------------------------------------------------------


def test_token_is_issued_and_stored_only_as_hash(client, db):
    before = datetime.now(UTC)
    response = client.post(
        "/api/v1/auth/token", json={"email": "Chair@Example.kz ", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    token, expires = body["token"], datetime.fromisoformat(body["expires_at"])
    assert len(token) >= 32
    assert expires.tzinfo is not None
    assert (
        before + timedelta(hours=1)
        < expires
        <= datetime.now(UTC) + client.application.config["API_TOKEN_TTL"]
    )
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == ApiToken.hash(token)))
    assert row is not None and row.user.email == "chair@example.kz"
    assert db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token)) is None
    assert as_utc(row.expires_at) == expires


def test_wrong_password_and_unknown_email_get_the_same_401(client):
    wrong = client.post("/api/v1/auth/token", json={"email": "chair@example.kz", "password": "nope"})
    unknown = client.post("/api/v1/auth/token", json={"email": "nobody@example.kz", "password": "nope"})
    assert assert_error(wrong, 401) == assert_error(unknown, 401)
    assert "token" not in wrong.get_json()


def test_inactive_user_gets_no_token(client, db):
    user = db.session.scalar(select(User).where(User.email == "member4@example.kz"))
    user.active = False
    db.session.commit()
    response = client.post("/api/v1/auth/token", json={"email": user.email, "password": DEMO_PASSWORD})
    assert_error(response, 401)


@pytest.mark.parametrize(
    ("kwargs", "bad_fields"),
    [
        ({"json": {}}, {"email", "password"}),
        ({"json": {"email": "chair@example.kz"}}, {"password"}),
        ({"json": {"email": "  ", "password": DEMO_PASSWORD}}, {"email"}),
        ({"json": {"email": 5, "password": ["x"]}}, {"email", "password"}),
        ({"json": {"email": "a\u0000@example.kz", "password": "x"}}, {"email"}),
        # A lone surrogate as a JSON client escapes it (the app's own encoder writes UTF-8 and cannot).
        (
            {
                "data": '{"email": "chair@example.kz", "password": "\\ud800"}',
                "content_type": "application/json",
            },
            {"password"},
        ),
        ({"json": {"email": "chair@example.kz", "password": "x" * 5000}}, {"password"}),
        ({"json": ["chair@example.kz", DEMO_PASSWORD]}, {"body"}),
        ({"data": "email=chair@example.kz&password=x"}, {"body"}),
        ({"data": "{not json", "content_type": "application/json"}, {"body"}),
    ],
)
def test_token_request_validation(client, kwargs, bad_fields):
    response = client.post("/api/v1/auth/token", **kwargs)
    error = assert_error(response, 422, "validation_error")
    assert set(error["fields"]) == bad_fields


def test_repeated_failures_are_throttled(client):
    """Failures are counted per address (docs/security.md; the cross-worker case is in tests/security)."""
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    wrong = {"email": "chair@example.kz", "password": "guess"}
    for _ in range(10):
        assert client.post("/api/v1/auth/token", json=wrong, environ_base=attacker).status_code == 401
    # Blocked now, even with the right password and another spelling of the email, and for other accounts.
    right = {"email": "CHAIR@example.kz", "password": DEMO_PASSWORD}
    blocked = client.post("/api/v1/auth/token", json=right, environ_base=attacker)
    assert_error(blocked, 429, "too_many_requests")
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    other = {"email": "member1@example.kz", "password": DEMO_PASSWORD}
    assert client.post("/api/v1/auth/token", json=other, environ_base=attacker).status_code == 429
    # The real user, from another address, is not locked out by the attacker's failures.
    assert (
        client.post(
            "/api/v1/auth/token", json=right, environ_base={"REMOTE_ADDR": "198.51.100.4"}
        ).status_code
        == 200
    )


def test_a_success_does_not_reset_the_failure_count(client):
    """Else an attacker holding an account of their own could launder their address's failures."""
    wrong = {"email": "ngo@example.kz", "password": "guess"}
    for _ in range(9):
        client.post("/api/v1/auth/token", json=wrong)
    assert (
        client.post(
            "/api/v1/auth/token", json={"email": "ngo@example.kz", "password": DEMO_PASSWORD}
        ).status_code
        == 200
    )
    assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    assert_error(client.post("/api/v1/auth/token", json=wrong), 429)


def test_bearer_token_authenticates(client, api_token, db):
    token = api_token("chair")
    response = client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    body = response.get_json()
    user = db.session.scalar(select(User).where(User.email == "chair@example.kz"))
    assert body["email"] == "chair@example.kz"
    assert body["id"] == user.id
    assert body["roles"] == sorted(r.value for r in user.roles) and "chair" in body["roles"]


def test_me_for_session_caller(login_as):
    client = login_as("ministry")
    body = client.get("/api/v1/me").get_json()
    assert body["email"] == "ministry@example.kz"
    assert "ministry" in body["roles"]


def test_expired_garbage_and_missing_tokens_are_anonymous(client, db):
    user = db.session.scalar(select(User).where(User.email == "admin@example.kz"))
    db.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=ApiToken.hash("expired-secret"),
            expires_at=datetime.now(UTC) - timedelta(minutes=1),
        )
    )
    db.session.commit()
    for headers in (bearer("expired-secret"), bearer("garbage"), {"Authorization": "Bearer "}, {}):
        assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorized")
    # An anonymous caller still reads public data.
    assert client.get("/api/v1/lots?per_page=1", headers=bearer("garbage")).status_code == 200


def test_revoked_token_stops_working(client, api_token):
    token = api_token("member1")
    other = api_token("member1")
    assert client.delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204
    assert_error(client.get("/api/v1/me", headers=bearer(token)), 401)
    assert client.get("/api/v1/me", headers=bearer(other)).status_code == 200
    assert_error(client.delete("/api/v1/auth/token"), 401)


def test_session_writes_need_a_csrf_token(app, login_as, api_token):
    token = api_token("admin")
    member_token = api_token("member2")
    client = login_as("member2")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert_error(client.delete("/api/v1/auth/token"), 400, "bad_request")
        assert_error(client.delete("/api/v1/auth/token", headers={"X-CSRFToken": "forged"}), 400)
        with app.test_request_context():
            signed = generate_csrf()
            raw = session["csrf_token"]
        with client.session_transaction() as sess:
            sess["csrf_token"] = raw
        anonymous = app.test_client()
        assert (
            anonymous.get("/api/v1/me", headers=bearer(member_token)).status_code == 200
        )  # nothing revoked yet
        assert client.delete("/api/v1/auth/token", headers={"X-CSRFToken": signed}).status_code == 204
        assert_error(anonymous.get("/api/v1/me", headers=bearer(member_token)), 401)
        # Bearer callers and the token endpoint itself need no CSRF token.
        assert app.test_client().delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204
        assert_error(app.test_client().get("/api/v1/me", headers=bearer(token)), 401)
        response = app.test_client().post(
            "/api/v1/auth/token", json={"email": "member3@example.kz", "password": DEMO_PASSWORD}
        )
        assert response.status_code == 200
        # Reads never need one.
        assert client.get("/api/v1/me").status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# --- the lot registry -------------------------------------------------------------------------


def astana_year(db) -> int:
    year = db.session.scalar(
        select(Lot.year)
        .join(Region, Lot.region_id == Region.id)
        .where(Region.kato == ASTANA)
        .group_by(Lot.year)
        .order_by(func.count().desc(), Lot.year.desc())
        .limit(1)
    )
    assert year is not None, "the demo data has no lots in Astana"
    return year


def test_filter_by_region_and_year(client, db):
    year = astana_year(db)
    expected = db.session.scalars(
        select(Lot).join(Region, Lot.region_id == Region.id).where(Region.kato == ASTANA, Lot.year == year)
    ).all()
    per_page = 3 if len(expected) > 3 else 2
    response = client.get(f"/api/v1/lots?region={ASTANA}&year={year}&per_page={per_page}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == len(expected)
    assert body["pages"] == math.ceil(len(expected) / per_page)
    assert body["page"] == 1 and body["per_page"] == per_page
    assert len(body["items"]) == min(per_page, len(expected))

    items = all_items(client, f"region={ASTANA}&year={year}")
    assert sorted(i["id"] for i in items) == sorted(lot.id for lot in expected)
    budgets = {lot.id: lot.budget for lot in expected}
    for item in items:
        assert item["region"]["kato"] == ASTANA and item["year"] == year
        assert MONEY.match(item["budget"]), item["budget"]
        assert Decimal(item["budget"]) == budgets[item["id"]]
        assert item["currency"] == "KZT"
        assert "₸" in item["budget_formatted"]
        assert item["url"] == f"/api/v1/lots/{item['id']}"
        assert item["html_url"] == f"/lots/{item['id']}"


def test_pages_differ_and_past_the_end_is_empty(client, db):
    total = db.session.scalar(select(func.count()).select_from(Lot))
    assert total > 10
    first = client.get("/api/v1/lots?per_page=5").get_json()
    second = client.get("/api/v1/lots?per_page=5&page=2").get_json()
    assert first["total"] == second["total"] == total
    assert first["pages"] == math.ceil(total / 5)
    assert len(first["items"]) == len(second["items"]) == 5
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    default = client.get("/api/v1/lots").get_json()
    assert default["per_page"] == 20 and len(default["items"]) == min(20, total)
    beyond = client.get(f"/api/v1/lots?per_page=5&page={first['pages'] + 1}").get_json()
    assert beyond["items"] == [] and beyond["total"] == total
    huge = client.get("/api/v1/lots?page=999999999")
    assert huge.status_code == 200 and huge.get_json()["items"] == []


def test_filter_by_administrator(client, db):
    admin_id, count = db.session.execute(
        select(Lot.administrator_id, func.count())
        .group_by(Lot.administrator_id)
        .order_by(func.count().desc())
    ).first()
    bin_ = db.session.get(Organisation, admin_id).bin
    items = all_items(client, f"administrator={bin_}")
    assert len(items) == count
    assert {i["administrator"]["bin"] for i in items} == {bin_}
    body = client.get("/api/v1/lots?administrator=000000000000").get_json()
    assert body["total"] == 0 and body["pages"] == 0 and body["items"] == []


def test_filter_by_sphere_and_status(client, db):
    sphere_id, count = db.session.execute(
        select(Lot.sphere_id, func.count())
        .where(Lot.sphere_id.is_not(None))
        .group_by(Lot.sphere_id)
        .order_by(func.count().desc())
    ).first()
    code = db.session.get(Sphere, sphere_id).code
    items = all_items(client, f"sphere={code}")
    assert len(items) == count
    assert {i["sphere"]["code"] for i in items} == {code}

    status, count = db.session.execute(
        select(Lot.status, func.count()).group_by(Lot.status).order_by(func.count().desc())
    ).first()
    body = client.get(f"/api/v1/lots?status={status.value}&per_page=100").get_json()
    assert body["total"] == count
    assert {i["status"] for i in body["items"]} == {status.value}


def test_search_in_russian_is_case_insensitive(client, db):
    lots = db.session.scalars(select(Lot)).all()
    words = [w for lot in lots for w in re.findall(r"[А-Яа-яЁё]{6,}", lot.title_ru)]
    assert words, "the demo lots have no Russian titles"
    word = max(set(words), key=words.count)  # a word in several titles
    needle = word.upper()
    assert needle != word

    def matches(lot):
        texts = (lot.title_ru, lot.title_kk, lot.title_en, lot.number, lot.goal_ru)
        return any(word.lower() in (t or "").lower() for t in texts)

    expected = sorted(lot.id for lot in lots if matches(lot))
    items = all_items(client, f"q={needle}")
    assert sorted(i["id"] for i in items) == expected
    assert client.get(f"/api/v1/lots?q={needle}").get_json()["total"] == len(expected)
    assert client.get("/api/v1/lots?q=нетакогословаzzz").get_json()["total"] == 0


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("year=abc&region=71&per_page=1000", {"year", "region", "per_page"}),
        ("administrator=12345&status=lost", {"administrator", "status"}),
        ("page=0&per_page=0", {"page", "per_page"}),
        ("page=-1&year=20255", {"page", "year"}),
        ("page=1.5&sphere=" + "x" * 50, {"page", "sphere"}),
        ("region=71000000a&per_page=abc", {"region", "per_page"}),
        ("q=" + "я" * 201, {"q"}),
        ("q=a%00b", {"q"}),
        ("page=99999999999999999999999", {"page"}),
    ],
)
def test_invalid_filters_are_named(client, query, bad):
    error = assert_error(client.get(f"/api/v1/lots?{query}"), 422, "validation_error")
    assert set(error["fields"]) == bad
    assert all(isinstance(message, str) and message for message in error["fields"].values())


def test_empty_filters_are_ignored(client, db):
    total = db.session.scalar(select(func.count()).select_from(Lot))
    body = client.get(
        "/api/v1/lots?year=&region=&administrator=&sphere=&status=&q=+&page=&per_page="
    ).get_json()
    assert body["total"] == total


# --- details and errors -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/lots/999999999",
        "/api/v1/projects/999999999",
        "/api/v1/lots/99999999999999999999",
        "/api/v1/projects/0",
        "/api/v1/lots/abc",
        "/api/v1/nothing-here",
    ],
)
def test_unknown_paths_and_ids_are_json_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_wrong_method_is_json_405(client):
    assert_error(client.put("/api/v1/lots", json={}), 405, "method_not_allowed")
    assert_error(client.get("/api/v1/auth/token"), 405, "method_not_allowed")


def test_lot_detail(client, db):
    lot = db.session.scalar(
        select(Lot)
        .where(Lot.id.in_(select(LotIndicator.lot_id)), Lot.id.in_(select(LotNeed.lot_id)))
        .order_by(Lot.id)
        .limit(1)
    )
    assert lot is not None, "the demo data has no lot with both indicators and linked needs"
    body = client.get(f"/api/v1/lots/{lot.id}?lang=ru").get_json()
    assert body["id"] == lot.id and body["number"] == lot.number
    assert body["title"] == lot.title_ru
    assert body["administrator"] == {"bin": lot.administrator.bin, "name": lot.administrator.name_ru}
    assert body["goal_ru"] == lot.goal_ru and body["goal"] == (lot.goal_ru or lot.goal_kk)
    assert body["beneficiaries"] == lot.beneficiaries
    assert [(i["name"], i["unit"]) for i in body["indicators"]] == [
        (ind.name_ru, ind.unit.value) for ind in lot.indicators
    ]
    assert [Decimal(i["target"]) if i["target"] else None for i in body["indicators"]] == [
        ind.target for ind in lot.indicators
    ]
    assert sorted(n["id"] for n in body["public_needs"]) == sorted(link.need_id for link in lot.need_links)
    assert all(n["title"] for n in body["public_needs"])
    assert sorted(p["id"] for p in body["projects"]) == sorted(p.id for p in lot.projects)
    for item in body["projects"]:
        assert MONEY.match(item["amount"]) and item["url"] == f"/api/v1/projects/{item['id']}"
        assert re.fullmatch(r"\d{12}", item["ngo"]["bin"])


def test_project_detail(client, db):
    project = db.session.scalar(
        select(Project).where(
            Project.id.in_(select(Indicator.project_id).where(Indicator.actual.is_not(None)))
        )
    )
    assert project is not None, "the demo data has no project with reported indicators"
    body = client.get(f"/api/v1/projects/{project.id}?lang=ru").get_json()
    assert body["contract_number"] == project.contract_number
    assert body["contract_date"] == project.contract_date.isoformat()
    assert Decimal(body["amount"]) == project.amount and MONEY.match(body["amount"])
    assert body["status"] == project.status.value
    assert body["lot"]["id"] == project.lot_id and body["lot"]["year"] == project.lot.year
    assert body["ngo"]["bin"] == project.ngo.bin
    assert len(body["indicators"]) == len(project.indicators)
    for data, ind in zip(body["indicators"], project.indicators, strict=True):
        assert Decimal(data["target"]) == ind.target
        if ind.actual is None:
            assert data["actual"] is None and data["achievement_percent"] is None
        else:
            assert Decimal(data["actual"]) == ind.actual
            assert Decimal(data["achievement_percent"]) == ind.achievement


def test_kazakh_titles(client, db):
    lot = db.session.scalar(
        select(Lot).where(Lot.title_kk.is_not(None), Lot.title_kk != Lot.title_ru).limit(1)
    )
    assert lot is not None, "the demo data has no Kazakh lot titles"
    body = client.get(f"/api/v1/lots/{lot.id}?lang=kk").get_json()
    assert body["title"] == body["title_kk"] == lot.title_kk
    assert body["region"]["name"] == lot.region.name_kk
    listed = client.get("/api/v1/lots?per_page=10", headers={"Accept-Language": "kk"}).get_json()["items"]
    assert all(item["title"] == (item["title_kk"] or item["title_ru"]) for item in listed)
    russian = client.get(f"/api/v1/lots/{lot.id}?lang=ru").get_json()
    assert russian["title"] == lot.title_ru != body["title"]
