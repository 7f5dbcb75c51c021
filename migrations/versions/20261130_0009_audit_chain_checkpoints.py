"""Audit hash covering id and time; signed checkpoints of the chain head (docs/audit.md)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
