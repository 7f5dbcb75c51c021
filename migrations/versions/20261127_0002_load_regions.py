"""load the 20 top-level regions (KATO) as reference data

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27

"""
import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The list as of this migration, kept here so the migration gives the same result forever.
REGIONS_CSV = Path(__file__).resolve().parents[2] / "grants" / "seed" / "data" / "regions.csv"

regions = sa.table(
    "regions",
    sa.column("kato", sa.String),
    sa.column("iso", sa.String),
    sa.column("name_ru", sa.String),
    sa.column("name_kk", sa.String),
    sa.column("name_en", sa.String),
    sa.column("center_ru", sa.String),
)


def upgrade():
    with open(REGIONS_CSV, encoding="utf-8") as fh:
        rows = [
            {k: row[k] for k in ("kato", "iso", "name_ru", "name_kk", "name_en", "center_ru")}
            for row in csv.DictReader(fh)
        ]
    existing = {r[0] for r in op.get_bind().execute(sa.text("SELECT kato FROM regions"))}
    op.bulk_insert(regions, [r for r in rows if r["kato"] not in existing])


REFERENCING = ("lots", "organisations", "public_needs", "councils")


def downgrade():
    # Regions still referenced by data stay: removing them would break that data.
    with open(REGIONS_CSV, encoding="utf-8") as fh:
        katos = ", ".join(f"'{row['kato']}'" for row in csv.DictReader(fh))
    unused = " AND ".join(
        f"NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.region_id = regions.id)" for table in REFERENCING
    )
    op.execute(f"DELETE FROM regions WHERE kato IN ({katos}) AND {unused}")
