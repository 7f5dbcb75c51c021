"""The analytics dashboard's figures (docs/analytics.md#dashboard): ten panels, each a table of figures
computed in SQL (GROUP BY), a chart drawn by grants/core/charts.py and a CSV of the same table.

A bounded number of queries whatever the size of the archive: budget_groupings (budget by
sphere, region and year, two queries) and one or two GROUP BY queries per other panel; nothing loops over lots,
evaluations or scores in Python.

Who sees what (docs/analytics.md#who-sees-what): budgets, lots, contracts and indicators are public;
an evaluation counts for everyone once published, and for a signed-in user also when it has reached
review and Evaluation.visible_to(user) lets them see it; such figures are marked as including
unpublished work. Recommendations count as Recommendation.visible_to(user) allows (published ones for
anonymous readers), drafts never.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Numeric, and_, case, cast, func, literal_column, null, or_, select, true, union_all

from grants.analytics.filters import AnalyticsFilters
from grants.analytics.stats import STATS_TABLES, StatsRow, budget_groupings
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.core import charts
from grants.core.cache import FigureCache
from grants.core.db import current_language
from grants.core.errors import LOCAL_TZ, today_local
from grants.core.formatting import fixed, money, number, percent
from grants.core.spreadsheets import csv_bytes, neutralise
from grants.councils.models import Council
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, Methodology, SubjectKind
from grants.monitoring.rules import alpha_from_sums, round_half_up
from grants.organisations.models import Organisation
from grants.projects.models import Indicator, Project
from grants.regions.models import Region
from grants.replies.models import Reply, Ruling

PANELS = (
    "spheres",
    "regions",
    "contracted",
    "effectiveness",
    "bands",
    "relevance",
    "agreement",
    "remarks",
    "indicators",
    "recommendations",
)
BINS = tuple(range(10))  # 10-point bins of an index: 0–10, 10–20, …, 90–100 (100 falls in the last)
WIDE = {"width": 680, "label_width": 260}  # room for long names of spheres, regions, councils


# --- tables -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # stable machine name
    header: str
    kind: str = (
        "text"  # text | integer | money | index (1 decimal) | percent (1 decimal) | alpha (3 decimals)
    )


PLACES = {"money": 2, "index": 1, "percent": 1, "alpha": 3}


def display(value, kind: str, lang: str | None = None) -> str:
    """A cell as the page and the PDF print it, through the shared formatters (docs/formatting.md)."""
    if kind == "text":
        return "" if value is None else str(value)
    if kind == "integer":
        return number(value, lang)
    if kind == "money":
        return money(value, lang)
    if kind == "percent":
        return percent(value, 1, lang)
    return fixed(value, PLACES[kind], lang)


def raw(value, kind: str) -> str:
    """A cell as the CSV writes it: a decimal dot, fixed places, no separators; empty when missing."""
    if value is None:
        return ""
    if kind == "text":
        return neutralise(str(value))
    if kind == "integer":
        return str(int(value))
    return f"{Decimal(value):.{PLACES[kind]}f}"


@dataclass
class Panel:
    key: str  # one of PANELS: the CSV's name and the page anchor
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None  # the total row, printed last (first cell: "Total")
    chart: Markup = Markup("")
    note: str = ""
    unpublished: bool = False  # the figures include evaluations or recommendations not yet published
    hidden: int = 0  # how many unpublished items the figures include (recommendations)

    @property
    def all_rows(self) -> list[list]:
        return self.rows + ([self.total] if self.total is not None else [])

    def cells(self, row: list, lang: str | None = None) -> list[str]:
        return [display(v, c.kind, lang) for v, c in zip(row, self.columns, strict=True)]

    def csv(self) -> bytes:
        """UTF-8 with a BOM, CRLF line ends, a comma between cells and a decimal dot (as the open-data
        CSVs in their standard dialect); the header row in the request language."""
        header = [raw(c.header, "text") for c in self.columns]
        rows = [[raw(v, c.kind) for v, c in zip(row, self.columns, strict=True)] for row in self.all_rows]
        return csv_bytes([header, *rows])


@dataclass
class Dashboard:
    filters: AnalyticsFilters
    panels: list[Panel]
    unpublished_evaluations: int  # evaluations counted that are not published (0 for anonymous readers)
    unpublished_recommendations: int

    @property
    def includes_unpublished(self) -> bool:
        return bool(self.unpublished_evaluations or self.unpublished_recommendations)

    def panel(self, key: str) -> Panel:
        return next(p for p in self.panels if p.key == key)


# --- who sees what ------------------------------------------------------------------------------


def evaluation_scope(user):
    """The evaluations whose figures user sees (docs/analytics.md#who-sees-what), as a SQL condition."""
    if not user.is_authenticated:
        return Evaluation.is_published
    return or_(Evaluation.is_published, and_(Evaluation.has_reached_review, Evaluation.visible_to(user)))


def score_scope(user):
    """The evaluations whose scores feed the agreement panel: published ones, and for a signed-in user
    those past review whose scores they may see (Evaluation.scores_visible_to: never a recused member's)."""
    if not user.is_authenticated:
        return Evaluation.is_published
    return or_(
        Evaluation.is_published, and_(Evaluation.has_reached_review, Evaluation.scores_visible_to(user))
    )


def recommendation_scope(user, filters: AnalyticsFilters):
    """Recommendations made (sent, never drafts) that user may see, kept by the filters: the council,
    the council's region, the body it sits at (administrator), the year it was sent; sphere does not apply."""
    conditions = [Recommendation.status != RecommendationStatus.draft, Recommendation.visible_to(user)]
    if filters.council is not None:
        conditions.append(Recommendation.council_id == filters.council)
    if filters.region:
        regions = select(Region.id).where(Region.kato == filters.region)
        conditions.append(
            Recommendation.council_id.in_(select(Council.id).where(Council.region_id.in_(regions)))
        )
    if filters.administrator:
        bodies = select(Organisation.id).where(Organisation.bin == filters.administrator)
        conditions.append(
            Recommendation.council_id.in_(select(Council.id).where(Council.body_id.in_(bodies)))
        )
    if filters.year is not None:
        conditions.append(Recommendation.sent_at >= datetime(filters.year, 1, 1, tzinfo=LOCAL_TZ))
        if filters.year < 9999:  # the last year datetime can name; nothing is sent after it anyway
            conditions.append(Recommendation.sent_at < datetime(filters.year + 1, 1, 1, tzinfo=LOCAL_TZ))
    return and_(*conditions)


# --- the figures --------------------------------------------------------------------------------


def in_lots(column, lot_ids):
    """column (a lot id) is one of the filtered lots; lot_ids None: no filter, every lot (a lot id is never
    NULL), so that the national figures skip a join with all 20,000 lots."""
    return true() if lot_ids is None else column.in_(lot_ids)


def _bin(column):
    """The 10-point bin (0..9) of an index; 100 belongs to the last bin. Literal SQL, no parameters."""
    return case(
        *[(column >= literal_column(str(10 * b)), literal_column(str(b))) for b in range(9, 0, -1)],
        else_=literal_column("0"),
    )


def bin_label(b: int) -> str:
    return f"{10 * b}–{10 * (b + 1)}"


@dataclass
class EvaluationFigures:
    """The index histograms (evaluations of each kind per 10-point bin), the band counts ((code, title,
    count) of project evaluations per rating band, best band first) and how many of the evaluations in
    scope are not published (0 for an anonymous reader, whose scope is the published ones)."""

    histograms: dict[SubjectKind, dict[int, int]]
    bands: list[tuple[str, str, int]]
    unpublished: int


def evaluation_figures(lot_ids, scope, lang: str | None) -> EvaluationFigures:
    """The evaluations in scope grouped by kind, state, bin, methodology and band, in one query, the
    methodology (for its bands' titles and bounds) joined to each group; folded here into both index
    histograms, the band counts and the unpublished count."""
    bin_ = case((Evaluation.index_value.is_(None), null()), else_=_bin(Evaluation.index_value))
    groups = (
        select(
            Evaluation.kind.label("kind"),
            Evaluation.state.label("state"),
            bin_.label("bin"),
            Evaluation.methodology_id.label("methodology_id"),
            Evaluation.band.label("band"),
            func.count(Evaluation.id).label("n"),
        )
        .where(in_lots(Evaluation.lot_id, lot_ids), scope)
        .group_by(Evaluation.kind, Evaluation.state, bin_, Evaluation.methodology_id, Evaluation.band)
        .subquery()
    )
    histograms = {kind: dict.fromkeys(BINS, 0) for kind in SubjectKind}
    merged: dict[str, list] = {}  # band code -> [title, lowest bound, count]
    unpublished = 0
    for methodology, kind, state, b, band, n in db.session.execute(
        select(Methodology, groups.c.kind, groups.c.state, groups.c.bin, groups.c.band, groups.c.n).join(
            groups, groups.c.methodology_id == Methodology.id
        )
    ):
        kind = SubjectKind(kind)
        if EvaluationState(state) != EvaluationState.published:
            unpublished += n
        if b is not None:
            histograms[kind][int(b)] += n
        if kind == SubjectKind.project and band is not None:
            bound = next((Decimal(str(x["min"])) for x in methodology.bands if x["code"] == band), Decimal(0))
            entry = merged.setdefault(band, [methodology.band_title(band, lang) or band, bound, 0])
            entry[2] += n
    ordered = sorted(merged.items(), key=lambda item: (-item[1][1], item[0]))
    bands = [(code, title, n) for code, (title, _bound, n) in ordered]
    return EvaluationFigures(histograms, bands, unpublished)


@dataclass
class Agreement:
    campaign: Campaign
    kind: SubjectKind
    evaluations: int
    alpha: float | None


def agreement(lot_ids, scope) -> list[Agreement]:
    """Krippendorff's alpha (interval) per campaign and kind, pooled in SQL from evaluations alone.

    finalize stores with each evaluation's index the sums of its counted scores (submitted, not
    recused; units of at least two values): Evaluation.agreement_values, _total, _squares and _within
    (grants.monitoring.rules.AgreementSums). Their sums per campaign and kind give the same figure as
    grants.monitoring.results.campaign_alpha over the same evaluations, without reading a score
    (docs/analytics.md#dashboard). Evaluations without a pairable value are not counted.
    """
    sums = (
        select(
            Evaluation.campaign_id.label("campaign_id"),
            Evaluation.kind.label("kind"),
            func.count(Evaluation.id).label("evaluations"),
            func.sum(Evaluation.agreement_values).label("n"),
            func.sum(Evaluation.agreement_total).label("total"),
            func.sum(Evaluation.agreement_squares).label("squares"),
            func.sum(Evaluation.agreement_within).label("within"),
        )
        .where(in_lots(Evaluation.lot_id, lot_ids), scope, Evaluation.agreement_values > 0)
        .group_by(Evaluation.campaign_id, Evaluation.kind)
        .subquery()
    )
    found = []
    for campaign, kind, evaluations, n, total, squares, within in db.session.execute(
        select(
            Campaign, *(sums.c[k] for k in ("kind", "evaluations", "n", "total", "squares", "within"))
        ).join(sums, sums.c.campaign_id == Campaign.id)
    ):
        found.append(
            Agreement(campaign, SubjectKind(kind), evaluations, alpha_from_sums(n, total, squares, within))
        )
    found.sort(key=lambda a: (-a.campaign.period_start.toordinal(), a.campaign.name_ru, a.kind.value))
    return found


@dataclass
class IndicatorRow:
    year: int | None
    indicators: int = 0
    reported: int = 0
    achieved: int = 0
    ratio_sum: Fraction = Fraction(0)
    ratio_count: int = 0

    @property
    def mean_achievement(self) -> Decimal | None:
        return round_half_up(self.ratio_sum / self.ratio_count, 1) if self.ratio_count else None

    def add(self, other: "IndicatorRow") -> None:
        self.indicators += other.indicators
        self.reported += other.reported
        self.achieved += other.achieved
        self.ratio_sum += other.ratio_sum
        self.ratio_count += other.ratio_count


@dataclass
class YearFigures:
    """Per lot year: remarks made and rejected (year -> (made, rejected)) and the indicator rows, the
    latest year first."""

    remarks: dict[int, tuple[int, int]]
    indicators: list[IndicatorRow]


def year_figures(lot_ids, scope) -> YearFigures:
    """The two panels grouped by lot year, in one statement (UNION ALL of two GROUP BYs):

    - remarks made and rejected: replies the chair has ruled on, as the campaign summary counts them
      (grants.reports.summary.remarks_counts), on the evaluations in scope;
    - project indicators, those reported (actual set), achieved (actual ≥ target) and the mean achievement
      (actual as a percentage of target, over reported indicators with a target above 0).
    """
    reported = Indicator.actual.is_not(None)
    with_ratio = and_(reported, Indicator.target > 0)
    per_remarks = (
        select(
            literal_column("'remarks'").label("what"),
            Lot.year.label("year"),
            func.count(Reply.id).label("a"),
            func.count(Reply.id).filter(Reply.ruling == Ruling.rejected).label("b"),
            literal_column("0").label("c"),
            cast(null(), Numeric).label("ratio_sum"),
            literal_column("0").label("ratio_n"),
        )
        .select_from(Reply)
        .join(Evaluation, Evaluation.id == Reply.evaluation_id)
        .join(Lot, Lot.id == Evaluation.lot_id)
        .where(Reply.ruling.is_not(None), in_lots(Evaluation.lot_id, lot_ids), scope)
        .group_by(Lot.year)
    )
    per_indicators = (
        select(
            literal_column("'indicators'"),
            Lot.year,
            func.count(Indicator.id),
            func.count(Indicator.id).filter(reported),
            func.count(Indicator.id).filter(reported, Indicator.actual >= Indicator.target),
            func.sum(Indicator.actual * literal_column("100.0") / Indicator.target).filter(with_ratio),
            func.count(Indicator.id).filter(with_ratio),
        )
        .select_from(Indicator)
        .join(Project, Project.id == Indicator.project_id)
        .join(Lot, Lot.id == Project.lot_id)
        .where(in_lots(Lot.id, lot_ids))
        .group_by(Lot.year)
    )
    remarks: dict[int, tuple[int, int]] = {}
    indicators = []
    for what, year, a, b, c, ratio, ratio_n in db.session.execute(union_all(per_remarks, per_indicators)):
        if what == "remarks":
            remarks[year] = (a, b)
        else:
            indicators.append(IndicatorRow(year, a, b, c, Fraction(Decimal(str(ratio or 0))), ratio_n))
    indicators.sort(key=lambda r: -r.year)
    return YearFigures(remarks, indicators)


@dataclass
class RecommendationRow:
    council: Council
    made: int
    answered: int
    overdue: int
    unpublished: int


def recommendations(user, filters: AnalyticsFilters) -> list[RecommendationRow]:
    """Per council: recommendations made, answered (a response recorded) and overdue (Recommendation.overdue_on
    today: sent, past the due date, unanswered)."""
    per_council = (
        select(
            Recommendation.council_id.label("council_id"),
            func.count(Recommendation.id).label("made"),
            func.count(Recommendation.id).filter(Recommendation.responded_at.is_not(None)).label("answered"),
            func.count(Recommendation.id).filter(Recommendation.overdue_on(today_local())).label("overdue"),
            func.count(Recommendation.id).filter(Recommendation.published_at.is_(None)).label("unpublished"),
        )
        .where(recommendation_scope(user, filters))
        .group_by(Recommendation.council_id)
        .subquery()
    )
    found = [
        RecommendationRow(*row)
        for row in db.session.execute(
            select(Council, *(per_council.c[k] for k in ("made", "answered", "overdue", "unpublished"))).join(
                per_council, per_council.c.council_id == Council.id
            )
        )
    ]
    found.sort(key=lambda r: (-r.made, r.council.name_ru))
    return found


# --- the panels ---------------------------------------------------------------------------------


def _budget_panel(
    key: str, title: str, label: str, rows: list[StatsRow], total: StatsRow, lang, name
) -> Panel:
    columns = [
        Column("name", label),
        Column("lots", _("Lots"), "integer"),
        Column("budget", _("Announced budget"), "money"),
        Column("contracted", _("Contracted amount"), "money"),
    ]
    table = [[name(r), r.lots, r.budget, r.contracted] for r in rows]
    peak = float(max((max(r.budget, r.contracted) for r in rows), default=0))
    chart = charts.grouped_bars(
        [
            (
                name(r),
                [(float(r.budget), money(r.budget, lang)), (float(r.contracted), money(r.contracted, lang))],
            )
            for r in rows
        ],
        series=[_("Announced budget"), _("Contracted amount")],
        maximum=peak,
        title=title,
        **WIDE,
    )
    return Panel(
        key, title, columns, table, [_("Total"), total.lots, total.budget, total.contracted], chart=chart
    )


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return round_half_up(Fraction(part) * 100 / Fraction(whole), 1) if whole else None


def _histogram_panel(key: str, title: str, counts: dict[int, int], unpublished: bool) -> Panel:
    columns = [Column("bin", _("Index")), Column("evaluations", _("Evaluations"), "integer")]
    rows = [[bin_label(b), counts[b]] for b in BINS]
    chart = charts.histogram([(bin_label(b), counts[b]) for b in BINS], title=title, width=WIDE["width"])
    total = [_("Total"), sum(counts.values())]
    return Panel(key, title, columns, rows, total, chart=chart, unpublished=unpublished)


@dataclass
class _Context:
    filters: AnalyticsFilters
    user: object
    lang: str | None
    lot_ids: object  # scalar subquery of the filtered lots' ids; None without filters (every lot)
    scope: object  # SQL condition: the evaluations the reader sees
    marked: bool  # the evaluation figures include unpublished ones
    _evaluations: EvaluationFigures | None = None
    _years: YearFigures | None = None

    def evaluations(self) -> EvaluationFigures:
        """The histograms (effectiveness and relevance panels) and band counts (bands panel), from one
        query, made once."""
        if self._evaluations is None:
            self._evaluations = evaluation_figures(self.lot_ids, self.scope, self.lang)
        return self._evaluations

    def years(self) -> YearFigures:
        """The remarks and indicators panels' figures, from one query, made once."""
        if self._years is None:
            self._years = year_figures(self.lot_ids, self.scope)
        return self._years


def _spheres(c: "_Context") -> Panel:
    rows, total = budget_groupings(c.filters)["sphere"]
    return _budget_panel(
        "spheres",
        _("Budget by sphere"),
        _("Sphere"),
        rows,
        total,
        c.lang,
        lambda r: r.name(c.lang) or _("Sphere not specified"),
    )


def _regions(c: "_Context") -> Panel:
    rows, total = budget_groupings(c.filters)["region"]
    return _budget_panel(
        "regions", _("Budget by region"), _("Region"), rows, total, c.lang, lambda r: r.name(c.lang)
    )


def _contracted(c: "_Context") -> Panel:
    rows, total = budget_groupings(c.filters)["year"]
    title = _("Contracted amount against announced budget")
    contracted = Panel(
        "contracted",
        title,
        [
            Column("year", _("Year")),
            Column("budget", _("Announced budget"), "money"),
            Column("contracted", _("Contracted amount"), "money"),
            Column("share", _("Contracted, per cent of budget"), "percent"),
        ],
        [[str(r.key), r.budget, r.contracted, _share(r.contracted, r.budget)] for r in rows],
        [_("Total"), total.budget, total.contracted, _share(total.contracted, total.budget)],
    )
    peak = float(max((max(r.budget, r.contracted) for r in [*rows, total]), default=0))
    contracted.chart = charts.grouped_bars(
        [
            (
                label,
                [
                    (float(r.budget), money(r.budget, c.lang)),
                    (float(r.contracted), money(r.contracted, c.lang)),
                ],
            )
            for label, r in [*((str(r.key), r) for r in rows), (_("Total"), total)]
        ],
        series=[_("Announced budget"), _("Contracted amount")],
        maximum=peak,
        title=title,
        **WIDE,
    )
    return contracted


def _effectiveness(c: "_Context") -> Panel:
    effectiveness = _histogram_panel(
        "effectiveness",
        _("Effectiveness index of projects"),
        c.evaluations().histograms[SubjectKind.project],
        c.marked,
    )
    effectiveness.note = _("Evaluations per 10 points of the index.")
    return effectiveness


def _bands(c: "_Context") -> Panel:
    bands = c.evaluations().bands
    title = _("Evaluations by rating")
    return Panel(
        "bands",
        title,
        [Column("band", _("Rating band")), Column("evaluations", _("Evaluations"), "integer")],
        [[name, n] for _code, name, n in bands],
        [_("Total"), sum(n for _code, _name, n in bands)],
        chart=charts.distribution([(name, n) for _code, name, n in bands], title=title, width=WIDE["width"]),
        note=_("Project evaluations per rating band."),
        unpublished=c.marked,
    )


def _relevance(c: "_Context") -> Panel:
    return _histogram_panel(
        "relevance",
        _("Relevance index of lots"),
        c.evaluations().histograms[SubjectKind.lot],
        c.marked,
    )


def _agreement(c: "_Context") -> Panel:
    found = agreement(c.lot_ids, score_scope(c.user))
    title = _("Agreement between members (Krippendorff's alpha)")
    # names and titles once per campaign and kind: hundreds of rows on a national archive
    kinds = {kind: kind.title for kind in SubjectKind}
    names = {a.campaign.id: a.campaign.localized("name", c.lang) for a in found}
    rows = [[names[a.campaign.id], kinds[a.kind], a.evaluations, _alpha(a.alpha)] for a in found]
    return Panel(
        "agreement",
        title,
        [
            Column("campaign", _("Campaign")),
            Column("subject", _("Subject")),
            Column("evaluations", _("Evaluations"), "integer"),
            Column("alpha", _("Alpha"), "alpha"),
        ],
        rows,
        chart=charts.horizontal_bars(
            [
                (
                    f"{name} · {kind}",
                    max(0.0, a.alpha) if a.alpha is not None else None,
                    fixed(alpha, 3, c.lang),
                )
                for a, (name, kind, _n, alpha) in zip(found, rows, strict=True)
            ],
            maximum=1,
            step=0.2,
            title=title,
            **WIDE,
        ),
        note=_("Computed over the scores of the evaluations shown, per campaign and subject."),
        unpublished=c.marked,
    )


def _remarks(c: "_Context") -> Panel:
    made = c.years().remarks
    years = sorted(made, reverse=True)
    title = _("Remarks made and rejected")
    return Panel(
        "remarks",
        title,
        [
            Column("year", _("Year")),
            Column("made", _("Remarks made"), "integer"),
            Column("rejected", _("Remarks rejected"), "integer"),
        ],
        [[str(y), *made[y]] for y in years],
        [_("Total"), sum(m for m, _r in made.values()), sum(r for _m, r in made.values())],
        chart=charts.grouped_bars(
            [
                (str(y), [(made[y][0], number(made[y][0], c.lang)), (made[y][1], number(made[y][1], c.lang))])
                for y in years
            ],
            series=[_("Remarks made"), _("Remarks rejected")],
            maximum=max((m for m, _r in made.values()), default=0),
            title=title,
            **WIDE,
        ),
        note=_("Remarks the chair has ruled on, by the year of the lot."),
        unpublished=c.marked,
    )


def _indicators(c: "_Context") -> Panel:
    per_year = c.years().indicators
    all_years = IndicatorRow(None)
    for r in per_year:
        all_years.add(r)
    title = _("Indicators achieved")

    def indicator_row(label, r: IndicatorRow) -> list:
        return [label, r.indicators, r.reported, r.achieved, r.mean_achievement]

    return Panel(
        "indicators",
        title,
        [
            Column("year", _("Year")),
            Column("indicators", _("Indicators"), "integer"),
            Column("reported", _("Reported"), "integer"),
            Column("achieved", _("Achieved"), "integer"),
            Column("mean_achievement", _("Mean achievement"), "percent"),
        ],
        [indicator_row(str(r.year), r) for r in per_year],
        indicator_row(_("Total"), all_years),
        chart=charts.grouped_bars(
            [
                (
                    str(r.year),
                    [(r.reported, number(r.reported, c.lang)), (r.achieved, number(r.achieved, c.lang))],
                )
                for r in per_year
            ],
            series=[_("Reported"), _("Achieved")],
            maximum=max((r.reported for r in per_year), default=0),
            title=title,
            **WIDE,
        ),
        note=_("Project indicators: achieved when the actual value reaches the target."),
    )


def _recommendations(c: "_Context") -> Panel:
    recs = recommendations(c.user, c.filters)
    title = _("Recommendations answered and overdue")
    sums = [sum(getattr(r, f) for r in recs) for f in ("made", "answered", "overdue")]
    return Panel(
        "recommendations",
        title,
        [
            Column("council", _("Council")),
            Column("made", _("Recommendations"), "integer"),
            Column("answered", _("Answered"), "integer"),
            Column("overdue", _("Overdue"), "integer"),
        ],
        [[r.council.localized("name", c.lang), r.made, r.answered, r.overdue] for r in recs],
        [_("Total"), *sums],
        chart=charts.grouped_bars(
            [
                (
                    r.council.localized("name", c.lang),
                    [(v, number(v, c.lang)) for v in (r.made, r.answered, r.overdue)],
                )
                for r in recs
            ],
            series=[_("Recommendations"), _("Answered"), _("Overdue")],
            maximum=max((r.made for r in recs), default=0),
            title=title,
            **WIDE,
        ),
        note=_("By council; the sphere filter does not apply to recommendations."),
        unpublished=any(r.unpublished for r in recs),
        hidden=sum(r.unpublished for r in recs),
    )


BUILDERS = {key: globals()[f"_{key}"] for key in PANELS}


# What the figures read (docs/performance.md#cached-totals): the public figures, and for a signed-in
# reader also what decides which unpublished work they see (roles, groups, councils, own scorecards).
PUBLIC_TABLES = (
    *STATS_TABLES,
    "indicators",
    "replies",
    "recommendations",
    "councils",
    "campaigns",
    "methodologies",
)
SIGNED_IN_TABLES = (
    "users",
    "user_roles",
    "affiliations",
    "council_members",
    "group_members",
    "monitoring_groups",
    "campaign_groups",
    "scorecards",
)
PUBLIC_FIGURES = FigureCache("dashboard", PUBLIC_TABLES)
OWN_FIGURES = FigureCache("dashboard, signed in", (*PUBLIC_TABLES, *SIGNED_IN_TABLES))


def build(filters: AnalyticsFilters, user, lang: str | None = None, only: str | None = None) -> Dashboard:
    """Every panel (or only the one named) for these filters as user sees them, in the given language
    (None: the request's). Cached per filters, language, reader's scope and day (overdue recommendations
    depend on today): anonymous readers share one scope, a signed-in reader has their own."""
    lang = lang or current_language()
    key = (filters, lang, only, today_local())
    if not user.is_authenticated:
        return PUBLIC_FIGURES.get(db.session, key, lambda: _build(filters, user, lang, only))
    return OWN_FIGURES.get(db.session, (*key, user.id), lambda: _build(filters, user, lang, only))


def _build(filters: AnalyticsFilters, user, lang: str, only: str | None) -> Dashboard:
    lot_ids = filters.lot_ids().scalar_subquery() if filters.as_args() else None
    scope = evaluation_scope(user)
    context = _Context(filters, user, lang, lot_ids, scope, False)
    hidden = context.evaluations().unpublished if user.is_authenticated else 0
    context.marked = hidden > 0
    panels = [BUILDERS[key](context) for key in PANELS if only in (None, key)]
    for panel in panels:
        panel.chart = charts.fluid(panel.chart)
    recommendations_hidden = sum(p.hidden for p in panels if p.key == "recommendations")
    return Dashboard(filters, panels, hidden, recommendations_hidden)


def _alpha(value: float | None) -> Decimal | None:
    return None if value is None else round_half_up(Fraction(value), 3)


def panel_csv(filters: AnalyticsFilters, user, key: str) -> bytes:
    return build(filters, user, only=key).panel(key).csv()


__all__ = [
    "PANELS",
    "Column",
    "Dashboard",
    "Panel",
    "build",
    "display",
    "evaluation_scope",
    "panel_csv",
    "recommendation_scope",
    "score_scope",
]
