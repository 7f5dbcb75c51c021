"""Version counters on evaluations and scorecards (optimistic locking) and the moment an evaluation's
scores were first revealed (independence of members), docs/concurrency.md

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('evaluations') as batch:
        batch.add_column(sa.Column('version_id', sa.Integer(), server_default='1', nullable=False))
        batch.add_column(sa.Column('scores_revealed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('scorecards') as batch:
        batch.add_column(sa.Column('version_id', sa.Integer(), server_default='1', nullable=False))
    # Evaluations whose scoring has already closed once have shown their scores to the chair.
    op.execute(
        "UPDATE evaluations SET scores_revealed_at = COALESCE(scoring_closed_at, finalized_at, updated_at) "
        "WHERE state NOT IN ('draft', 'scoring') OR scoring_closed_at IS NOT NULL"
    )


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of evaluations would trip the foreign keys
    # pointing at it.
    op.drop_column('scorecards', 'version_id')
    op.drop_column('evaluations', 'scores_revealed_at')
    op.drop_column('evaluations', 'version_id')
