"""State changes taken once: row locks, version counters, and the 409 that losers of a race get.

docs/concurrency.md explains the rules. In short: an operation that changes an evaluation (or
anything decided under it: scorecards, reviews, rulings) first calls `lock(evaluation)`. On
PostgreSQL that is `SELECT … FOR UPDATE`: a second request for the same evaluation waits until the
first commits, then re-reads the state and finds its transition no longer allowed (409). On SQLite
every writing transaction already holds the database's write lock from its first statement
(grants/core/database.py), so the state read is current. Evaluations and scorecards also carry a
version counter (SQLAlchemy `version_id_col`): an UPDATE that finds the row changed since it was
read fails with StaleDataError, answered 409 like any other lost race.
"""

from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError

from grants.core.errors import RuleViolation
from grants.extensions import db


def lock(obj) -> None:
    """Take the row lock of obj for the rest of the transaction and reload what the session holds.

    Anything read before the lock may be stale, so every object in the session is expired after it
    (pending changes are flushed first, never lost) and is read again, current, on next use.
    """
    session = db.session
    session.flush()
    state = inspect(obj)
    if session.get_bind().dialect.name == "postgresql":
        mapper = state.mapper
        key = mapper.primary_key[0]
        session.execute(select(key).where(key == state.identity[0]).with_for_update())
    session.expire_all()


def conflict() -> RuleViolation:
    """The error a request gets when another one changed the same thing at the same moment."""
    return RuleViolation(
        _("Someone else changed this at the same moment. Reload the page and try again."),
        status=409,
        code="conflict",
    )


def is_unique_violation(exc: IntegrityError) -> bool:
    """A unique constraint refused a concurrent first write (PostgreSQL SQLSTATE 23505, SQLite UNIQUE)."""
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate == "23505" or "UNIQUE constraint failed" in str(orig)


TRANSIENT_SQLSTATES = ("40P01", "40001", "55P03")  # deadlock, serialization failure, lock not available


def is_transient(exc: OperationalError) -> bool:
    """SQLite's lock wait ran out, or PostgreSQL broke a deadlock or a serialization conflict: nothing
    was changed, and the same request will succeed in a moment."""
    orig = getattr(exc, "orig", exc)
    return "database is locked" in str(orig) or getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES
