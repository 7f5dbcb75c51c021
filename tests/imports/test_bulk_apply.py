"""A lot import is written in bulk (docs/performance.md#the-lot-import): the audit chain and its signed
checkpoints are those of one record() per row, and the statements do not grow with the rows."""

from sqlalchemy import event, func, select

from grants.audit import chain
from grants.audit.models import AuditCheckpoint, AuditEvent
from grants.extensions import db
from grants.imports.lots import apply_lots, validate_lots
from grants.lots.models import Lot
from tests.imports.helpers import LOT_HEADERS, PREFIX, YEAR, csv_bytes, lot_rows


def imported(count: int, **overrides) -> int:
    """Validate and apply `count` lot rows; the statements the apply issued, but for the lots' own
    INSERT: SQLite's RETURNING gives no row order, so SQLAlchemy sends it once per new lot there
    (PostgreSQL gets them in batches)."""
    result = validate_lots(csv_bytes(lot_rows(count, **overrides), LOT_HEADERS))
    assert result.ok, [e.describe() for e in result.errors]
    statements = []

    def counted(conn, cursor, statement, *args):
        if not statement.startswith("INSERT INTO lots "):
            statements.append(statement)

    connection = db.engines[None]
    event.listen(connection, "before_cursor_execute", counted)
    try:
        apply_lots(result)
    finally:
        event.remove(connection, "before_cursor_execute", counted)
    db.session.commit()
    return len(statements)


def test_a_large_import_keeps_the_audit_chain_and_its_checkpoints(app):
    last_checkpoint = db.session.scalar(select(func.max(AuditCheckpoint.event_id))) or 0
    imported(250)
    lots = db.session.scalars(
        select(Lot).where(Lot.year == YEAR, Lot.number.like(f"{PREFIX}-%")).order_by(Lot.number)
    ).all()
    assert len(lots) == 250
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "lot.import").order_by(AuditEvent.id)
    ).all()
    assert [e.object_id for e in events[-250:]] == [lot.id for lot in lots]  # in the file's order
    assert events[-1].after["number"] == lots[-1].number
    new = db.session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.event_id > last_checkpoint)).all()
    assert len(new) >= 2
    verification = chain.verify()
    assert verification.ok, verification.problems
    assert verification.head == (events[-1].id, events[-1].hash)


def test_the_statements_of_an_import_do_not_grow_with_its_rows(app):
    few = imported(20)
    db.session.execute(Lot.__table__.delete().where(Lot.number.like(f"{PREFIX}-%")))
    many = imported(300)
    assert few <= many <= few + 1, (few, many)  # + the one INSERT of the checkpoints that fell due
    # updating the same lots again: the changed rows are written together as well
    again = imported(300, **{"Цель": "другая цель"})
    assert again <= many + 1, (many, again)
