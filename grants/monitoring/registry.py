"""The lot registry as pages, the API and exports list it: the filters of grants.lots in one of the
registry's orders. It lives here, above lots, because one order is the latest published relevance
index, a monitoring result (docs/architecture.md, "Layers")."""

from sqlalchemy import Select, select

from grants.lots.models import Lot
from grants.lots.operations import (
    DEFAULT_SORT,
    LotFilters,
    lots_matching,
    number_order,
    title_column,
    valid_sort,
)
from grants.monitoring.models import Evaluation, SubjectKind


def published_index_column():
    """The latest published relevance index of the lot, as a correlated scalar subquery."""
    return (
        select(Evaluation.index_value)
        .where(
            Evaluation.lot_id == Lot.id,
            Evaluation.kind == SubjectKind.lot,
            Evaluation.is_published,
            Evaluation.index_value.is_not(None),
        )
        .order_by(Evaluation.published_at.desc(), Evaluation.id.desc())
        .limit(1)
        .correlate(Lot)
        .scalar_subquery()
    )


def sort_order(sort: str | None) -> list:
    """ORDER BY clauses for a sort of SORTS (anything else: the default, newest year first)."""
    sort = valid_sort(sort) or DEFAULT_SORT
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "index":
        column = published_index_column()
        primary = [column.is_(None), column.desc() if descending else column.asc()]
    elif key == "number":
        primary = number_order(Lot.number, descending)
    else:
        column = {
            "year": Lot.year,
            "budget": Lot.budget,
            "title": title_column(),
        }[key]
        primary = [column.desc() if descending else column.asc()]
    return [*primary, Lot.year.desc(), *number_order(Lot.number), Lot.id]  # ties: the default order


def lot_query(f: LotFilters) -> Select:
    """Lots matching the filters, in the order f.sort asks for (default: newest year first)."""
    return lots_matching(f).order_by(*sort_order(f.sort))
