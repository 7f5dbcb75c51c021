"""CSRF is skipped only for requests a valid bearer token authenticates; GET /lang never writes the profile."""

import re

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.extensions import db


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def login_with_csrf(client, email):
    """Log in through the form with its CSRF token, as a browser does."""
    page = client.get("/login")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert token, "the login form carries a CSRF token"
    response = client.post(
        "/login", data={"email": email, "password": "demo-pass-2026", "csrf_token": token.group(1)}
    )
    assert response.status_code == 302
    return client


def test_an_invalid_bearer_token_does_not_skip_csrf(client, csrf_on, api_token):
    login_with_csrf(client, "member1@example.kz")
    for header in ("Bearer made-up", "Bearer " + "x" * 43):
        response = client.delete("/api/v1/auth/token", headers={"Authorization": header})
        assert response.status_code == 400, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == "bad_request" and set(error) == {"code", "message", "fields"}
    # Without any bearer header the session caller needs the token too.
    assert client.delete("/api/v1/auth/token").status_code == 400
    # A valid token is a real credential: exempt, and the write happens.
    token = api_token("member1")
    assert (
        client.delete("/api/v1/auth/token", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    )


def test_a_revoked_token_does_not_skip_csrf(client, csrf_on, api_token):
    token = api_token("chair")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 400


def test_a_bearer_header_is_authenticated_by_the_token_alone(client):
    """An invalid token next to a valid session cookie is an anonymous request, not the cookie's user."""
    client.post("/login", data={"email": "member1@example.kz", "password": "demo-pass-2026"})
    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer made-up"})
    assert response.status_code == 401


def profile_language(email: str) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(User.language).where(User.email == email))


def test_get_lang_changes_the_session_only(login_as):
    client = login_as("member1")
    before = profile_language("member1@example.kz")
    assert before != "kk"
    response = client.get("/lang/kk", query_string={"next": "/lots/"})
    assert response.status_code == 302
    assert '<html lang="kk"' in client.get("/lots/").get_data(as_text=True), "the session follows"
    assert profile_language("member1@example.kz") == before, "the profile does not"


def test_post_lang_from_the_account_page_changes_the_profile(login_as):
    client = login_as("member1")
    page = client.get("/account?lang=en").get_data(as_text=True)
    assert 'action="/lang/kk?next=/account"' in page.replace("%2F", "/")
    response = client.post("/lang/kk", query_string={"next": "/account"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert profile_language("member1@example.kz") == "kk"


def test_post_lang_needs_a_csrf_token(login_as, app, monkeypatch):
    client = login_as("member1")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = profile_language("member1@example.kz")
    assert client.post("/lang/kk").status_code == 400
    assert profile_language("member1@example.kz") == before
