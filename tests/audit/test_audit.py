import pytest
from sqlalchemy import select, text

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.audit.operations import record
from grants.lots.models import Lot


def test_events_chain_and_tampering_is_detected(db):
    lot = db.session.scalars(select(Lot).limit(1)).one()
    first = record("lot.update", lot, before={"title_ru": "old"})
    second = record("lot.update", lot, before={"title_ru": "older"})
    assert second.prev_hash == first.hash
    count, problems = verify_chain()
    assert count >= 2 and problems == []

    # Someone edits a row behind the application's back: the chain says so.
    db.session.execute(text("UPDATE audit_events SET action = 'lot.delete' WHERE id = :id"), {"id": first.id})
    db.session.expire_all()
    _count, problems = verify_chain()
    assert any(f"event {first.id}" in p for p in problems)


def test_orm_cannot_change_or_delete_events(db):
    lot = db.session.scalars(select(Lot).limit(1)).one()
    event = record("lot.update", lot)
    event.action = "changed"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    if event is not None:
        db.session.delete(event)
        with pytest.raises(PermissionError):
            db.session.flush()
