"""The user's own account page and the set-password command."""

from sqlalchemy import select

from grants.accounts.models import User
from tests.helpers import DEMO_PASSWORD


def member(db, email="member3@example.kz") -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_new_passwords_must_match_and_be_long_enough(login_as, db):
    client = login_as("member3")
    mismatch = client.post(
        "/account?lang=en",
        data={
            "current_password": DEMO_PASSWORD,
            "new_password": "a-long-password-1",
            "confirm": "another-one-22",
        },
    )
    assert mismatch.status_code == 200 and "The two new passwords differ." in mismatch.get_data(as_text=True)
    short = client.post(
        "/account?lang=en",
        data={"current_password": DEMO_PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert short.status_code == 200
    assert member(db).check_password(DEMO_PASSWORD)


def test_set_password_command_changes_the_password_and_ends_sessions(app, db):
    before = member(db).session_generation
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["set-password", "--email", "MEMBER3@example.kz", "--password", "a-fresh-secret-77"]
    )
    assert result.exit_code == 0, result.output
    assert "sessions and API tokens have ended" in result.output
    user = member(db)
    assert user.check_password("a-fresh-secret-77") and not user.check_password(DEMO_PASSWORD)
    assert user.session_generation == before + 1


def test_set_password_command_refuses_unknown_users_and_short_passwords(app):
    runner = app.test_cli_runner()
    unknown = runner.invoke(
        args=["set-password", "--email", "nobody@example.kz", "--password", "a-fresh-secret-77"]
    )
    assert unknown.exit_code != 0 and "no user with email" in unknown.output
    short = runner.invoke(args=["set-password", "--email", "member3@example.kz", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
