"""The audit chain's mechanics: one writer at a time, signed checkpoints, verification (docs/audit.md)."""

import hashlib
import hmac
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, insert, select, text

from grants.audit.models import AuditCheckpoint, AuditEvent
from grants.core.db import utcnow
from grants.extensions import db

# Key of the PostgreSQL advisory lock that serialises appends ("audit" in ASCII); any fixed
# number works as long as nothing else in the database uses it.
ADVISORY_LOCK_KEY = 0x6175646974
CHECKPOINT_EVERY = 100  # default of the AUDIT_CHECKPOINT_EVERY setting
_KEY_CONTEXT = b"grants audit checkpoint key v1"


def _is_postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_head() -> None:
    """Take the chain's write lock for the rest of the transaction.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback, so two
    transactions never read the same head. SQLite: every write transaction already holds the
    database's single write lock from its start (BEGIN IMMEDIATE, grants/core/database.py); a
    deferred transaction that lost the race fails with "database is locked" instead of forking
    the chain.
    """
    if _is_postgres():
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def head() -> tuple[int, str] | None:
    """(id, hash) of the newest event, or None for an empty trail; call with the lock held."""
    row = db.session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else None


def next_id(current_head: tuple[int, str] | None) -> int:
    """The id of the next event, known before it is hashed; call with the lock held."""
    if _is_postgres():
        # The column's own sequence stays authoritative (restores, any other insert path).
        return db.session.scalar(text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))"))
    return (current_head[0] if current_head else 0) + 1


def next_ids(current_head: tuple[int, str] | None, count: int) -> list[int]:
    """The ids of the next `count` events in increasing order, in one query; call with the lock held."""
    if _is_postgres():
        rows = db.session.scalars(
            text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id')) FROM generate_series(1, :n)"),
            {"n": count},
        )
        return sorted(rows)
    first = (current_head[0] if current_head else 0) + 1
    return list(range(first, first + count))


# --- checkpoints ------------------------------------------------------------------------------


def _derive(secret: str) -> bytes:
    return hmac.new(secret.encode(), _KEY_CONTEXT, hashlib.sha256).digest()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def signing_key() -> tuple[str, bytes]:
    """(key id, key) derived from SECRET_KEY; the id tells which key signed a checkpoint."""
    key = _derive(current_app.config["SECRET_KEY"])
    return _key_id(key), key


def _setting(name: str, default: str) -> str:
    """The app's config (read from the environment in grants/config.py), else the default."""
    value = current_app.config.get(name)
    return str(default if value is None else value)


def known_keys() -> dict[str, bytes]:
    """Keys that may have signed stored checkpoints: SECRET_KEY and AUDIT_FORMER_SECRET_KEYS (comma-separated)."""
    former = _setting("AUDIT_FORMER_SECRET_KEYS", "")
    secrets_ = [current_app.config["SECRET_KEY"], *(s.strip() for s in former.split(","))]
    keys = (_derive(s) for s in secrets_ if s)
    return {_key_id(k): k for k in keys}


def _sign(key: bytes, checkpoint: AuditCheckpoint) -> str:
    return hmac.new(key, checkpoint.signed_content(), hashlib.sha256).hexdigest()


def write_checkpoint(through: tuple[int, str] | None = None) -> AuditCheckpoint | None:
    """Sign the current head (or the given (id, hash), with the lock held); None when the trail is empty."""
    if through is None:
        lock_head()
        through = head()
        if through is None:
            return None
    event_id, event_hash = through
    count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= event_id))
    key_id, key = signing_key()
    checkpoint = AuditCheckpoint(
        at=utcnow(), event_id=event_id, event_hash=event_hash, event_count=count, key_id=key_id
    )
    checkpoint.signature = _sign(key, checkpoint)
    db.session.add(checkpoint)
    db.session.flush()
    return checkpoint


def checkpoint_if_due(new_head: tuple[int, str]) -> AuditCheckpoint | None:
    """Write a checkpoint once AUDIT_CHECKPOINT_EVERY events follow the last one (lock held)."""
    every = int(_setting("AUDIT_CHECKPOINT_EVERY", str(CHECKPOINT_EVERY)))
    if every <= 0:
        return None
    last = db.session.scalar(select(func.max(AuditCheckpoint.event_id))) or 0
    since = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id > last))
    return write_checkpoint(new_head) if since >= every else None


