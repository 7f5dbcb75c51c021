"""Test fixtures: one migrated and seeded database per run, every test rolled back.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. Passwords are
hashed with one PBKDF2 round (FAST_PASSWORD_HASH), so logging in costs milliseconds. Helpers shared
by the tests are in tests/helpers.py; live servers and Redis in tests/live.py.
"""

import contextvars
import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from grants import create_app
from grants.extensions import db as _db
from tests import live as _live
from tests.helpers import (  # noqa: F401  (DEMO_ACCOUNTS, login and visible_text: older tests import them from here)
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    FAST_PASSWORD_HASH,
    email_of,
    login,
    visible_text,
)


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Each request runs in fresh context variables, as on a real server: its own app context,
    g, login and database session. Afterwards the test's own session forgets what it had loaded,
    so the test reads what the request committed."""

    def open(self, *args, **kwargs):
        # The body is read (and closed) in the request's context variables, as a server does with a
        # streamed response (flask.stream_with_context pushes the request's context around it).
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        try:
            _db.session.expire_all()
        except RuntimeError:  # no app context in this test
            pass
        return response


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    from grants.seed.demo import seed_demo

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
            "SERVER_NAME": None,
            "EVIDENCE_DIR": str(tmp_path_factory.mktemp("evidence")),
            "IMPORT_DIR": str(tmp_path_factory.mktemp("imports")),
            "REPORTS_DIR": str(tmp_path_factory.mktemp("reports")),
            # One language keeps the suite fast; report tests switch all three on (reports_in_all_languages).
            "REPORT_LANGUAGES": ("ru",),
        }
    )
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(autouse=True)
def db(app):
    """Run each test inside a transaction that is rolled back; commits become savepoints."""
    from grants.accounts.throttle import login_throttle

    login_throttle.clear()
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        conn = engine.connect()
        trans = conn.begin()
        engines[None] = conn
        original = _db.session
        _db.session = _db._make_scoped_session({"join_transaction_mode": "create_savepoint"})
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            trans.rollback()
            conn.close()
            engines[None] = engine


@pytest.fixture
def reports_in_all_languages(app):
    app.config["REPORT_LANGUAGES"] = ("kk", "ru", "en")
    yield
    app.config["REPORT_LANGUAGES"] = ("ru",)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client):
    """login_as('ministry') or login_as('ministry@example.kz') logs the test client in."""

    def _login(who: str):
        login(client, email_of(who))
        return client

    return _login


@pytest.fixture
def api_token(client):
    """api_token('chair') -> a bearer token for that demo account."""

    def _token(who: str) -> str:
        response = client.post("/api/v1/auth/token", json={"email": email_of(who), "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()["token"]

    return _token


# --- live servers on databases of their own (tests/live.py); such tests override `db` ---------


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    url = _live.make_seeded_template(tmp_path_factory.mktemp("live-template"))
    yield url
    _live.drop_database(url)


@pytest.fixture
def live_url(seeded_template, tmp_path):
    """URL of a fresh copy of the seeded demo database, dropped after the test."""
    url = _live.clone_database(seeded_template, tmp_path)
    yield url
    _live.drop_database(url)
