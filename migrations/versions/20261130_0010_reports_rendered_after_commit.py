"""Reports rendered after commit: the issued text, a render status, and the PDF filled in later

Issuing a report now stores its text (`html`) and a `render_status` of `pending`; the PDF, its
sha256 and size are written together by the render job once the issuing transaction has committed
(docs/operations.md, "Reports after commit"). Existing reports were rendered when issued: they are
`ready`. Downgrading refuses while a report has no PDF yet, since the old schema cannot hold one.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 04:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _detach_decisions():
    """SQLite rebuilds the table to change a column's nullability, and dropping the old copy would
    trip review_decisions' foreign key (the only one pointing at reports): set it aside meanwhile."""
    if op.get_bind().dialect.name != 'sqlite':
        return False
    op.execute('CREATE TEMP TABLE _decision_reports AS '
               'SELECT id, report_id FROM review_decisions WHERE report_id IS NOT NULL')
    op.execute('UPDATE review_decisions SET report_id = NULL')
    return True


def _reattach_decisions(detached):
    if detached:
        op.execute('UPDATE review_decisions SET report_id = '
                   '(SELECT d.report_id FROM _decision_reports d WHERE d.id = review_decisions.id) '
                   'WHERE id IN (SELECT id FROM _decision_reports)')
        op.execute('DROP TABLE _decision_reports')


def upgrade():
    detached = _detach_decisions()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column(
            'render_status',
            sa.Enum('pending', 'ready', 'failed', name='renderstatus', native_enum=False, length=32),
            server_default='ready',
            nullable=False,
        ))
        batch_op.add_column(sa.Column('render_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('render_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_reports_render_status'), ['render_status'], unique=False)
    _reattach_decisions(detached)
    reports = sa.table('reports', sa.column('rendered_at', sa.DateTime(timezone=True)),
                       sa.column('issued_at', sa.DateTime(timezone=True)))
    op.execute(reports.update().values(rendered_at=reports.c.issued_at))


def downgrade():
    bind = op.get_bind()
    unrendered = bind.execute(sa.text("SELECT count(*) FROM reports WHERE sha256 IS NULL")).scalar()
    if unrendered:
        raise RuntimeError(
            f"{unrendered} report(s) have no PDF yet: run the render jobs (or `flask --app grants tick`) first"
        )
    detached = _detach_decisions()
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_render_status'))
        batch_op.alter_column('size', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('sha256', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('rendered_at')
        batch_op.drop_column('render_error')
        batch_op.drop_column('render_attempts')
        batch_op.drop_column('render_status')
        batch_op.drop_column('html')
    _reattach_decisions(detached)
