"""/healthz reports the database, and with REDIS_URL Redis and the RQ queues; 503 when one is down."""

import pytest
from rq import Queue

from tests.helpers import redis_test_url
from tests.live import redis_or_skip

REDIS_URL = redis_test_url(13)  # a database of its own


@pytest.fixture
def with_redis(app, monkeypatch):
    connection = redis_or_skip(REDIS_URL)
    connection.flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    yield connection
    connection.flushdb()
    connection.close()


def test_without_redis_only_the_database_is_reported(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert "redis" not in body and "queues" not in body


def test_with_redis_the_queues_are_counted(client, with_redis):
    Queue("reports", connection=with_redis).enqueue("builtins.print", "queued, never run")
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["redis"] == "ok"
    assert body["queues"]["reports"] == {"queued": 1, "started": 0, "failed": 0}
    assert body["queues"]["mail"]["queued"] == 0


def test_a_configured_redis_that_is_down_answers_503(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "ok"
    assert body["redis"] == "ConnectionError"


def test_a_database_that_is_down_answers_503(live_url):
    """A server whose database has gone away (the file is replaced by a directory) says so."""
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from grants.extensions import db as _db
    from tests.live import build_app

    if not live_url.startswith("sqlite"):
        app = build_app(make_url(live_url).set(port=1).render_as_string(hide_password=False))
    else:
        path = Path(make_url(live_url).database)
        path.unlink()
        path.mkdir()
        app = build_app(live_url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error" and response.get_json()["database"] != "ok"
    with app.app_context():
        _db.engine.dispose()
