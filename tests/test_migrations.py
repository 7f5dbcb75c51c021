"""The one Alembic history runs down to base and up again on SQLite and on PostgreSQL."""

import os
import uuid
import warnings

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from grants import create_app
from grants.extensions import db
from tests.helpers import DEMO_PASSWORD, FAST_PASSWORD_HASH


@pytest.fixture
def scratch_url(tmp_path):
    """A database of its own, so the session's seeded database is left alone."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    name = f"grants_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_downgrade_to_base_and_upgrade_again(scratch_url):
    from grants.seed.demo import seed_demo

    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": scratch_url,
            "SECRET_KEY": "x",
            "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)  # downgrade must also work with data in the tables
        db.session.remove()
        tables = set(inspect(db.engine).get_table_names())
        assert {"lots", "projects", "organisations", "users", "audit_events", "alembic_version"} <= tables

        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()

        upgrade()
        assert "lots" in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            head = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert head
        db.engine.dispose()


def test_models_match_migrations(app):
    """No model change is missing a migration: autogenerate finds nothing to do."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from grants.lots.search import UNMAPPED_INDEXES, UNMAPPED_TABLES

    def mapped(name, kind, _parent):
        """The FTS5 table and the expression indexes of migration 0014 have no model."""
        return not (
            kind == "table" and name in UNMAPPED_TABLES or kind == "index" and name in UNMAPPED_INDEXES
        )

    with app.app_context(), warnings.catch_warnings():
        # SQLite's reflection skips expression indexes with a warning; they are not compared anyway.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        context = MigrationContext.configure(
            db.session.connection(), opts={"compare_type": True, "include_name": mapped}
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == [], diff


def test_every_foreign_key_is_indexed():
    """Joins and cascades stay fast: each foreign-key column leads an index (or the primary key)."""
    missing = []
    for table in db.metadata.sorted_tables:
        leading = {idx.columns.values()[0].name for idx in table.indexes}
        leading |= {
            c.columns.values()[0].name for c in table.constraints if hasattr(c, "columns") and c.columns
        }
        pk = [c.name for c in table.primary_key.columns]
        if pk:
            leading.add(pk[0])
        for fk in table.foreign_keys:
            if fk.parent.name not in leading:
                missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == []
