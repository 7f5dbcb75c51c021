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


def test_orm_cannot_change_an_event(db):
    lot = db.session.scalars(select(Lot).limit(1)).one()
    event = record("lot.update", lot)
    db.session.commit()
    event.action = "changed"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "lot.update"


def test_orm_cannot_delete_an_event(db):
    lot = db.session.scalars(select(Lot).limit(1)).one()
    event_id = record("lot.update", lot).id
    db.session.commit()
    db.session.delete(db.session.get(AuditEvent, event_id))
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event_id) is not None
