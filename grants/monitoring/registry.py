"""The lot registry as pages, the API and exports list it: the filters of grants.lots in one of the
registry's orders. It lives here, above lots, because one order is the latest published relevance
index, a monitoring result (docs/architecture.md, "Layers")."""

from decimal import Decimal

from sqlalchemy import Integer, Select, func, literal, select
from sqlalchemy.orm import joinedload

from grants.core.cache import FigureCache
from grants.core.pagination import KeysetPagination, SortKey, keyset_page, unique_keys
from grants.extensions import db
from grants.lots.models import Lot
from grants.lots.operations import (
    DEFAULT_SORT,
    LotFilters,
    leading_number,
    lots_matching,
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


def number_keys(descending: bool = False) -> list[SortKey]:
    """grants.lots.operations.number_order as sort keys (docs/formatting.md#numbers-in-order)."""
    lead = leading_number(Lot.number)
    return [
        SortKey(lead.is_(None)),
        SortKey(lead, descending, null_as=literal(0)),
        SortKey(func.length(Lot.number, type_=Integer), descending),
        SortKey(Lot.number, descending),
    ]


def sort_keys(sort: str | None) -> list[SortKey]:
    """The keys of a sort of SORTS (anything else: the default, newest year first), ending with the id;
    migration 0014 indexes lots in each of these orders (docs/performance.md#search-and-pagination)."""
    sort = valid_sort(sort) or DEFAULT_SORT
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key == "index":
        column = published_index_column()
        primary = [SortKey(column.is_(None)), SortKey(column, descending, null_as=literal(Decimal(0)))]
    elif key == "number":
        primary = number_keys(descending)
    else:
        column = {"year": Lot.year, "budget": Lot.budget, "title": title_column()}[key]
        primary = [SortKey(column, descending)]
    # ties: the default order
    return unique_keys([*primary, SortKey(Lot.year, True), *number_keys(), SortKey(Lot.id)])


def sort_order(sort: str | None) -> list:
    """ORDER BY clauses for a sort of SORTS (anything else: the default, newest year first)."""
    return [key.order_by() for key in sort_keys(sort)]


def lot_query(f: LotFilters) -> Select:
    """Lots matching the filters, in the order f.sort asks for (default: newest year first)."""
    return lots_matching(f).order_by(*sort_order(f.sort))


def load_lots(ids: list[int]) -> dict[int, Lot]:
    """Lots by id with what a registry row shows (region, administrator, sphere) in the same query."""
    if not ids:
        return {}
    rows = db.session.scalars(select(Lot).where(Lot.id.in_(ids)).options(*row_options()))
    return {lot.id: lot for lot in rows}


def row_options() -> tuple:
    """What a registry row shows besides the lot, loaded in the lot's own query."""
    return (joinedload(Lot.region), joinedload(Lot.administrator), joinedload(Lot.sphere))


# The number of lots matching the registry's filters, cached until a table the filters read changes
# (docs/performance.md#cached-totals): a deep page or a cursor then costs no COUNT over the registry.
TOTALS = FigureCache("lot registry totals", ("lots", "regions", "organisations", "spheres"))


def registry_total(f: LotFilters) -> int:
    def count() -> int:
        return db.session.scalar(select(func.count()).select_from(lots_matching(f).order_by(None).subquery()))

    return TOTALS.get(db.session, (f.year, f.region, f.administrator, f.sphere, f.status, f.q), count)


def registry_page(
    f: LotFilters, page: int = 1, per_page: int = 20, cursor: str | None = None, strict: bool = True
) -> KeysetPagination:
    """A page of the registry: by number, or after a cursor (docs/performance.md#search-and-pagination).
    Its rows come with their region, administrator and sphere; next_cursor leads to the next page."""
    return keyset_page(
        lots_matching(f),
        sort_keys(f.sort),
        db.session,
        load_lots,
        page=page,
        per_page=per_page,
        cursor=cursor,
        options=row_options(),
        strict=strict,
        count=lambda: registry_total(f),
    )
