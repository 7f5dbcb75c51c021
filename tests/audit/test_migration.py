"""Migration 0009 re-chains events hashed by the old formula, including a chain forked by the old race."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from grants import create_app
from grants.audit import chain
from grants.audit.models import AuditEvent
from grants.extensions import db
from tests.test_migrations import scratch_url  # noqa: F401  (fixture: a database of its own)


def _old_hash(prev_hash, actor_id, action, object_type, object_id, before, after) -> str:
    """The formula before 0009 (without id and time)."""
    payload = json.dumps(
        [prev_hash, actor_id, action, object_type, object_id, before, after],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _insert_old_events(conn) -> None:
    """Five events the old code could write: the third and fourth raced and share a prev_hash."""
    start = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    prev = None
    hashes = []
    for i in range(5):
        before = {"title_ru": f"Лот {i}"}
        link = hashes[1] if i == 3 else prev  # the fork
        digest = _old_hash(link, None, "lot.update", "Lot", 1, before, None)
        conn.execute(
            text(
                "INSERT INTO audit_events (id, at, actor_id, action, object_type, object_id, before, after, prev_hash, hash) "
                "VALUES (:id, :at, NULL, 'lot.update', 'Lot', 1, :before, NULL, :prev, :hash)"
            ),
            {
                "id": i + 1,
                "at": start + timedelta(minutes=i),
                "before": json.dumps(before),
                "prev": link,
                "hash": digest,
            },
        )
        hashes.append(digest)
        prev = digest


def test_upgrade_rechains_and_downgrade_restores_the_old_formula(scratch_url):  # noqa: F811
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_url, "SECRET_KEY": "x" * 32})
    with app.app_context():
        upgrade(revision="0008")
        with db.engine.begin() as conn:
            _insert_old_events(conn)
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), 5)"))

        upgrade()
        result = chain.verify()
        assert result.ok, result.problems
        assert result.events == 6
        note = db.session.get(AuditEvent, 6)
        assert note.action == "audit.rechain"
        assert note.after == {"revision": "0009", "events": 5, "old_chain_problems": 1}  # the fork at event 4
        assert db.session.get(AuditEvent, 2).before == {"title_ru": "Лот 1"}  # payloads untouched
        db.session.remove()

        downgrade(revision="0008")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT * FROM audit_events ORDER BY id")).mappings().all()
        prev = None
        for row in rows:
            payload = [json.loads(v) if isinstance(v, str) else v for v in (row["before"], row["after"])]
            assert row["prev_hash"] == prev
            assert row["hash"] == _old_hash(
                prev, row["actor_id"], row["action"], row["object_type"], row["object_id"], *payload
            )
            prev = row["hash"]
        db.engine.dispose()
