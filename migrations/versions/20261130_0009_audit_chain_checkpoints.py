"""Audit hash covering id and time; signed checkpoints of the chain head (docs/audit.md)

Existing events were hashed by the first formula, which left out the id and the time (and the
chain could fork under concurrent writes). Upgrading checks the old chain with the old formula,
reports what it found, re-chains every event in id order with the new formula, and appends one
`audit.rechain` event saying so (with the old chain's problem count), so the trail itself shows
when and why its hashes were recomputed. Downgrading re-chains with the old formula and drops
the checkpoints. Both formulas are frozen copies here: a migration must not change when the
application's code does.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 00:00:00

"""
import hashlib
import json
import logging
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')
BATCH = 1000

events = sa.table(
    'audit_events',
    sa.column('id', sa.Integer),
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('actor_id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('object_type', sa.String),
    sa.column('object_id', sa.Integer),
    sa.column('before', sa.JSON),
    sa.column('after', sa.JSON),
    sa.column('prev_hash', sa.String),
    sa.column('hash', sa.String),
)


def _hash_v1(row, prev_hash):
    payload = json.dumps(
        [prev_hash, row.actor_id, row.action, row.object_type, row.object_id, row.before, row.after],
        sort_keys=True, ensure_ascii=False, default=str,
    )
    return hashlib.sha256(payload.encode('utf-8', 'surrogatepass')).hexdigest()


def _time_v2(value):
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec='microseconds')


def _hash_v2(row, prev_hash):
    payload = json.dumps(
        {
            'v': 2, 'id': row.id, 'at': _time_v2(row.at), 'actor_id': row.actor_id, 'action': row.action,
            'object_type': row.object_type, 'object_id': row.object_id, 'before': row.before,
            'after': row.after, 'prev_hash': prev_hash,
        },
        sort_keys=True, ensure_ascii=True, separators=(',', ':'),
    )
    return hashlib.sha256(payload.encode('ascii')).hexdigest()


def _rechain(bind, formula, check=None):
    """Recompute prev_hash and hash of every event in id order; returns (events, problems found by check)."""
    count = problems = 0
    prev_stored = prev_new = None
    last_id = 0
    update = (
        events.update()
        .where(events.c.id == sa.bindparam('event_id'))
        .values(prev_hash=sa.bindparam('new_prev'), hash=sa.bindparam('new_hash'))
    )
    while True:
        rows = bind.execute(
            sa.select(events).where(events.c.id > last_id).order_by(events.c.id).limit(BATCH)
        ).all()
        if not rows:
            return count, problems
        changes = []
        for row in rows:
            count += 1
            if check is not None and (row.prev_hash != prev_stored or check(row, row.prev_hash) != row.hash):
                problems += 1
            prev_stored = row.hash
            new_hash = formula(row, prev_new)
            changes.append({'event_id': row.id, 'new_prev': prev_new, 'new_hash': new_hash})
            prev_new = new_hash
        bind.execute(update, changes)
        last_id = rows[-1].id


def upgrade():
    op.create_table(
        'audit_checkpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('event_hash', sa.String(length=64), nullable=False),
        sa.Column('event_count', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    )
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoints_event_id'), ['event_id'], unique=False)

    bind = op.get_bind()
    count, problems = _rechain(bind, _hash_v2, check=_hash_v1)
    if not count:
        return
    log.warning(
        'audit trail re-chained with the hash that covers id and time: %s events, %s problems in the old chain',
        count, problems,
    )
    last = bind.execute(sa.select(events.c.id, events.c.hash).order_by(events.c.id.desc()).limit(1)).first()
    if bind.dialect.name == 'postgresql':
        new_id = bind.execute(sa.text("SELECT nextval(pg_get_serial_sequence('audit_events', 'id'))")).scalar()
    else:
        new_id = last.id + 1
    note = {
        'id': new_id, 'at': datetime.now(UTC), 'actor_id': None, 'action': 'audit.rechain',
        'object_type': 'AuditEvent', 'object_id': None, 'before': None,
        'after': {'revision': revision, 'events': count, 'old_chain_problems': problems},
    }
    note['prev_hash'] = last.hash
    note['hash'] = _hash_v2(_Fields(note), last.hash)
    bind.execute(events.insert().values(**note))


class _Fields:
    def __init__(self, values):
        self.__dict__.update(values)


def downgrade():
    bind = op.get_bind()
    _rechain(bind, _hash_v1)
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoints_event_id'))
    op.drop_table('audit_checkpoints')
