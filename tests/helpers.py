"""Helpers shared by the whole suite: demo accounts, logging in, reading answers and PDFs.

Fixtures live in tests/conftest.py; live servers, cloned databases and Redis in tests/live.py.
Import from here rather than from a conftest (pytest loads conftest files itself).
"""

import os
import re
import socket
import subprocess

from sqlalchemy import func, select

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from grants.extensions import db

DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = (
    "admin@example.kz",
    "ministry@example.kz",
    "chair@example.kz",
    "member1@example.kz",
    "member2@example.kz",
    "member3@example.kz",
    "member4@example.kz",
    "ngo@example.kz",
    "secretary@example.kz",
    "secretary2@example.kz",
    "official@example.kz",
    "official2@example.kz",
)

# One PBKDF2 round instead of production's scrypt: a login costs about 3 ms instead of half a
# second on a busy machine. A stored hash names its method, so the hashes seeded with this one
# are checked just as cheaply by every app the suite builds (live servers, workers, gunicorn).
FAST_PASSWORD_HASH = "pbkdf2:sha256:1"


def email_of(who: str) -> str:
    """'chair' -> 'chair@example.kz'; a full address is kept."""
    return who if "@" in who else f"{who}@example.kz"


def user(who: str) -> User:
    """The demo account 'chair', 'member1@example.kz'…; fails the test when it is missing."""
    email = email_of(who)
    found = db.session.scalar(select(User).where(User.email == email))
    assert found is not None, f"demo account {email} is missing"
    return found


def login(client, email: str, password: str = DEMO_PASSWORD):
    """Log the test client in through the form; the login must succeed (302)."""
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"login of {email} failed"
    return response


def bearer(token: str) -> dict:
    """The Authorization header for an API token."""
    return {"Authorization": f"Bearer {token}"}


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is a JSON error of this status in the API's shape {"error": {code, message, fields}}."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert error["message"]
    if code is not None:
        assert error["code"] == code
    return error


def visible_text(html: str) -> str:
    """Page text without tags, for assertions on what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pdf_text(content: bytes, join_hyphenated: bool = True) -> str:
    """The text of a PDF as poppler's pdftotext reads it (raw order), as a reader would copy it, with
    the words the report hyphenated at a line's end (hyphens: auto puts U+2010 there) joined again
    unless join_hyphenated is False (to see the lines as printed)."""
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True)
    text = result.stdout.decode("utf-8")
    return text.replace("\u2010\n", "") if join_hyphenated else text


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_test_url(database: int) -> str:
    """Redis database `database` (12-15) for the SQLite run and `database - 8` for the PostgreSQL run:
    `make test` runs both suites at once, and a test that flushes its database must not flush the other's."""
    if os.environ.get("TEST_DATABASE_URL"):
        database -= 8
    return f"redis://127.0.0.1:6379/{database}"
