"""Logout and password changes end every session: old session cookies, remember cookies and API tokens."""

import pytest
from sqlalchemy import select

from grants.accounts.models import ApiToken
from tests.helpers import DEMO_PASSWORD, user

PROTECTED = "/account"  # any page for logged-in users
NEW_PASSWORD = "a-new-password-2027"


def signed_in(app, email: str, password: str = DEMO_PASSWORD, remember: bool = False):
    client = app.test_client()
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, f"login of {email} failed"
    return client


def cookie(client, name: str) -> str:
    found = client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def client_with(app, **cookies):
    """A fresh browser holding only these captured cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def token_for(app, email: str, password: str = DEMO_PASSWORD) -> str:
    response = app.test_client().post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["token"]


def assert_logged_in(client):
    assert client.get(PROTECTED).status_code == 200


def assert_sent_to_login(client):
    response = client.get(PROTECTED)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.get("/api/v1/me").status_code == 401


def assert_token_dead(app, token: str):
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def assert_token_alive(app, token: str):
    assert (
        app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )


@pytest.fixture
def captured(app):
    """member1 signed in twice (plain and remembered) plus an API token; the cookies as an attacker copies them."""
    plain = signed_in(app, "member1@example.kz")
    remembered = signed_in(app, "member1@example.kz", remember=True)
    stolen = {
        "session": cookie(plain, "session"),
        "remember": cookie(remembered, "remember_token"),
        "token": token_for(app, "member1@example.kz"),
    }
    # Control: before anything happens, each captured credential opens the account on its own.
    assert_logged_in(client_with(app, session=stolen["session"]))
    assert_logged_in(client_with(app, remember_token=stolen["remember"]))
    assert_token_alive(app, stolen["token"])
    return plain, stolen


def assert_all_dead(app, stolen):
    assert_sent_to_login(client_with(app, session=stolen["session"]))
    assert_sent_to_login(client_with(app, remember_token=stolen["remember"]))
    assert_sent_to_login(client_with(app, session=stolen["session"], remember_token=stolen["remember"]))
    assert_token_dead(app, stolen["token"])


def test_logout_ends_every_session_remember_cookie_and_token(app, captured):
    browser, stolen = captured
    assert browser.post("/logout").status_code == 302
    assert_all_dead(app, stolen)
    assert_sent_to_login(browser)
    # Logging in again works and gives a session of the new generation.
    assert_logged_in(signed_in(app, "member1@example.kz"))


def test_a_password_change_by_the_user_ends_every_other_session(app, captured):
    browser, stolen = captured
    response = browser.post(
        "/account?lang=en",
        data={"current_password": DEMO_PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_all_dead(app, stolen)
    assert_logged_in(browser)  # the browser that changed it stays in
    assert (
        app.test_client()
        .post("/login", data={"email": "member1@example.kz", "password": DEMO_PASSWORD})
        .status_code
        == 200
    )
    assert_logged_in(signed_in(app, "member1@example.kz", NEW_PASSWORD))


def test_a_wrong_current_password_changes_nothing(app, captured):
    browser, stolen = captured
    response = browser.post(
        "/account?lang=en",
        data={"current_password": "not-my-password", "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "Wrong password." in response.get_data(as_text=True)
    assert_logged_in(client_with(app, session=stolen["session"]))
    assert_token_alive(app, stolen["token"])
    assert user("member1@example.kz").check_password(DEMO_PASSWORD)


def test_a_password_change_by_an_administrator_ends_every_session(app, captured, login_as):
    _browser, stolen = captured
    member = user("member1@example.kz")
    admin = login_as("admin")
    response = admin.post(
        f"/admin/users/{member.id}/edit",
        data={
            "email": member.email,
            "full_name": member.full_name,
            "roles": [r.value for r in member.roles],
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert_all_dead(app, stolen)
    assert_logged_in(admin)  # the administrator's own session is untouched
    assert_logged_in(signed_in(app, "member1@example.kz", NEW_PASSWORD))


def test_an_administrator_editing_without_a_password_ends_nothing(app, captured, login_as):
    _browser, stolen = captured
    member = user("member1@example.kz")
    response = login_as("admin").post(
        f"/admin/users/{member.id}/edit",
        data={
            "email": member.email,
            "full_name": "Renamed",
            "roles": [r.value for r in member.roles],
            "active": "y",
        },
    )
    assert response.status_code == 302
    assert_logged_in(client_with(app, session=stolen["session"]))
    assert_token_alive(app, stolen["token"])


def test_an_administrator_changing_their_own_password_stays_logged_in(app, login_as):
    admin = login_as("admin")
    me = user("admin@example.kz")
    response = admin.post(
        f"/admin/users/{me.id}/edit",
        data={
            "email": me.email,
            "full_name": me.full_name,
            "roles": ["admin"],
            "active": "y",
            "password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert admin.get("/admin/users").status_code == 200


def test_the_revocation_is_stored_not_kept_in_memory(app, captured, db):
    browser, _stolen = captured
    before = user("member1@example.kz").session_generation
    browser.post("/logout")
    db.session.expire_all()
    member = user("member1@example.kz")
    assert member.session_generation == before + 1
    assert db.session.scalars(select(ApiToken).where(ApiToken.user_id == member.id)).all() == []


def test_a_session_id_from_before_generations_is_refused(app):
    """Cookies signed before migration 0008 carried the bare user id: they need one more login."""
    browser = signed_in(app, "member1@example.kz")
    member = user("member1@example.kz")
    with browser.session_transaction() as session:
        assert session["_user_id"] == f"{member.id}:{member.session_generation}"
        session["_user_id"] = str(member.id)
    assert_sent_to_login(browser)
