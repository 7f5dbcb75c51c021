from sqlalchemy import select

from grants.accounts.models import User
from grants.accounts.throttle import login_throttle
from tests.helpers import DEMO_PASSWORD


def test_login_form_is_throttled_after_repeated_failures(client):
    for _ in range(login_throttle.limit):
        response = client.post(
            "/login?lang=en", data={"email": "chair@example.kz", "password": "wrong-password"}
        )
        assert response.status_code == 200
        assert "Wrong email or password." in response.get_data(as_text=True)
    # Even the right password is refused while the guard is up: guessing cannot continue.
    response = client.post("/login?lang=en", data={"email": "chair@example.kz", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302  # still anonymous


def test_deactivated_user_cannot_log_in(client, db):
    user = db.session.scalar(select(User).where(User.email == "member4@example.kz"))
    user.active = False
    db.session.commit()
    response = client.post("/login?lang=en", data={"email": "member4@example.kz", "password": DEMO_PASSWORD})
    assert response.status_code == 200
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_passwords_are_stored_hashed(db):
    user = db.session.scalar(select(User).where(User.email == "admin@example.kz"))
    assert DEMO_PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert user.check_password(DEMO_PASSWORD) and not user.check_password(DEMO_PASSWORD + "x")


def test_login_redirect_stays_on_this_site(client):
    response = client.post(
        "/login?next=//evil.example/x", data={"email": "admin@example.kz", "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