def checkpoints_if_due(new_events: list[tuple[int, str]]) -> list[AuditCheckpoint]:
    """checkpoint_if_due after each of these events, just appended in this order (lock held): the
    same checkpoints (returned unsaved: they are inserted together, without their ids), counted with
    three queries instead of two per event."""
    every = int(_setting("AUDIT_CHECKPOINT_EVERY", str(CHECKPOINT_EVERY)))
    if every <= 0 or not new_events:
        return []
    first_new = new_events[0][0]
    last = db.session.scalar(select(func.max(AuditCheckpoint.event_id))) or 0
    before = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.id < first_new))
    since = db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.id > last, AuditEvent.id < first_new)
    )
    key_id, key = signing_key()
    written = []
    for position, (event_id, event_hash) in enumerate(new_events, start=1):
        since += 1
        if since < every:
            continue
        checkpoint = AuditCheckpoint(
            at=utcnow(),
            event_id=event_id,
            event_hash=event_hash,
            event_count=before + position,
            key_id=key_id,
        )
        checkpoint.signature = _sign(key, checkpoint)
        written.append(checkpoint)
        since = 0
    if written:  # one statement, whatever their number
        columns = ("at", "event_id", "event_hash", "event_count", "key_id", "signature")
        rows = [{name: getattr(checkpoint, name) for name in columns} for checkpoint in written]
        db.session.execute(insert(AuditCheckpoint), rows)
    return written


# --- verification -----------------------------------------------------------------------------


@dataclass
class Verification:
    events: int = 0
    checkpoints: int = 0
    first_broken: int | None = None  # id of the first event whose hash or link does not hold
    problems: list[str] = field(default_factory=list)
    last_checkpoint: AuditCheckpoint | None = None
    head: tuple[int, str] | None = None  # (id, hash) of the newest event checked

    @property
    def ok(self) -> bool:
        return not self.problems


def verify() -> Verification:
    """Recompute every hash and link in id order, then hold the checkpoints against the events."""
    result = Verification()
    checkpoints = list(db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))
    result.checkpoints = len(checkpoints)
    keys = known_keys()
    trusted: dict[int, list[AuditCheckpoint]] = {}
    unsigned: list[str] = []  # reported after the events, so the first line names the first broken event
    for cp in checkpoints:
        key = keys.get(cp.key_id)
        if key is None:
            unsigned.append(
                f"checkpoint {cp.id} was signed with another key (SECRET_KEY changed? "
                "list the old one in AUDIT_FORMER_SECRET_KEYS)"
            )
        elif not hmac.compare_digest(_sign(key, cp), cp.signature):
            unsigned.append(f"checkpoint {cp.id}: signature does not match (checkpoint forged or altered)")
        else:
            trusted.setdefault(cp.event_id, []).append(cp)
            result.last_checkpoint = cp

    prev = None
    seen: set[int] = set()
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        result.events += 1
        broken = []
        if event.prev_hash != prev:
            broken.append(
                "its link to the previous event is broken (an event before it was removed or altered)"
            )
        if event.compute_hash() != event.hash:
            broken.append("its content does not match its hash (the event was altered)")
        if broken:
            if result.first_broken is None:
                result.first_broken = event.id
            result.problems.append(f"event {event.id} ({event.action}): " + "; ".join(broken))
        for cp in trusted.get(event.id, ()):
            seen.add(cp.id)
            if cp.event_hash != event.hash:
                result.problems.append(
                    f"event {event.id} no longer matches checkpoint {cp.id} of {cp.at:%Y-%m-%d %H:%M}"
                )
            if cp.event_count != result.events:
                result.problems.append(
                    f"checkpoint {cp.id} counted {cp.event_count} events up to event {event.id}; "
                    f"{result.events} are there now (events were deleted or inserted)"
                )
        prev = event.hash
        result.head = (event.id, event.hash)

    for cps in trusted.values():
        for cp in cps:
            if cp.id not in seen:
                result.problems.append(
                    f"event {cp.event_id}, signed by checkpoint {cp.id} of {cp.at:%Y-%m-%d %H:%M}, is missing: "
                    "events were deleted"
                )
    result.problems.extend(unsigned)
    return result
