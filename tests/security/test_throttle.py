"""Failed logins: per address, per account for clients the account does not know, per known device
(in one process; tests/security/test_throttle_gunicorn.py shows the counts shared across workers)."""

import pytest

from tests.helpers import DEMO_PASSWORD


def address(ip: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": ip}}


def form_login(client, email, password, ip, lang="en"):
    return client.post(f"/login?lang={lang}", data={"email": email, "password": password}, **address(ip))


def test_the_form_answers_429_with_retry_after_in_the_readers_language(client):
    for _ in range(10):
        assert form_login(client, "chair@example.kz", "wrong-password", "203.0.113.20").status_code == 200
    response = form_login(client, "chair@example.kz", DEMO_PASSWORD, "203.0.113.20", lang="ru")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert "Слишком много неудачных попыток" in response.get_data(as_text=True)
    english = form_login(client, "chair@example.kz", DEMO_PASSWORD, "203.0.113.20", lang="en")
    assert "Too many failed attempts" in english.get_data(as_text=True)
    # The real user, elsewhere, is not locked out.
    assert (
        form_login(
            client.application.test_client(), "chair@example.kz", DEMO_PASSWORD, "198.51.100.20"
        ).status_code
        == 302
    )


@pytest.fixture
def small_account_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "5 per hour")


def test_a_spread_out_attack_slows_guessing_but_not_the_real_users_own_browser(app, small_account_limit):
    real_browser = app.test_client()
    assert form_login(real_browser, "member2@example.kz", DEMO_PASSWORD, "198.51.100.30").status_code == 302
    assert real_browser.get_cookie("grants_device") is not None, "a successful login makes a known device"
    real_browser.post("/logout")

    attacker = app.test_client()
    for i in range(5):  # five addresses, one failure each: no address limit is reached
        assert form_login(attacker, "member2@example.kz", "guess", f"203.0.113.{40 + i}").status_code == 200
    # The account now refuses unknown clients, whatever their address, even with the right password …
    blocked = form_login(app.test_client(), "member2@example.kz", DEMO_PASSWORD, "203.0.113.99")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    api = app.test_client().post(
        "/api/v1/auth/token",
        json={"email": "member2@example.kz", "password": DEMO_PASSWORD},
        **address("192.0.2.7"),
    )
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "too_many_requests"
    # … but the real user's browser, which the account knows, still signs in.
    assert form_login(real_browser, "member2@example.kz", DEMO_PASSWORD, "198.51.100.31").status_code == 302
    # Other accounts are not affected.
    assert (
        form_login(app.test_client(), "member3@example.kz", DEMO_PASSWORD, "203.0.113.99").status_code == 302
    )


def test_a_forged_or_foreign_device_cookie_is_not_trusted(app, small_account_limit):
    other = app.test_client()
    assert form_login(other, "member3@example.kz", DEMO_PASSWORD, "198.51.100.50").status_code == 302
    foreign = other.get_cookie("grants_device").value  # known device of member3, not of member2
    for i in range(5):
        form_login(app.test_client(), "member2@example.kz", "guess", f"203.0.113.{60 + i}")
    for value in (foreign, "forged", foreign[:-2] + "xx"):
        client = app.test_client()
        client.set_cookie("grants_device", value)
        assert form_login(client, "member2@example.kz", DEMO_PASSWORD, "203.0.113.70").status_code == 429, (
            value
        )


def test_a_known_device_has_its_own_limit(app):
    browser = app.test_client()
    assert form_login(browser, "member4@example.kz", DEMO_PASSWORD, "198.51.100.60").status_code == 302
    browser.post("/logout")
    for i in range(10):  # new addresses each time: only the device's own count grows
        assert form_login(browser, "member4@example.kz", "typo", f"198.51.100.{70 + i}").status_code == 200
    assert form_login(browser, "member4@example.kz", DEMO_PASSWORD, "198.51.100.90").status_code == 429


def test_wrong_current_passwords_on_the_account_page_are_throttled(login_as):
    client = login_as("member1")
    data = {"current_password": "guess", "new_password": "x" * 12, "confirm": "x" * 12}
    for _ in range(10):
        assert client.post("/account", data=data).status_code == 200
    assert client.post("/account", data={**data, "current_password": DEMO_PASSWORD}).status_code == 429


def test_two_apps_in_one_process_keep_their_own_counts(app):
    """Each app has its own limiter (its own storage): tests and scripts never share counts."""
    from grants import create_app
    from grants.accounts.throttle import login_throttle

    other = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "other-app"})
    where = {"environ_base": {"REMOTE_ADDR": "203.0.113.120"}}
    with other.test_request_context("/login", **where):
        for _ in range(10):
            login_throttle.failed("member1@example.kz")
        assert login_throttle.retry_after("member1@example.kz") is not None
    with app.test_request_context("/login", **where):
        assert login_throttle.retry_after("member1@example.kz") is None
