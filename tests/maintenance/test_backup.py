"""Back up, wipe, restore: every table's rows and every uploaded file come back (docs/backups.md).

Each test works on a fresh copy of the seeded demo database (tests/live.py: a SQLite file, or a
PostgreSQL database when TEST_DATABASE_URL is set) with an evidence folder of its own, and drives
the real `backup` / `restore` commands (pg_dump and pg_restore on PostgreSQL).
"""

import json
import os
import shutil
from io import BytesIO

import pytest
from sqlalchemy import MetaData, Table, select, text
from werkzeug.datastructures import FileStorage

from grants.audit import chain
from grants.audit.operations import record
from grants.extensions import db as _db
from grants.lots.models import Lot
from grants.replies.models import Reply
from grants.scoring.evidence import store_file
from grants.scoring.models import Scorecard
from tests import live


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the app here has a database of its own."""
    yield None


@pytest.fixture
def app(live_url, tmp_path):
    """An app on a copy of the demo, with some evidence and reply attachments on disk."""
    app = live.build_app(live_url, EVIDENCE_DIR=str(tmp_path / "evidence"))
    with app.app_context():
        card = _db.session.scalars(select(Scorecard).order_by(Scorecard.id).limit(1)).one()
        member = card.member
        store_file(
            FileStorage(BytesIO(b"%PDF-1.4\n" + bytes(range(256)) * 40), filename="акт.pdf"),
            member,
            scorecard=card,
        )
        png = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
        store_file(FileStorage(BytesIO(png), filename="photo.png"), member, scorecard=card)
        reply = _db.session.scalars(select(Reply).order_by(Reply.id).limit(1)).first()
        if reply is not None:
            store_file(
                FileStorage(BytesIO(b"%PDF-1.7 reply"), filename="reply.pdf"), reply.author, reply=reply
            )
        record(
            "lot.update",
            _db.session.scalars(select(Lot).limit(1)).one(),
            before={"title_ru": "Ә, ғ, қ, ң, ө"},
        )
        chain.write_checkpoint()
        _db.session.commit()
        nested = tmp_path / "evidence" / "archive"
        nested.mkdir()
        (nested / "old.bin").write_bytes(os.urandom(100))
        _db.session.remove()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def snapshot(app) -> tuple[dict, dict]:
    """(every table's rows in key order, every evidence file's bytes)."""
    with app.app_context():
        engine = _db.engine
        reflected = MetaData()
        names = [t.name for t in _db.metadata.sorted_tables] + ["alembic_version"]
        rows = {}
        with engine.connect() as conn:
            for name in names:
                table = Table(name, reflected, autoload_with=conn)
                order = list(table.primary_key.columns) or list(table.columns)
                rows[name] = [tuple(row) for row in conn.execute(select(table).order_by(*order))]
            sequences = {}
            if engine.dialect.name == "postgresql":
                query = text("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
                sequences = dict(conn.execute(query).all())
        root = app.config["EVIDENCE_DIR"]
        files = {}
        for folder, _dirs, names_ in os.walk(root):
            for name in names_:
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    files[os.path.relpath(path, root)] = handle.read()
        _db.engine.dispose()
    return {"rows": rows, "sequences": sequences}, files


def wipe(app) -> None:
    """Drop every table (and on PostgreSQL the whole schema) and delete the evidence folder."""
    with app.app_context():
        engine = _db.engine
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            else:
                # the plan and the meeting that approved it refer to each other: no order drops them both
                conn.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
                _db.metadata.drop_all(conn)
                conn.execute(text("DROP TABLE alembic_version"))
        engine.dispose()
    shutil.rmtree(app.config["EVIDENCE_DIR"])


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_backup_wipe_restore_reproduces_every_table_and_file(app, tmp_path):
    before_db, before_files = snapshot(app)
    assert len(before_files) >= 3 and before_db["rows"]["audit_checkpoints"]
    assert all(
        before_db["rows"][name] for name in ("users", "lots", "evidence", "audit_events", "alembic_version")
    )

    result = invoke(app, "backup", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["revision"] == before_db["rows"]["alembic_version"][0][0]
    assert {f"files/evidence/{name}" for name in before_files} <= set(manifest["files"])

    wipe(app)
    with app.app_context():
        assert _db.session.execute(text("SELECT 1")).scalar() == 1
        _db.session.remove()
        _db.engine.dispose()

    result = invoke(app, "restore", "--yes", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output
    after_db, after_files = snapshot(app)
    assert after_db["rows"].keys() == before_db["rows"].keys()
    for name in before_db["rows"]:
        assert after_db["rows"][name] == before_db["rows"][name], f"table {name} differs after restore"
    assert after_db["sequences"] == before_db["sequences"]
    assert after_files == before_files

    # The restored database is a working one: the audit trail verifies and grows.
    result = invoke(app, "verify-audit")
    assert result.exit_code == 0, result.output
    with app.app_context():
        record("lot.update", _db.session.scalars(select(Lot).limit(1)).one(), before={"after": "restore"})
        _db.session.commit()
        assert chain.verify().ok
        _db.session.remove()


@pytest.fixture
def backup_dir(app, tmp_path):
    result = invoke(app, "backup", str(tmp_path / "backup"))
    assert result.exit_code == 0, result.output
    return tmp_path / "backup"


def _marker(app) -> int:
    """Something written after the backup, which a refused restore must leave in place."""
    with app.app_context():
        event = record("lot.update", _db.session.scalars(select(Lot).limit(1)).one(), before={"marker": True})
        _db.session.commit()
        event_id = event.id
        _db.session.remove()
    return event_id


def _still_there(app, event_id: int) -> bool:
    with app.app_context():
        found = _db.session.execute(
            text("SELECT id FROM audit_events WHERE id = :id"), {"id": event_id}
        ).scalar()
        _db.session.remove()
    return found == event_id


def _evidence_file(backup_dir):
    return next(p for p in sorted((backup_dir / "files" / "evidence").iterdir()) if p.is_file())


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("flip a byte of an evidence file", "checksum or size differs"),
        ("flip a byte of the database", "checksum or size differs"),
        ("delete a file", "missing"),
        ("add a file", "not listed in the manifest"),
        ("break the manifest", "cannot be read"),
        ("files not an object", "lacks required fields"),
        ("another revision", "this code's at"),
        ("path outside the backup", "not a path inside the backup"),
    ],
)
def test_a_damaged_or_foreign_backup_is_refused_before_anything_changes(app, backup_dir, damage, message):
    manifest_path = backup_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    if damage == "flip a byte of an evidence file":
        path = _evidence_file(backup_dir)
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif damage == "flip a byte of the database":
        path = backup_dir / manifest["database"]["file"]
        data = bytearray(path.read_bytes())
        data[-10] ^= 0x01
        path.write_bytes(bytes(data))
    elif damage == "delete a file":
        _evidence_file(backup_dir).unlink()
    elif damage == "add a file":
        (backup_dir / "files" / "evidence" / "intruder").write_bytes(b"x")
    elif damage == "break the manifest":
        manifest_path.write_text(manifest_path.read_text()[:-20])
    elif damage == "files not an object":
        manifest["files"] = sorted(manifest["files"])
        manifest_path.write_text(json.dumps(manifest))
    elif damage == "another revision":
        manifest["database"]["revision"] = "0005"
        manifest_path.write_text(json.dumps(manifest))
    else:
        manifest["files"]["../../outside"] = {"sha256": "0" * 64, "size": 1}
        manifest_path.write_text(json.dumps(manifest))
    event_id = _marker(app)
    files_before = snapshot(app)[1]

    result = invoke(app, "restore", "--yes", str(backup_dir))

    assert result.exit_code == 1, result.output
    assert "nothing was changed" in result.output and message in result.output, result.output
    assert _still_there(app, event_id)
    assert snapshot(app)[1] == files_before


def test_backup_refuses_an_existing_directory_and_restore_asks_first(app, backup_dir, tmp_path):
    result = invoke(app, "backup", str(backup_dir))
    assert result.exit_code == 1 and "already exists" in result.output
    event_id = _marker(app)
    result = app.test_cli_runner().invoke(args=["restore", str(backup_dir)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert _still_there(app, event_id)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".backup.partial")]
