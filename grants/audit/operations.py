import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_login import current_user
from sqlalchemy import insert, inspect

from grants.audit import chain
from grants.audit.models import AuditEvent, event_hash
from grants.core.db import utcnow
from grants.extensions import db


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj) -> dict:
    """Column values of a model instance as JSON-ready data."""
    return {attr.key: _plain(getattr(obj, attr.key)) for attr in inspect(obj).mapper.column_attrs}


CURRENT_USER = object()


def _stored_form(value):
    """The payload as the JSON column will hand it back (tuples as lists, keys as strings), so the
    hash computed now is the hash verify-audit recomputes later."""
    return None if value is None else json.loads(json.dumps(value, default=str))


def record(
    action: str, obj, before: dict | None = None, after: dict | None = None, actor=CURRENT_USER
) -> AuditEvent:
    """Append an audit event for obj (flushes, never commits); actor None records the system itself.

    Takes the chain's lock until the transaction ends (docs/audit.md): take row locks before the
    first audited change of a transaction, never after, so two transactions cannot wait on each other.
    """
    if actor is CURRENT_USER:
        actor = current_user if current_user and current_user.is_authenticated else None
    db.session.flush()
    chain.lock_head()
    current = chain.head()
    event = AuditEvent(
        id=chain.next_id(current),
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=_stored_form(before),
        after=_stored_form(after if after is not None else snapshot(obj)),
        prev_hash=current[1] if current else None,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    chain.checkpoint_if_due((event.id, event.hash))
    return event


def record_many(action: str, changes: list[tuple[object, dict | None]], actor=CURRENT_USER) -> list[int]:
    """record() for many objects at once, in the order given: (obj, before) pairs, after = the
    object's snapshot; the ids of the events. The same chain (lock, links, hashes, checkpoints every
    AUDIT_CHECKPOINT_EVERY events) as that many calls of record(), written in a few statements: one
    read of the head, the ids in one query, the events inserted together (docs/audit.md#many-events-at-once)."""
    if not changes:
        return []
    if actor is CURRENT_USER:
        actor = current_user if current_user and current_user.is_authenticated else None
    db.session.flush()
    chain.lock_head()
    current = chain.head()
    ids = chain.next_ids(current, len(changes))
    rows = []
    prev_hash = current[1] if current else None
    for event_id, (obj, before) in zip(ids, changes, strict=True):
        row = {
            "id": event_id,
            "at": utcnow(),
            "actor_id": getattr(actor, "id", None),
            "action": action,
            "object_type": type(obj).__name__,
            "object_id": getattr(obj, "id", None),
            "before": _stored_form(before),
            "after": _stored_form(snapshot(obj)),
            "prev_hash": prev_hash,
        }
        row["hash"] = prev_hash = event_hash(**row)
        rows.append(row)
    db.session.execute(insert(AuditEvent), rows)
    chain.checkpoints_if_due([(row["id"], row["hash"]) for row in rows])
    return ids
