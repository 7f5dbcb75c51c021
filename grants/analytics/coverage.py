"""Needs coverage: which public needs of a region and year the lots answer, which they leave open,
which lots answer none, and which needs keep coming back uncovered (docs/analytics.md#needs-coverage).

Every list is one SQL query (joins, GROUP BY, subqueries); the whole report takes a fixed number of
queries whatever the size of the archive. Relevance indexes are the published ones only.
"""

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import joinedload

from grants.analytics.filters import AnalyticsFilters
from grants.core.spreadsheets import xlsx_cell
from grants.councils.models import Council
from grants.extensions import db
from grants.lots.models import Lot, LotNeed, Sphere
from grants.lots.operations import number_order
from grants.monitoring.registry import published_index_column
from grants.needs.models import Priority, PublicNeed
from grants.organisations.models import Organisation
from grants.regions.models import Region

# High priority first (the enum's values sort alphabetically otherwise).
PRIORITY_ORDER = case(
    {Priority.high.value: 0, Priority.medium.value: 1, Priority.low.value: 2},
    value=PublicNeed.priority,
    else_=3,
)

# A need is "raised repeatedly" once it has been on record in at least this many years up to the
# report's year (docs/analytics.md#needs-raised-repeatedly-and-still-uncovered).
REPEATED_YEARS = 2


@dataclass
class CoverageLot:
    lot: Lot
    index: Decimal | None  # latest published relevance index, None if none is published


@dataclass
class CoverageNeed:
    need: PublicNeed
    lot_count: int
    budget: Decimal  # total budget of the lots (of the report's scope) that answer it
    lots: list[CoverageLot] = field(default_factory=list)


@dataclass
class RepeatedNeed:
    """A topic (one region, one Russian title) on record since first_year and answered by no lot."""

    need: PublicNeed  # its latest record
    first_year: int
    last_year: int
    records: int  # needs recorded with this title in this region
    years_open: int  # first_year .. the report's year, inclusive


@dataclass
class CoverageTotals:
    needs: int
    needs_covered: int
    needs_uncovered: int
    lots: int
    budget: Decimal
    lots_linked: int
    budget_linked: Decimal
    lots_unlinked: int
    budget_unlinked: Decimal
    repeated: int


@dataclass
class Coverage:
    filters: AnalyticsFilters
    region: Region | None
    needs: list[CoverageNeed]
    uncovered: list[CoverageNeed]
    unlinked_lots: list[CoverageLot]
    repeated: list[RepeatedNeed]
    totals: CoverageTotals
    narrowed_by: list[tuple[str, object]] = field(
        default_factory=list
    )  # (filter, its object) beyond year/region


def latest_lot_year(region: str | None = None) -> int:
    """The latest year with lots (in the region, if one is given; else anywhere); this year if none."""
    query = select(func.max(Lot.year))
    if region:
        query = query.join(Region, Lot.region_id == Region.id).where(Region.kato == region)
    year = db.session.scalar(query)
    if year is None and region:
        year = db.session.scalar(select(func.max(Lot.year)))
    return year or date.today().year


def _region_id(kato: str | None):
    return select(Region.id).where(Region.kato == kato).scalar_subquery()


def _scope_lot_ids(filters: AnalyticsFilters):
    return filters.lot_ids()


def _needs_in_scope(filters: AnalyticsFilters):
    """The needs the report is about: those of the region (all, for the country) raised by the
    report's year, and any need a lot of the scope answers (whatever its region or year)."""
    own = PublicNeed.year_raised <= filters.year
    if filters.region:
        own = and_(own, PublicNeed.region_id == _region_id(filters.region))
    answered = PublicNeed.id.in_(select(LotNeed.need_id).where(LotNeed.lot_id.in_(_scope_lot_ids(filters))))
    return or_(own, answered)


def _need_rows(filters: AnalyticsFilters) -> list[CoverageNeed]:
    """Needs in scope with the count and total budget of the scope's lots answering them (one query)."""
    per_need = (
        select(
            LotNeed.need_id.label("need_id"),
            func.count(Lot.id).label("lots"),
            func.sum(Lot.budget).label("budget"),
        )
        .join(Lot, Lot.id == LotNeed.lot_id)
        .where(Lot.id.in_(_scope_lot_ids(filters)))
        .group_by(LotNeed.need_id)
        .subquery()
    )
    query = (
        select(
            PublicNeed,
            func.coalesce(per_need.c.lots, 0),
            func.coalesce(per_need.c.budget, 0),
        )
        .outerjoin(per_need, per_need.c.need_id == PublicNeed.id)
        .where(_needs_in_scope(filters))
        .options(joinedload(PublicNeed.region))
        .order_by(PRIORITY_ORDER, PublicNeed.year_raised.desc(), PublicNeed.title_ru, PublicNeed.id)
    )
    return [
        CoverageNeed(need, int(lots), Decimal(budget or 0))
        for need, lots, budget in db.session.execute(query).all()
    ]


