"""Figures per region, administrator, sphere or year (docs/analytics.md#statistics): the numbers behind
`GET /api/v1/stats` and the dashboard's budget tables, each computed by one GROUP BY in SQL.

Additive figures (lots, budget, contracted, projects, published evaluations, band counts) of the groups
add up to the total; means are computed over the rows themselves, never as a mean of means.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, literal_column, select, union_all

from grants.analytics.filters import AnalyticsFilters
from grants.core.cache import FigureCache
from grants.core.db import LocalizedMixin
from grants.extensions import db
from grants.lots.models import Lot, Sphere
from grants.monitoring.models import Evaluation, SubjectKind
from grants.monitoring.rules import round_half_up
from grants.organisations.models import Organisation
from grants.projects.models import Project
from grants.regions.models import Region

GROUP_BY = ("region", "administrator", "sphere", "year")


@dataclass
class StatsRow:
    """One group's figures; `key` is the KATO, BIN, sphere code or year (None: sphere not set; the total)."""

    key: str | int | None
    subject: object | None = None  # Region, Organisation or Sphere (None for years and the total)
    lots: int = 0
    budget: Decimal = Decimal(0)
    contracted: Decimal = Decimal(0)
    projects: int = 0
    published_evaluations: int = 0
    mean_index: Decimal | None = None  # projects' effectiveness index, published evaluations
    bands: dict[str, int] = field(default_factory=dict)  # project evaluations per band code
    mean_relevance: Decimal | None = None  # lots' relevance index, published evaluations
    # sums and counts behind the means, so that the total's mean is exact (not a mean of means)
    index_sum: Decimal = Decimal(0)
    index_count: int = 0
    relevance_sum: Decimal = Decimal(0)
    relevance_count: int = 0

    def settle(self) -> None:
        """Work out the means from the sums and counts."""
        self.mean_index = _mean(self.index_sum, self.index_count)
        self.mean_relevance = _mean(self.relevance_sum, self.relevance_count)

    def name(self, lang: str | None = None) -> str:
        if self.subject is not None:
            return self.subject.localized("name", lang)
        return "" if self.key is None else str(self.key)


def _key_column(group_by: str):
    return {
        "region": Lot.region_id,
        "administrator": Lot.administrator_id,
        "sphere": Lot.sphere_id,
        "year": Lot.year,
    }[group_by]


def _mean(total: Decimal, count: int) -> Decimal | None:
    """The mean rounded half up to one decimal, as indexes are (docs/domain.md)."""
    return round_half_up(Fraction(total) / count, 1) if count else None


# What the figures read (docs/performance.md#cached-totals); group_councils: the council filter.
STATS_TABLES = ("lots", "projects", "evaluations", "regions", "organisations", "spheres", "group_councils")
FIGURES = FigureCache("stats", STATS_TABLES)


@dataclass(frozen=True)
class Named(LocalizedMixin):
    """The names of a region, administrator or sphere, kept apart from the session (the cache outlives it)."""

    name_ru: str | None
    name_kk: str | None
    name_en: str | None


def group_stats(
    filters: AnalyticsFilters, group_by: str | None, evaluations: bool = True
) -> tuple[list[StatsRow], StatsRow]:
    """Rows per group (group_by one of GROUP_BY; None: no rows) and the total, in two statements (lots
    and contracts in one UNION ALL, then evaluations; a third names the regions, administrators or
    spheres of the rows). Not cached here: its caller, the statistics API, keeps its answers already
    dumped (grants.api.stats.ANSWERS, over the same tables).

    Each query joins the filtered lots once, as a derived table carrying the group key, so PostgreSQL
    hashes the few thousand lots of a year instead of probing every row. Evaluations are grouped by
    key, kind and band; the handful of rows per group are folded here (no loop over lots or scores).
    Public figures only: evaluations count once published (docs/analytics.md#who-sees-what).
    With evaluations=False the evaluation figures stay empty and their query is skipped (the dashboard's
    budget tables need lots, budgets and contracts only).
    Raises ValueError for a group_by that is not in GROUP_BY.
    """
    if group_by is not None and group_by not in GROUP_BY:
        raise ValueError(f"group_by must be one of {', '.join(GROUP_BY)}, not {group_by!r}")
    lots = filters.lot_ids()
    if group_by:
        # "+ 0": SQLite would otherwise walk the whole key index for the GROUP BY order and test
        # every lot's year, instead of taking the year's lots from ix_lots_year (300 ms against 30 ms at
        # 20,000 lots); harmless on PostgreSQL, which hashes either way.
        lots = lots.add_columns((_key_column(group_by) + 0).label("key"))
    lots = lots.add_columns(Lot.budget).subquery("filtered_lots")
    keys = [lots.c.key] if group_by else []
    rows: dict = {}

    def row_for(key_values: tuple) -> StatsRow:
        """The StatsRow of a result row's key values (created on first sight; 0 without a grouping)."""
        key = key_values[0] if keys else 0
        return rows.setdefault(key, StatsRow(key))

    for what, key, count, amount in _lot_and_contract_sums(lots, keys):
        r = row_for(key)
        if what == "lots":
            r.lots, r.budget = count, amount
        else:
            r.projects, r.contracted = count, amount
    published = (
        select(
            *keys,
            Evaluation.kind,
            Evaluation.band,
            func.count(Evaluation.id),
            func.sum(Evaluation.index_value),
            func.count(Evaluation.index_value),
        )
        .select_from(Evaluation)
        .join(lots, lots.c.id == Evaluation.lot_id)
        .where(Evaluation.is_published)
        .group_by(*keys, Evaluation.kind, Evaluation.band)
    )
    for result_row in db.session.execute(published) if evaluations else ():
        r = row_for(tuple(result_row[: len(keys)]))
        kind, band, count, index_sum, index_count = result_row[len(keys) :]
        r.published_evaluations += count
        if kind == SubjectKind.project:
            r.index_sum += Decimal(index_sum or 0)
            r.index_count += index_count
            if band is not None:
                r.bands[band] = r.bands.get(band, 0) + count
        elif kind == SubjectKind.lot:
            r.relevance_sum += Decimal(index_sum or 0)
            r.relevance_count += index_count

    for r in rows.values():
        r.settle()
    if group_by is None:
        total = rows.get(0, StatsRow(None))
        total.key = None
        return [], total
    _name({group_by: rows.values()})
    ordered = sorted(rows.values(), key=lambda r: (r.key is None, _order(r, group_by)))
    return ordered, _total(ordered)


