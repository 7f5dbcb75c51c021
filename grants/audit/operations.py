from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from flask_login import current_user
from sqlalchemy import inspect, select

from grants.audit.models import AuditEvent
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


def record(action: str, obj, before: dict | None = None, after: dict | None = None, actor=CURRENT_USER) -> AuditEvent:
    """Append an audit event for obj (flushes, never commits); actor None records the system itself."""
    if actor is CURRENT_USER:
        actor = current_user if current_user and current_user.is_authenticated else None
    db.session.flush()
    prev = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=after if after is not None else snapshot(obj),
        prev_hash=prev,
    )
    event.hash = event.compute_hash()
    db.session.add(event)
    db.session.flush()
    return event
