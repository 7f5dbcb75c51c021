"""Figures cached per process, keyed by the data they were computed from (docs/performance.md#cached-totals).

Every transaction that changes a table some cached figure reads stamps that table's row in
`data_versions` with a new random version, in the same transaction, just before it commits. A reader
reads the versions of the tables it depends on (one query), and looks its figures up in a small
per-process LRU cache under (what, its arguments, those versions): a change committed by any process
gives the next reader, in any process, a new key, so no figure is ever stale; a change rolled back
leaves the versions as they were.

How changes are seen: every statement a connection sends passes `_record_dml` (an engine event), which
notes the table of each INSERT, UPDATE or DELETE in the connection's info. Session.commit stamps them
(`_stamp_before_commit`, after the session's last flush); a transaction of Core statements without a
session is stamped by the engine's commit event (`_stamp_core_commit`). Both write one statement,
`INSERT … ON CONFLICT (name) DO UPDATE`, listing the tables in name order: the last thing the
transaction does, so that the row locks it takes are taken last and in one order (no deadlock).
"""

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

from sqlalchemy import BigInteger, Column, String, Table, event, select
from sqlalchemy.orm import Session

from grants.core.db import Base

T = TypeVar("T")

data_versions = Table(
    "data_versions",
    Base.metadata,
    Column("name", String(63), primary_key=True),  # a table name
    Column("version", BigInteger, nullable=False),  # random, new at each committed change
)

# INSERT INTO t, UPDATE t, DELETE FROM t (optionally schema-qualified, optionally quoted)
_DML = re.compile(
    r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(?:"?\w+"?\.)?"?(\w+)"?', re.I
)
_PENDING = "grants_changed_tables"  # key in Connection.info: tables changed in the open transaction
_VERSIONS = "grants_data_versions"  # key in Session.info: every table's version, read once per transaction
_tracked: set[str] = set()  # tables some cached figure depends on
all_caches: list["FigureCache"] = []  # every cache made, for tests and benchmarks that start cold
_lock = threading.Lock()


def changed_tables(info: dict) -> set[str]:
    return info.setdefault(_PENDING, set())


def _record_dml(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    match = _DML.match(statement)
    if match is not None:
        table = match.group(1).lower()
        if table in _tracked:
            changed_tables(conn.info).add(table)


def _stamp_sql(tables: Iterable[str]) -> str:
    """One upsert for the tables, in name order. Names are known table names, versions integers."""
    rows = ", ".join(f"('{name}', {secrets.randbits(62)})" for name in sorted(tables))
    return (
        f"INSERT INTO data_versions (name, version) VALUES {rows} "
        "ON CONFLICT (name) DO UPDATE SET version = excluded.version"
    )


_EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'data_versions'",
    "postgresql": "SELECT count(*) FROM pg_class WHERE relname = 'data_versions' AND pg_table_is_visible(oid)",
}
_READY = "grants_data_versions_ready"  # key in the DBAPI connection's info: the table was found


def _table_exists(cursor, dialect: str, info: dict | None) -> bool:
    """Whether data_versions exists yet (not during the migrations before it, or after a downgrade).
    A session's connection remembers a yes; Core transactions (migrations, restores) ask each time."""
    if info is not None and info.get(_READY):
        return True
    cursor.execute(_EXISTS[dialect])
    found = bool(cursor.fetchone()[0])
    if found and info is not None:
        info[_READY] = True
    return found


def _stamp(conn, pending: set[str], remember: bool) -> None:
    cursor = conn.connection.cursor()
    try:
        if _table_exists(cursor, conn.dialect.name, conn.connection.info if remember else None):
            cursor.execute(_stamp_sql(pending))
    finally:
        cursor.close()
    pending.clear()


def _stamp_before_commit(session: Session) -> None:
    """Session.commit: flush what is left (the commit's own flush comes after this event), then stamp the
    tables changed in this transaction."""
    if not session.in_transaction():
        return
    session.flush()
    connection = session.connection()  # the one engine the service binds
    pending = connection.info.get(_PENDING)
    if pending:
        _stamp(connection, pending, remember=True)


def _stamp_core_commit(conn) -> None:
    """A Core transaction (no session) that changed tracked tables: stamp them on its own DBAPI
    connection, inside the transaction, just before the COMMIT."""
    pending = conn.info.get(_PENDING)
    if pending:
        _stamp(conn, pending, remember=False)


def _forget(conn) -> None:
    conn.info.pop(_PENDING, None)


def _forget_dbapi(dbapi_connection, record, *_args) -> None:
    record.info.pop(_PENDING, None)


def install(engine) -> None:
    """Watch an engine's statements and commits (create_app calls it for the app's engine)."""
    if event.contains(engine, "before_cursor_execute", _record_dml):
        return
    event.listen(engine, "before_cursor_execute", _record_dml)
    event.listen(engine, "commit", _stamp_core_commit)
    event.listen(engine, "rollback", _forget)
    event.listen(engine.pool, "checkin", _forget_dbapi)


def _forget_versions(session: Session, _transaction) -> None:
    session.info.pop(_VERSIONS, None)


if not event.contains(Session, "before_commit", _stamp_before_commit):
    event.listen(Session, "before_commit", _stamp_before_commit)
if not event.contains(Session, "after_transaction_end", _forget_versions):
    event.listen(Session, "after_transaction_end", _forget_versions)

_ALL_VERSIONS = select(data_versions.c.name, data_versions.c.version)


def table_versions(session) -> dict[str, int]:
    """Every table's version, read in one query the first time a transaction asks and kept in the
    session until the transaction ends (commit, rollback or the request's end), so that a request reading
    several caches sends one query, not one per cache. Flushes pending changes first (as autoflush
    would), so that a change of this transaction is noticed by FigureCache.get."""
    if session.autoflush:
        session.flush()
    known = session.info.get(_VERSIONS)
    if known is None:
        known = dict(session.execute(_ALL_VERSIONS).all())
        session.info[_VERSIONS] = known
    return known


class FigureCache:
    """Figures named `what`, computed from `tables`, cached per process (at most `size` entries).

    `get(session, key, compute)` answers compute() for the arguments in key (hashable: filters, language, scope,
    today's date when the figures depend on it), from the cache when the tables have not changed since.
    Values are shared between requests and threads: never change one after it is returned.
    """

    def __init__(self, what: str, tables: Iterable[str], size: int = 256):
        self.what = what
        self.tables = tuple(sorted(set(tables)))
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        with _lock:
            _tracked.update(self.tables)
            all_caches.append(self)

    def versions(self, session) -> tuple:
        """The versions of the tables (None: never changed since the database was made), at most one
        query per transaction (table_versions)."""
        rows = table_versions(session)
        return tuple(rows.get(name) for name in self.tables)

    def get(self, session, key: Hashable, compute: Callable[[], T]) -> T:
        versions = self.versions(session)  # autoflushes: pending changes show up below
        connection = session.connection()
        if connection.info.get(_PENDING):
            # this transaction has changed the tables and not committed: its own figures, not cached
            return compute()
        full_key = (str(connection.engine.url), key, versions)
        with self._lock:
            if full_key in self._entries:
                self._entries.move_to_end(full_key)
                self.hits += 1
                return self._entries[full_key]
        value = compute()
        with self._lock:
            self.misses += 1
            self._entries[full_key] = value
            self._entries.move_to_end(full_key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
