"""ship the two default methodologies of docs/domain.md#criteria (project effectiveness, lot relevance)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

methodologies = sa.table(
    "methodologies",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("version", sa.Integer),
    sa.column("kind", sa.String), sa.column("name_ru", sa.String), sa.column("name_kk", sa.String),
    sa.column("name_en", sa.String), sa.column("scale_min", sa.Integer), sa.column("scale_max", sa.Integer),
    sa.column("quorum", sa.Integer), sa.column("disagreement_threshold", sa.Integer),
    sa.column("comment_required_scores", sa.JSON), sa.column("bands", sa.JSON), sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_at", sa.DateTime(timezone=True)),
)
criteria = sa.table(
    "criteria",
    sa.column("methodology_id", sa.Integer), sa.column("position", sa.Integer), sa.column("code", sa.String),
    sa.column("name_ru", sa.Text), sa.column("name_kk", sa.Text), sa.column("name_en", sa.Text),
    sa.column("short_ru", sa.String), sa.column("short_kk", sa.String), sa.column("short_en", sa.String),
    sa.column("weight", sa.Numeric(8, 4)), sa.column("descriptors", sa.JSON),
)


def _data():
    # Imported here, not at module level, so the history loads even if the module moves later.
    from grants.monitoring.defaults import DEFAULT_METHODOLOGIES

    return json.loads(json.dumps(DEFAULT_METHODOLOGIES))


def upgrade():
    bind = op.get_bind()
    now = datetime.now(timezone.utc)
    for m in _data():
        exists = bind.execute(
            sa.select(methodologies.c.id).where(methodologies.c.code == m["code"], methodologies.c.version == m["version"])
        ).scalar()
        if exists:
            continue
        bind.execute(methodologies.insert().values(
            code=m["code"], version=m["version"], kind=m["kind"], name_ru=m["name_ru"], name_kk=m["name_kk"],
            name_en=m["name_en"], scale_min=m["scale_min"], scale_max=m["scale_max"], quorum=m["quorum"],
            disagreement_threshold=m["disagreement_threshold"], comment_required_scores=m["comment_required_scores"],
            bands=m["bands"], active=True, created_at=now, updated_at=now,
        ))
        new_id = bind.execute(
            sa.select(methodologies.c.id).where(methodologies.c.code == m["code"], methodologies.c.version == m["version"])
        ).scalar()
        for position, c in enumerate(m["criteria"]):
            bind.execute(criteria.insert().values(
                methodology_id=new_id, position=position, code=c["code"], name_ru=c["name_ru"], name_kk=c["name_kk"],
                name_en=c["name_en"], short_ru=c.get("short_ru"), short_kk=c.get("short_kk"), short_en=c.get("short_en"),
                weight=c["weight"], descriptors=c["descriptors"],
            ))


def downgrade():
    bind = op.get_bind()
    for m in _data():
        ids = [r[0] for r in bind.execute(sa.text(
            "SELECT id FROM methodologies WHERE code = :code AND version = :version "
            "AND NOT EXISTS (SELECT 1 FROM evaluations WHERE evaluations.methodology_id = methodologies.id) "
            "AND NOT EXISTS (SELECT 1 FROM campaigns WHERE campaigns.project_methodology_id = methodologies.id "
            "OR campaigns.lot_methodology_id = methodologies.id)"
        ), {"code": m["code"], "version": m["version"]})]
        for mid in ids:
            bind.execute(criteria.delete().where(criteria.c.methodology_id == mid))
            bind.execute(methodologies.delete().where(methodologies.c.id == mid))
