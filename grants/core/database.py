"""Engine tweaks so SQLite behaves like PostgreSQL where it matters (docs/concurrency.md).

SQLite is used as a real embedded database by `make run`: several request threads write at once.
It gets a write-ahead log (readers never wait for the writer), a busy timeout (a writer waits for
the lock instead of failing with "database is locked"), and every transaction that may write takes
the write lock when it begins (`BEGIN IMMEDIATE`). A transaction that started as a reader and then
tries to write could otherwise find its snapshot outdated and fail at once, which no timeout cures.
Requests with a safe method (GET, HEAD, OPTIONS) never write (docs/operations.md, "Reads never
write"), so they begin as plain readers; everything else (form posts, API writes, CLI commands,
jobs) begins as a writer, so SQLite's writers form one queue: the same serialisation PostgreSQL
gets from the row locks of grants/core/concurrency.py.
"""

from flask import has_request_context, request
from sqlalchemy import event

BUSY_TIMEOUT_SECONDS = 30
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def begins_as_writer() -> bool:
    """Whether a new transaction should take SQLite's write lock at once."""
    return not has_request_context() or request.method not in READ_ONLY_METHODS


def configure_engine_events(app) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = app.extensions["sqlalchemy"].engine

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        # Let SQLAlchemy (not pysqlite) issue BEGIN so SAVEPOINTs work and BEGIN IMMEDIATE is ours.
        dbapi_connection.isolation_level = None
        # SQLite's lower() folds ASCII only; searches in Cyrillic and Kazakh need Unicode folding.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if begins_as_writer() else "BEGIN")


def _lower(value):
    return value.lower() if isinstance(value, str) else value
