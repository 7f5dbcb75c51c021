"""Version counters on evaluations and scorecards (optimistic locking, docs/concurrency.md)

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
    pass


def downgrade():
    pass
