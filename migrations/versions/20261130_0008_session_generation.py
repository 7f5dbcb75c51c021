"""Per-user session generation so logout and password changes revoke sessions and tokens (docs/security.md)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 00:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+ has it): a batch copy of users would trip the foreign keys
    # pointing at it.
    op.drop_column("users", "session_generation")
