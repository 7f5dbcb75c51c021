"""Searching the lot registry by its texts through a trigram index (docs/performance.md#search-and-pagination).

The meaning is the one the registry always had (grants.core.db.text_search): the words typed are found
anywhere in a lot's Russian, Kazakh or English title, its number or its Russian goal, ignoring case
(Cyrillic and the Kazakh letters ә ғ қ ң ө ұ ү һ і included). What changes is the cost: instead of
reading every lot, the database looks the text up in an index of its three-letter pieces (trigrams):
an FTS5 table on SQLite (`lots_search`, kept by triggers on `lots`) and a pg_trgm GIN index on
PostgreSQL (`ix_lots_search_trgm`), both made by migration 0014. A text of one or two letters has no
trigram; it is looked for the old way, by reading the lots.
"""

from sqlalchemy import ColumnElement, column, literal_column, select, table

from grants.core.db import text_search
from grants.extensions import db
from grants.lots.models import Lot

# The searched texts, in the order of the index (migration 0014 SEARCHED).
SEARCHED = (Lot.title_ru, Lot.title_kk, Lot.title_en, Lot.number, Lot.goal_ru)
TRIGRAM = 3  # the shortest text the index can find
# Objects of the schema that are not mapped by a model: the FTS5 table and its shadow tables, and the
# expression indexes of migration 0014 (tests/test_migrations.py leaves them to that migration).
UNMAPPED_TABLES = frozenset(
    {"lots_search", *(f"lots_search_{part}" for part in ("data", "idx", "docsize", "config", "content"))}
)
UNMAPPED_INDEXES = frozenset(
    {
        "ix_lots_search_trgm",
        "ix_lots_registry_year",
        "ix_lots_registry_number",
        "ix_lots_registry_budget",
        "ix_lots_registry_title_ru",
        "ix_lots_registry_title_kk",
        "ix_lots_registry_title_en",
        "ix_lots_registry_region",
        "ix_lots_registry_administrator",
        "ix_lots_registry_sphere",
        "ix_lots_registry_status",
    }
)

_FTS = table("lots_search", column("rowid"))


def search_text() -> ColumnElement:
    """PostgreSQL: the searched texts, lower-cased, one per line: the expression ix_lots_search_trgm indexes."""
    expression = literal_column("COALESCE(lots.title_ru, '')")
    for searched in SEARCHED[1:]:
        expression = expression.op("||")(literal_column("E'\\n'")).op("||")(
            literal_column(f"COALESCE(lots.{searched.key}, '')")
        )
    return literal_column(f"lower({expression})")


def _escape_like(text: str) -> str:
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


def lot_search(q: str) -> ColumnElement:
    """A condition on Lot: q occurs in one of the searched texts, whatever the case."""
    needle = q.strip().lower()
    if len(needle) < TRIGRAM:
        return text_search(SEARCHED, needle)
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        # A quoted FTS5 string is a phrase: its trigrams in a row, i.e. the text as a substring.
        phrase = '"' + needle.replace('"', '""') + '"'
        return Lot.id.in_(select(_FTS.c.rowid).where(literal_column("lots_search").match(phrase)))
    if dialect == "postgresql":
        return search_text().like(f"%{_escape_like(needle)}%", escape="/")
    return text_search(SEARCHED, needle)