def _answering_lots(filters: AnalyticsFilters) -> dict[int, list[CoverageLot]]:
    """need id -> the scope's lots linked to it, with their published index (one query)."""
    index = published_index_column()
    query = (
        select(LotNeed.need_id, Lot, index)
        .join(Lot, Lot.id == LotNeed.lot_id)
        .where(Lot.id.in_(_scope_lot_ids(filters)))
        .options(joinedload(Lot.administrator))
        .order_by(LotNeed.need_id, *number_order(Lot.number), Lot.id)
    )
    lots: dict[int, list[CoverageLot]] = {}
    for need_id, lot, value in db.session.execute(query).all():
        lots.setdefault(need_id, []).append(CoverageLot(lot, value))
    return lots


def _unlinked_lots(filters: AnalyticsFilters) -> list[CoverageLot]:
    """The scope's lots linked to no need at all (one query)."""
    query = (
        select(Lot, published_index_column())
        .where(Lot.id.in_(_scope_lot_ids(filters)), ~exists().where(LotNeed.lot_id == Lot.id))
        .options(joinedload(Lot.administrator), joinedload(Lot.region))
        .order_by(*number_order(Lot.number), Lot.id)
    )
    return [CoverageLot(lot, value) for lot, value in db.session.execute(query).all()]


def _repeated(filters: AnalyticsFilters) -> list[RepeatedNeed]:
    """Topics (region + Russian title, surrounding spaces ignored) on record in REPEATED_YEARS years
    or more up to the report's year, none of whose needs any lot of any year up to then answers."""
    year = filters.year
    title = func.trim(PublicNeed.title_ru)
    covered = (
        select(LotNeed.need_id.label("need_id"))
        .join(Lot, Lot.id == LotNeed.lot_id)
        .where(Lot.year <= year)
        .distinct()
        .subquery()
    )
    groups = (
        select(
            func.max(PublicNeed.id).label("need_id"),
            func.min(PublicNeed.year_raised).label("first_year"),
            func.max(PublicNeed.year_raised).label("last_year"),
            func.count(PublicNeed.id).label("records"),
        )
        .outerjoin(covered, covered.c.need_id == PublicNeed.id)
        .where(
            PublicNeed.year_raised <= year,
            PublicNeed.region_id == _region_id(filters.region) if filters.region else true(),
        )
        .group_by(PublicNeed.region_id, title)
        .having(
            func.count(covered.c.need_id) == 0,
            func.min(PublicNeed.year_raised) <= year - (REPEATED_YEARS - 1),
        )
        .subquery()
    )
    query = (
        select(PublicNeed, groups.c.first_year, groups.c.last_year, groups.c.records)
        .join(groups, groups.c.need_id == PublicNeed.id)
        .options(joinedload(PublicNeed.region))
        .order_by(groups.c.first_year, PRIORITY_ORDER, PublicNeed.title_ru, PublicNeed.id)
    )
    return [
        RepeatedNeed(need, first, last, int(records), year - first + 1)
        for need, first, last, records in db.session.execute(query).all()
    ]


def _totals(filters: AnalyticsFilters, needs: list[CoverageNeed], uncovered, repeated) -> CoverageTotals:
    """Lot counts and budgets of the scope, linked to a need or not (one query)."""
    linked = exists().where(LotNeed.lot_id == Lot.id)
    count, budget, lots_linked, budget_linked = db.session.execute(
        select(
            func.count(Lot.id),
            func.coalesce(func.sum(Lot.budget), 0),
            func.coalesce(func.sum(case((linked, 1), else_=0)), 0),
            func.coalesce(func.sum(case((linked, Lot.budget), else_=0)), 0),
        ).where(Lot.id.in_(_scope_lot_ids(filters)))
    ).one()
    budget, budget_linked = Decimal(budget), Decimal(budget_linked)
    return CoverageTotals(
        needs=len(needs),
        needs_covered=len(needs) - len(uncovered),
        needs_uncovered=len(uncovered),
        lots=int(count),
        budget=budget,
        lots_linked=int(lots_linked),
        budget_linked=budget_linked,
        lots_unlinked=int(count) - int(lots_linked),
        budget_unlinked=budget - budget_linked,
        repeated=len(repeated),
    )


def coverage(filters: AnalyticsFilters) -> Coverage:
    """The report for the filters; filters.year must be set (the view defaults it to latest_lot_year)."""
    if filters.year is None:
        raise ValueError("needs coverage is computed for one year")
    region = (
        db.session.scalar(select(Region).where(Region.kato == filters.region)) if filters.region else None
    )
    needs = _need_rows(filters)
    lots = _answering_lots(filters)
    for row in needs:
        row.lots = lots.get(row.need.id, [])
    uncovered = [row for row in needs if row.lot_count == 0]  # no lot of the scope answers it
    repeated = _repeated(filters)
    narrowed_by = []
    if filters.administrator:
        org = db.session.scalar(select(Organisation).where(Organisation.bin == filters.administrator))
        narrowed_by.append(("administrator", org))
    if filters.sphere:
        narrowed_by.append(("sphere", db.session.scalar(select(Sphere).where(Sphere.code == filters.sphere))))
    if filters.council is not None:
        narrowed_by.append(("council", db.session.get(Council, filters.council)))
    return Coverage(
        filters=filters,
        region=region,
        needs=needs,
        uncovered=uncovered,
        unlinked_lots=_unlinked_lots(filters),
        repeated=repeated,
        totals=_totals(filters, needs, uncovered, repeated),
        narrowed_by=narrowed_by,
    )