def _lot_and_contract_sums(lots, keys: list):
    """The two grouped figures behind every budget figure, over the filtered lots (a derived table with
    `id`, `budget` and the key columns), in one statement (UNION ALL of two GROUP BYs, one round trip):
    ("lots", key, lot count, budget) per key and ("contracts", key, project count, standing contracts'
    amount) per key; key is a tuple of the keys' values (empty without keys)."""
    width = len(keys)
    per_lots = select(
        literal_column("'lots'").label("what"),
        *keys,
        func.count().label("n"),
        func.coalesce(func.sum(lots.c.budget), 0).label("amount"),
    ).group_by(*keys)
    per_contracts = (
        select(
            literal_column("'contracts'"),
            *keys,
            func.count(Project.id),
            func.coalesce(func.sum(Project.amount).filter(Project.binds_budget), 0),
        )
        .select_from(Project)
        .join(lots, lots.c.id == Project.lot_id)
        .group_by(*keys)
    )
    for row in db.session.execute(union_all(per_lots, per_contracts)):
        yield row[0], tuple(row[1 : width + 1]), row[width + 1], Decimal(row[width + 2])


BUDGET_GROUPS = ("sphere", "region", "year")


def budget_groupings(filters: AnalyticsFilters) -> dict[str, tuple[list[StatsRow], StatsRow]]:
    """group_stats(filters, g, evaluations=False) for g in sphere, region and year, cached, from two
    grouped queries instead of six: lots and contracts grouped by (sphere, region, year) at once, then
    added up per grouping here (lots, budgets and contracts add up exactly; a few thousand rows at most).
    The dashboard's three budget panels read these."""
    return FIGURES.get(db.session, (filters, "budget groupings"), lambda: _budget_groupings(filters))


def _budget_groupings(filters: AnalyticsFilters) -> dict[str, tuple[list[StatsRow], StatsRow]]:
    columns = [(_key_column(g) + 0).label(g) for g in BUDGET_GROUPS]  # "+ 0": see group_stats
    lots = filters.lot_ids().add_columns(*columns, Lot.budget).subquery("filtered_lots")
    keys = [lots.c[g] for g in BUDGET_GROUPS]
    rows: dict[str, dict] = {g: {} for g in BUDGET_GROUPS}

    for what, key, count, amount in _lot_and_contract_sums(lots, keys):
        for g, value in zip(BUDGET_GROUPS, key, strict=True):
            r = rows[g].setdefault(value, StatsRow(value))
            if what == "lots":
                r.lots += count
                r.budget += amount
            else:
                r.projects += count
                r.contracted += amount
    found = {}
    for g in BUDGET_GROUPS:
        for r in rows[g].values():
            r.settle()
    _name({g: rows[g].values() for g in BUDGET_GROUPS})
    for g in BUDGET_GROUPS:
        ordered = sorted(rows[g].values(), key=lambda r, g=g: (r.key is None, _order(r, g)))
        found[g] = (ordered, _total(ordered))
    return found


NAMED = {
    "region": (Region, Region.kato),
    "administrator": (Organisation, Organisation.bin),
    "sphere": (Sphere, Sphere.code),
}


def _name(groupings: dict) -> None:
    """Attach the names of each row's region, administrator or sphere and turn ids into public keys
    (KATO, BIN, sphere code), for every grouping given (group_by -> rows) in one query: a UNION ALL of
    the named tables' rows that the groupings use. Years need no name."""
    wanted = {g: [r.key for r in rows if r.key is not None] for g, rows in groupings.items() if g in NAMED}
    parts = [
        select(literal_column(f"'{g}'"), model.id, public, model.name_ru, model.name_kk, model.name_en).where(
            model.id.in_(ids)
        )
        for g, ids in wanted.items()
        if ids
        for model, public in [NAMED[g]]
    ]
    found = {}
    if parts:
        for g, id_, public, *names in db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
            found[g, id_] = (public, Named(*names))
    for g in wanted:
        for r in groupings[g]:
            public, named = found.get((g, r.key), (None, None))
            r.key, r.subject = public, named


def _order(r: StatsRow, group_by: str):
    if group_by == "year":
        return (-(r.key or 0), "")
    return (0, r.name("ru"), str(r.key))


def _total(rows: list[StatsRow]) -> StatsRow:
    """Every figure of the rows added up; the means from the added sums and counts."""
    total = StatsRow(None)
    for r in rows:
        total.lots += r.lots
        total.budget += r.budget
        total.contracted += r.contracted
        total.projects += r.projects
        total.published_evaluations += r.published_evaluations
        total.index_sum += r.index_sum
        total.index_count += r.index_count
        total.relevance_sum += r.relevance_sum
        total.relevance_count += r.relevance_count
        for band, n in r.bands.items():
            total.bands[band] = total.bands.get(band, 0) + n
    total.settle()
    return total
