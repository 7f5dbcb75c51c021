"""The audit chain names the first altered event and notices events deleted after a checkpoint (docs/audit.md)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from grants.audit import chain
from grants.audit.models import AuditCheckpoint, AuditEvent, event_hash
from grants.audit.operations import record
from grants.lots.models import Lot
from tests.factories import user


@pytest.fixture
def lot(db):
    return db.session.scalars(select(Lot).order_by(Lot.id).limit(1)).one()


class Recorded:
    """What a test remembers of an event (the ORM object may be gone once the row is deleted)."""

    def __init__(self, event: AuditEvent):
        self.id, self.hash, self.at, self.prev_hash = event.id, event.hash, event.at, event.prev_hash


def _events(lot, n: int) -> list[Recorded]:
    return [
        Recorded(record("lot.update", lot, before={"title_ru": f"title {i}"}, actor=user("ministry")))
        for i in range(n)
    ]


def _tamper(db, sql: str, **params) -> None:
    db.session.execute(text(sql), params)
    db.session.expire_all()


def test_the_hash_covers_id_time_actor_object_and_payload(db, lot):
    event = record("lot.update", lot, before={"title_ru": "old"}, actor=user("ministry"))
    fields = {
        "id": event.id, "at": event.at, "actor_id": event.actor_id, "action": event.action,
        "object_type": event.object_type, "object_id": event.object_id, "before": event.before,
        "after": event.after, "prev_hash": event.prev_hash,
    }  # fmt: skip
    assert event_hash(**fields) == event.hash
    changed = {
        "id": event.id + 1, "at": event.at + timedelta(microseconds=1), "actor_id": None, "action": "x",
        "object_type": "Project", "object_id": (event.object_id or 0) + 1, "before": {"title_ru": "other"},
        "after": {}, "prev_hash": "0" * 64,
    }  # fmt: skip
    for name, value in changed.items():
        assert event_hash(**{**fields, name: value}) != event.hash, f"{name} is not covered by the hash"


def test_events_are_linked_in_id_order_and_verify(db, lot):
    first, second, third = _events(lot, 3)
    assert (second.id, third.id) == (first.id + 1, second.id + 1)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    result = chain.verify()
    assert result.ok, result.problems
    assert result.head == (third.id, third.hash)


@pytest.mark.parametrize(
    ("column", "sql"),
    [
        ("time", "UPDATE audit_events SET at = :at WHERE id = :id"),
        ("actor", "UPDATE audit_events SET actor_id = NULL WHERE id = :id"),
        ("payload", 'UPDATE audit_events SET before = \'{"title_ru": "forged"}\' WHERE id = :id'),
        ("object", "UPDATE audit_events SET object_id = object_id + 1000 WHERE id = :id"),
    ],
)
def test_tampering_is_detected_and_the_first_broken_event_named(db, lot, column, sql):
    events = _events(lot, 4)
    target = events[1]
    _tamper(db, sql, id=target.id, at=target.at - timedelta(days=3))
    result = chain.verify()
    assert result.first_broken == target.id, f"{column}: {result.problems}"
    assert result.problems[0].startswith(f"event {target.id} (lot.update): its content does not match")
    assert len(result.problems) == 1  # the later events still link to the stored hash: only this one is named


def test_removing_an_event_in_the_middle_breaks_the_next_link(db, lot):
    events = _events(lot, 3)
    _tamper(db, "DELETE FROM audit_events WHERE id = :id", id=events[1].id)
    result = chain.verify()
    assert result.first_broken == events[2].id
    assert "link to the previous event is broken" in result.problems[0]


def test_deleting_the_newest_events_after_a_checkpoint_is_detected(db, lot):
    events = _events(lot, 5)
    checkpoint = chain.write_checkpoint()
    assert checkpoint.event_id == events[-1].id
    assert chain.verify().ok

    # Without a checkpoint the shortened chain would verify: every remaining link holds.
    _tamper(db, "DELETE FROM audit_events WHERE id >= :id", id=events[-2].id)
    result = chain.verify()
    assert result.first_broken is None
    assert any(
        f"event {events[-1].id}, signed by checkpoint {checkpoint.id}" in p and "deleted" in p
        for p in result.problems
    )


def test_deleting_and_appending_again_does_not_hide_it(db, lot):
    """New events after the deletion (reusing ids on SQLite, fresh ids on PostgreSQL) do not restore trust."""
    events = _events(lot, 4)
    checkpoint = chain.write_checkpoint()
    _tamper(db, "DELETE FROM audit_events WHERE id >= :id", id=events[-2].id)
    _events(lot, 3)
    result = chain.verify()
    assert not result.ok
    assert any(f"checkpoint {checkpoint.id}" in p for p in result.problems)


def test_a_rewritten_chain_does_not_match_its_checkpoint(db, lot, app):
    """Someone who deletes an event and recomputes every later hash (the formula is public) is caught
    by the signed checkpoint, which they cannot re-sign without SECRET_KEY."""
    events = _events(lot, 4)
    checkpoint = chain.write_checkpoint()
    _tamper(db, "DELETE FROM audit_events WHERE id = :id", id=events[1].id)
    prev = events[0].hash
    for event in db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > events[0].id).order_by(AuditEvent.id)
    ):
        event.prev_hash = prev
        new = event.compute_hash()
        db.session.execute(
            text("UPDATE audit_events SET prev_hash = :p, hash = :h WHERE id = :id"),
            {"p": prev, "h": new, "id": event.id},
        )
        prev = new
    db.session.expire_all()
    result = chain.verify()
    assert result.first_broken is None  # the links and hashes hold again...
    assert any(
        f"no longer matches checkpoint {checkpoint.id}" in p for p in result.problems
    )  # ...the checkpoint does not
    assert any(f"checkpoint {checkpoint.id} counted" in p for p in result.problems)


def test_checkpoint_signatures_are_checked(db, lot, app):
    _events(lot, 2)
    checkpoint = chain.write_checkpoint()
    _tamper(db, "UPDATE audit_checkpoints SET event_count = event_count - 1 WHERE id = :id", id=checkpoint.id)
    assert any(f"checkpoint {checkpoint.id}: signature does not match" in p for p in chain.verify().problems)


def test_a_checkpoint_signed_with_a_former_secret_key(db, lot, app):
    _events(lot, 2)
    checkpoint = chain.write_checkpoint()
    old_secret = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-new-secret-key-after-rotation-0123456789"
    try:
        problems = chain.verify().problems
        assert any(f"checkpoint {checkpoint.id} was signed with another key" in p for p in problems)
        app.config["AUDIT_FORMER_SECRET_KEYS"] = old_secret
        assert chain.verify().ok
    finally:
        app.config["SECRET_KEY"] = old_secret
        app.config.pop("AUDIT_FORMER_SECRET_KEYS", None)


def test_a_checkpoint_is_written_every_n_events(db, lot, app):
    _events(lot, 1)
    start = chain.write_checkpoint()
    app.config["AUDIT_CHECKPOINT_EVERY"] = 3
    try:
        events = _events(lot, 7)
    finally:
        app.config.pop("AUDIT_CHECKPOINT_EVERY")
    written = list(
        db.session.scalars(
            select(AuditCheckpoint).where(AuditCheckpoint.id > start.id).order_by(AuditCheckpoint.id)
        )
    )
    assert [(cp.event_id, cp.event_hash) for cp in written] == [
        (events[2].id, events[2].hash),
        (events[5].id, events[5].hash),
    ]
    assert chain.verify().ok


def test_verify_audit_command(db, lot, app):
    events = _events(lot, 3)
    db.session.commit()  # a savepoint in this test: the command's session sees it
    runner = app.test_cli_runner()
    result = runner.invoke(args=["verify-audit", "--checkpoint"])
    assert result.exit_code == 0, result.output
    assert "audit trail intact" in result.output
    assert f"event {events[-1].id} hash {events[-1].hash}" in result.output
    assert db.session.scalar(select(func.max(AuditCheckpoint.event_id))) == events[-1].id

    _tamper(db, "UPDATE audit_events SET after = '{}' WHERE id = :id", id=events[0].id)
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 1
    assert f"first broken event: {events[0].id}" in result.output
    assert "problems in" in result.output
