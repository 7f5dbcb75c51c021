"""With REDIS_URL set, committed mail is handed to an RQ worker (queue "mail") that delivers it over SMTP."""

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.extensions import db as _db
from grants.notifications import mail
from grants.notifications.models import OutboxMessage
from tests import live
from tests.helpers import DEMO_PASSWORD, FAST_PASSWORD_HASH
from tests.reports.test_bulk import REDIS_TEST_URL


@pytest.fixture
def worker_app(tmp_path, smtp_server):
    """An app of its own on a SQLite file: the worker builds its app from the job's arguments and must
    see committed rows, which the suite's rolled-back transaction would hide."""
    from flask_migrate import upgrade

    from grants import create_app
    from grants.seed.demo import seed_demo

    redis = live.redis_or_skip(REDIS_TEST_URL)
    inbox, port = smtp_server
    shared = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'mail-worker.sqlite3'}",
        "REDIS_URL": REDIS_TEST_URL,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_TIMEOUT": 5,
        "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        "REPORT_LANGUAGES": ("ru",),
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
    }
    app = create_app({**shared, "JOB_APP_CONFIG": shared, "SERVER_NAME": None})
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
    yield app, redis, inbox
    redis.close()
    with app.app_context():
        _db.engine.dispose()


def test_committed_mail_is_delivered_by_an_rq_worker(worker_app):
    from rq import Queue, SimpleWorker

    app, redis, inbox = worker_app
    queue = Queue(mail.QUEUE, connection=redis)
    queue.empty()
    with app.app_context():
        queued = _db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.sent_at.is_(None))).all()
        assert queued, "the demo's assignments and publications are in the outbox"
        ngo = _db.session.scalar(select(User).where(User.email == "ngo@example.kz"))
        ids = [i for i in queued if _db.session.get(OutboxMessage, i).recipient_id == ngo.id]
        assert ids
        mail.dispatch(ids)
        assert queue.count == 1  # handed to the worker, not sent in this process
        assert inbox.envelopes == []
        _db.session.remove()
    try:
        assert SimpleWorker([queue], connection=redis).work(burst=True)
        with app.app_context():
            rows = _db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))).all()
            assert all(row.sent_at is not None and row.attempts == 1 for row in rows)
        received = inbox.to("ngo@example.kz")
        assert len(received) == len(ids)
        assert all("опубликована" in message["Subject"] for message in received)
    finally:
        queue.empty()