def narrowing(report: Coverage, lang: str | None = None) -> list[tuple[str, str]]:
    """(label, value) of the filters given beyond year and region, for the report's heading."""
    labels = {"administrator": _("Administrator"), "sphere": _("Sphere"), "council": _("Council")}
    given = {"administrator": report.filters.administrator, "sphere": report.filters.sphere}
    given["council"] = report.filters.council
    return [
        (labels[name], obj.localized("name", lang) if obj is not None else str(given[name]))
        for name, obj in report.narrowed_by
    ]


# --- XLSX -------------------------------------------------------------------------------------


BOLD = Font(bold=True)
MONEY_FORMAT = "#,##0.00"
INDEX_FORMAT = "0.0"


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list], formats: dict[int, str]):
    """One sheet: bold headers, then the rows; formats maps a column number to a number format."""
    sheet = book.create_sheet(title.replace("/", "-")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, h, font=BOLD) for h in headers])
    for row in rows:
        sheet.append([xlsx_cell(sheet, v, number_format=formats.get(i)) for i, v in enumerate(row)])


def coverage_xlsx(report: Coverage, generated_at: datetime) -> bytes:
    """The report in the current language: a summary sheet, then one sheet per list."""
    t = report.totals
    book = Workbook(write_only=True)
    where = report.region.name if report.region else _("Whole country")
    summary = [
        [_("Needs coverage"), ""],
        [_("Region"), where],
        [_("Year"), report.filters.year],
        *([label, value] for label, value in narrowing(report)),
        [_("Generated"), generated_at.strftime("%Y-%m-%d %H:%M UTC")],
        [_("Public needs"), t.needs],
        [_("Needs answered by lots"), t.needs_covered],
        [_("Needs without lots"), t.needs_uncovered],
        [_("Lots"), t.lots],
        [_("Budget of the lots"), t.budget, MONEY_FORMAT],
        [_("Lots linked to needs"), t.lots_linked],
        [_("Budget of the lots linked to needs"), t.budget_linked, MONEY_FORMAT],
        [_("Lots linked to no need"), t.lots_unlinked],
        [_("Budget of the lots linked to no need"), t.budget_unlinked, MONEY_FORMAT],
        [_("Needs raised repeatedly and still uncovered"), t.repeated],
        [_("Relevance indexes: published evaluations only."), ""],
    ]
    sheet = book.create_sheet(_("Summary")[:31])
    for label, value, *fmt in summary:
        sheet.append(
            [
                xlsx_cell(sheet, label, font=BOLD),
                xlsx_cell(sheet, value, number_format=fmt[0] if fmt else None),
            ]
        )

    need_headers = [_("Public need"), _("Region"), _("Year raised"), _("Priority")]
    lot_headers = [_("Lot number"), _("Lot title"), _("Budget, ₸"), _("Relevance index")]
    rows = []
    for row in report.needs:
        need = [row.need.title, row.need.region.name if row.need.region else "", row.need.year_raised]
        need.append(row.need.priority.title)
        if not row.lots:
            rows.append([*need, "", "", None, None, row.budget])
        for item in row.lots:
            lot = item.lot
            rows.append([*need, lot.number, lot.title, lot.budget, item.index, row.budget])
    _sheet(
        book,
        _("Needs and lots"),
        [*need_headers, *lot_headers, _("Total budget for the need, ₸")],
        rows,
        {6: MONEY_FORMAT, 7: INDEX_FORMAT, 8: MONEY_FORMAT},
    )
    _sheet(
        book,
        _("Needs without lots"),
        need_headers,
        [
            [
                r.need.title,
                r.need.region.name if r.need.region else "",
                r.need.year_raised,
                r.need.priority.title,
            ]
            for r in report.uncovered
        ],
        {},
    )
    _sheet(
        book,
        _("Lots linked to no need"),
        [*lot_headers, _("Administrator")],
        [
            [i.lot.number, i.lot.title, i.lot.budget, i.index, i.lot.administrator.name]
            for i in report.unlinked_lots
        ],
        {2: MONEY_FORMAT, 3: INDEX_FORMAT},
    )
    _sheet(
        book,
        _("Repeated uncovered needs"),
        [_("Public need"), _("Region"), _("First raised"), _("Last raised"), _("Records"), _("Years open")],
        [
            [
                r.need.title,
                r.need.region.name if r.need.region else "",
                r.first_year,
                r.last_year,
                r.records,
                r.years_open,
            ]
            for r in report.repeated
        ],
        {},
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
