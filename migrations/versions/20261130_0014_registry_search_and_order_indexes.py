"""The lot registry at national scale (docs/performance.md#search-and-pagination): a trigram search
index over the searched texts of a lot (an FTS5 table kept by triggers on SQLite, a pg_trgm GIN index
on PostgreSQL) and indexes in the registry's orders, so that pages and cursors read a few index
entries instead of sorting every lot.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 17:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# The searched texts of a lot, in this order (grants/lots/search.py SEARCHED).
SEARCHED = ("title_ru", "title_kk", "title_en", "number", "goal_ru")

# The number a lot number starts with (grants/lots/operations.py leading_number), per dialect.
LEAD = {
    "sqlite": "(CASE WHEN number GLOB '[0-9]*' THEN CAST(substr(number, 1, 18) AS INTEGER) END)",
    "postgresql": "(CAST(substring(number from '^[0-9]{1,18}') AS BIGINT))",
}


def number_order(lead: str) -> str:
    return f"({lead} IS NULL), {lead}, length(number), number"


def title(*languages: str) -> str:
    """grants/lots/operations.py title_column: the title in the reader's language, falling back."""
    return "coalesce(" + ", ".join(f"nullif(title_{lang}, '')" for lang in languages) + ", '')"


def order_indexes(dialect: str) -> dict[str, str]:
    """Index name -> column list, one per order of the registry (grants/monitoring/registry.py)."""
    numbers = number_order(LEAD[dialect])
    ties = f"year DESC, {numbers}, id"  # every order ends in the default one
    return {
        "ix_lots_registry_year": ties,
        "ix_lots_registry_number": f"{numbers}, year DESC, id",
        "ix_lots_registry_budget": f"budget, {ties}",
        "ix_lots_registry_title_ru": f"({title('ru', 'kk', 'en')}), {ties}",
        "ix_lots_registry_title_kk": f"({title('kk', 'ru', 'en')}), {ties}",
        "ix_lots_registry_title_en": f"({title('en', 'ru', 'kk')}), {ties}",
        # the filters, each with the default order's first key (the single-column indexes of 0001 stay)
        "ix_lots_registry_region": f"region_id, {ties}",
        "ix_lots_registry_administrator": f"administrator_id, {ties}",
        "ix_lots_registry_sphere": f"sphere_id, {ties}",
        "ix_lots_registry_status": f"status, {ties}",
    }


def search_text_postgresql() -> str:
    """grants/lots/search.py search_text: the searched texts, lower-cased, one per line."""
    parts = [f"COALESCE({name}, '')" for name in SEARCHED]
    expression = parts[0]
    for part in parts[1:]:
        expression = f"{expression} || E'\\n' || {part}"
    return f"lower({expression})"


def upgrade():
    dialect = op.get_bind().dialect.name
    for name, columns in order_indexes(dialect).items():
        op.execute(f"CREATE INDEX {name} ON lots ({columns})")
    if dialect == "sqlite":
        columns = ", ".join(SEARCHED)
        new = ", ".join(f"new.{name}" for name in SEARCHED)
        old = ", ".join(f"old.{name}" for name in SEARCHED)
        # An external-content FTS5 table: it stores only the trigram index, the texts stay in lots.
        op.execute(
            f"CREATE VIRTUAL TABLE lots_search USING fts5({columns}, content='lots', content_rowid='id', "
            "tokenize='trigram')"
        )
        op.execute(
            f"CREATE TRIGGER lots_search_insert AFTER INSERT ON lots BEGIN "
            f"INSERT INTO lots_search(rowid, {columns}) VALUES (new.id, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER lots_search_delete AFTER DELETE ON lots BEGIN "
            f"INSERT INTO lots_search(lots_search, rowid, {columns}) VALUES ('delete', old.id, {old}); END"
        )
        op.execute(
            f"CREATE TRIGGER lots_search_update AFTER UPDATE OF {columns} ON lots BEGIN "
            f"INSERT INTO lots_search(lots_search, rowid, {columns}) VALUES ('delete', old.id, {old}); "
            f"INSERT INTO lots_search(rowid, {columns}) VALUES (new.id, {new}); END"
        )
        op.execute("INSERT INTO lots_search(lots_search) VALUES ('rebuild')")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute(f"CREATE INDEX ix_lots_search_trgm ON lots USING gin (({search_text_postgresql()}) gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("lots_search_insert", "lots_search_delete", "lots_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS lots_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_lots_search_trgm")
        # pg_trgm stays installed: other databases' objects may use it, and it holds no data.
    for name in order_indexes(dialect):
        op.execute(f"DROP INDEX IF EXISTS {name}")
