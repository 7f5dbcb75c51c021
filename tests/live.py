"""Live servers on databases of their own, for tests that need real concurrent HTTP requests.

The suite's `db` fixture rolls every test back on one connection; a server that commits and
serves several threads at once needs a real database instead. `seeded_template` migrates and
seeds one database per test session (SQLite file, or a PostgreSQL database when
TEST_DATABASE_URL is set); `clone_database` copies it in about a second for each test, so every
test starts from the demo data and may commit whatever it likes.

Tests that use these helpers override the autouse `db` fixture (see tests/concurrency/conftest.py).
"""

import os
import sqlite3
import tempfile
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from grants import create_app
from grants.extensions import db as _db
from tests.helpers import DEMO_PASSWORD, FAST_PASSWORD_HASH


def _admin_engine():
    return create_engine(os.environ["TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")


def _postgres_url(name: str) -> str:
    return make_url(os.environ["TEST_DATABASE_URL"]).set(database=name).render_as_string(hide_password=False)


def _scratch(name: str) -> str:
    return tempfile.mkdtemp(prefix=f"grants-live-{name}-")


def build_app(url: str, **config):
    """An app of its own on url: real CSRF off unless asked for, errors answered as in production."""
    settings = {
        "TESTING": False,
        "DEBUG": False,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "live-test-secret-that-is-long-enough-32",
        "WTF_CSRF_ENABLED": False,
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        "SERVER_NAME": None,
        "REPORT_LANGUAGES": ("ru",),
        # files of this run only: `make test` runs the SQLite and PostgreSQL suites at once
        "EVIDENCE_DIR": _scratch("evidence"),
        "IMPORT_DIR": _scratch("imports"),
        "REPORTS_DIR": _scratch("reports"),
    }
    settings.update(config)
    return create_app(settings)


def make_seeded_template(tmp_dir: Path) -> str:
    """Migrate and seed the demo into a new database; returns its URL (used as a template)."""
    from flask_migrate import upgrade

    from grants.seed.demo import seed_demo

    if os.environ.get("TEST_DATABASE_URL"):
        name = f"grants_live_tmpl_{uuid.uuid4().hex[:8]}"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = _postgres_url(name)
    else:
        url = f"sqlite:///{tmp_dir / 'template.sqlite3'}"
    app = build_app(url, EVIDENCE_DIR=str(tmp_dir / "evidence"))
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
        _db.engine.dispose()
    return url


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    name = make_url(url).database
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def clone_database(template_url: str, tmp_dir: Path) -> str:
    """A fresh copy of the template database; returns its URL."""
    if template_url.startswith("sqlite"):
        source = make_url(template_url).database
        target = tmp_dir / f"clone_{uuid.uuid4().hex[:8]}.sqlite3"
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    name = f"grants_live_{uuid.uuid4().hex[:8]}"
    template = make_url(template_url).database
    admin = _admin_engine()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    return _postgres_url(name)


def in_app(app) -> Callable:
    """run(fn): call fn() inside app's context on a fresh session and return its result."""

    def run(fn):
        with app.app_context():
            try:
                return fn()
            finally:
                _db.session.remove()

    return run


def redis_or_skip(url: str):
    """A Redis client on url, or the test is skipped saying that no Redis answers there."""
    from redis import Redis

    redis = Redis.from_url(url, socket_connect_timeout=2)
    try:
        redis.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach Redis means the same here
        redis.close()
        pytest.skip(f"needs Redis at {url}, which does not answer: {exc}")
    return redis


redis_or_fail = redis_or_skip  # its former name, for tests written before it skipped


@contextmanager
def serve(app):
    """Serve app with werkzeug's threaded server in a daemon thread; yields the base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()


def release_together(count: int, action: Callable[[int], object], timeout: float = 120) -> list:
    """Run action(i) for i in range(count) in threads released at the same moment; results in order.

    An exception in a thread is returned in its place, so a test can assert on it.
    """
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = action(i)
        except Exception as exc:  # noqa: BLE001 - handed back to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results


def api_session(base_url: str, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """A requests session carrying a bearer token for the account."""
    session = requests.Session()
    response = session.post(
        f"{base_url}/api/v1/auth/token", json={"email": email, "password": password}, timeout=30
    )
    response.raise_for_status()
    session.headers["Authorization"] = f"Bearer {response.json()['token']}"
    return session


def web_session(base_url: str, email: str, password: str = DEMO_PASSWORD) -> requests.Session:
    """A requests session logged in through the form (cookie); CSRF must be off in the app."""
    session = requests.Session()
    response = session.post(
        f"{base_url}/login", data={"email": email, "password": password}, allow_redirects=False, timeout=30
    )
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return session
