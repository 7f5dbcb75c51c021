"""The campaign summary report (docs/domain.md#reports): per region, administrator and sphere, with charts.

Only evaluations whose index is fixed count. The campaign's managers see every fixed result
(`MANAGER_STATES`); a public summary passes `states=(EvaluationState.published,)`.
Project and lot evaluations are scored on different rubrics and bands, so each methodology
gets its own section: their indexes are never averaged together.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from grants.core.charts import distribution, horizontal_bars
from grants.core.i18n import BABEL_LOCALES, fixed
from grants.core.pdf import render_pdf
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, Methodology
from grants.monitoring.results import counted_units, pooled_alpha
from grants.monitoring.rules import round_half_up
from grants.projects.models import Project
from grants.replies.models import Reply, Ruling
from grants.reports.content import STYLESHEET

MANAGER_STATES = (EvaluationState.in_review, EvaluationState.accepted, EvaluationState.published)
PUBLIC_STATES = (EvaluationState.published,)


def remarks_counts(evaluations: Sequence[Evaluation]) -> tuple[int, int]:
    """Remarks made by NGOs on these evaluations and remarks the chairs rejected (docs/domain.md#right-of-reply).

    A remark counts once the chair has ruled on it: a pending reply is not public, and a summary must not
    reveal that one is waiting. The one place that counts them; every table picks the numbers up from here.
    """
    ids = [e.id for e in evaluations]
    if not ids:
        return 0, 0

    made, rejected = db.session.execute(
        select(func.count(Reply.id), func.count(Reply.id).filter(Reply.ruling == Ruling.rejected)).where(
            Reply.evaluation_id.in_(ids), Reply.ruling.is_not(None)
        )
    ).one()
    return made, rejected


def remarks_by_evaluation(evaluations: Sequence[Evaluation]) -> dict[int, tuple[int, int]]:
    """remarks_counts per evaluation, in one query for all of them (the summary's rows add them up
    instead of asking once per region, administrator and sphere: docs/performance.md#query-counts)."""
    ids = sorted({e.id for e in evaluations})
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Reply.evaluation_id,
            func.count(Reply.id),
            func.count(Reply.id).filter(Reply.ruling == Ruling.rejected),
        )
        .where(Reply.evaluation_id.in_(ids), Reply.ruling.is_not(None))
        .group_by(Reply.evaluation_id)
    ).all()
    return {evaluation_id: (made, rejected) for evaluation_id, made, rejected in rows}


def mean_index(evaluations: Sequence[Evaluation]) -> Decimal | None:
    """Mean of the fixed indexes, computed exactly and rounded half up to one decimal."""
    values = [Fraction(e.index_value) for e in evaluations if e.index_value is not None]
    if not values:
        return None
    return round_half_up(sum(values) / len(values), 1)


@dataclass
class SummaryRow:
    """Evaluations sharing a region, an administrator or a sphere (subject None: the sphere is not set)."""

    subject: object | None
    evaluations: list[Evaluation] = field(default_factory=list)
    bands: dict[str, int] = field(default_factory=dict)
    mean_index: Decimal | None = None
    remarks_made: int = 0
    remarks_rejected: int = 0

    @property
    def count(self) -> int:
        return len(self.evaluations)

    def name(self, lang: str) -> str:
        return self.subject.localized("name", lang) if self.subject is not None else ""


@dataclass
class MethodologySummary:
    """One methodology's part of the summary: totals, bands, criterion means, agreement, breakdowns."""

    methodology: Methodology
    total: SummaryRow
    by_region: list[SummaryRow]
    by_administrator: list[SummaryRow]
    by_sphere: list[SummaryRow]
    criteria: list[tuple[object, Decimal | None]]  # (Criterion, mean over evaluations, 2 decimals)
    alpha: float | None

    @property
    def band_codes(self) -> list[str]:
        """Best band first."""
        return [
            b["code"]
            for b in sorted(self.methodology.bands, key=lambda b: Decimal(str(b["min"])), reverse=True)
        ]


@dataclass
class CampaignSummary:
    campaign: Campaign
    states: tuple[EvaluationState, ...]
    sections: list[MethodologySummary]
    evaluations: list[Evaluation]  # every one counted, in the results table's order (fixed_evaluations)

    @property
    def count(self) -> int:
        return sum(section.total.count for section in self.sections)


def _row(
    subject, evaluations: list[Evaluation], band_codes: list[str], remarks: dict[int, tuple[int, int]]
) -> SummaryRow:
    """remarks: remarks_by_evaluation of (at least) these evaluations."""
    bands = dict.fromkeys(band_codes, 0)
    for evaluation in evaluations:
        if evaluation.band is not None:
            bands[evaluation.band] = bands.get(evaluation.band, 0) + 1
    made = sum(remarks.get(e.id, (0, 0))[0] for e in evaluations)
    rejected = sum(remarks.get(e.id, (0, 0))[1] for e in evaluations)
    return SummaryRow(subject, evaluations, bands, mean_index(evaluations), made, rejected)


def _breakdown(
    evaluations: list[Evaluation],
    key: Callable[[Evaluation], object],
    band_codes: list[str],
    remarks: dict[int, tuple[int, int]],
) -> list[SummaryRow]:
    """Rows grouped by key(evaluation), most evaluations first, then by Russian name (stable in every language)."""
    groups: dict[object, list[Evaluation]] = {}
    for evaluation in evaluations:
        groups.setdefault(key(evaluation), []).append(evaluation)
    rows = [_row(subject, items, band_codes, remarks) for subject, items in groups.items()]
    return sorted(rows, key=lambda r: (-r.count, r.subject is None, r.name("ru")))


def _criterion_means(
    methodology: Methodology, evaluations: list[Evaluation], means: dict[int, dict[str, Fraction]]
) -> list[tuple[object, Decimal | None]]:
    """Per criterion, the mean of the evaluations' criterion means: each evaluation weighs the same, as in
    the index. means: each evaluation's criterion means (those with a counted score), from counted_units."""
    found = []
    for criterion in methodology.criteria:
        values = [means[e.id][criterion.code] for e in evaluations if criterion.code in means.get(e.id, {})]
        found.append((criterion, round_half_up(sum(values) / len(values), 2) if values else None))
    return found


def fixed_evaluations(campaign: Campaign, states: Iterable[EvaluationState]) -> list[Evaluation]:
    """The campaign's evaluations in the given states with what the summary and the results table read,
    in two queries: projects first, then by index (highest first, none last) and id."""
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.campaign_id == campaign.id, Evaluation.state.in_(list(states)))
            .options(
                joinedload(Evaluation.lot).joinedload(Lot.region),
                joinedload(Evaluation.lot).joinedload(Lot.administrator),
                joinedload(Evaluation.lot).joinedload(Lot.sphere),
                joinedload(Evaluation.project).joinedload(Project.ngo),
                joinedload(Evaluation.methodology).selectinload(Methodology.criteria),
            )
            .order_by(Evaluation.kind.desc(), Evaluation.index_value.desc().nulls_last(), Evaluation.id)
        )
    )


def summary_data(campaign: Campaign, states: Iterable[EvaluationState] = MANAGER_STATES) -> CampaignSummary:
    """Counts, mean index, bands and remarks per region, administrator and sphere, per methodology.

    Criterion means and agreement come from the counted scores' sums per evaluation and criterion
    (counted_units, one grouped query), not from scorecards loaded as objects: a campaign of 291
    evaluations has 1,455 scorecards and some 7,300 scores (docs/performance.md#campaign-pages)."""
    states = tuple(states)
    by_methodology: dict[int, list[Evaluation]] = {}
    evaluations = fixed_evaluations(campaign, states)
    remarks = remarks_by_evaluation(evaluations)
    units = (
        counted_units(Evaluation.campaign_id == campaign.id, Evaluation.state.in_(states))
        if evaluations
        else []
    )
    means: dict[int, dict[str, Fraction]] = {}
    units_of: dict[int, list] = {}
    for unit in units:
        evaluation_id, _kind, code, count, total, _squares = unit
        means.setdefault(evaluation_id, {})[code] = Fraction(total, count)
        units_of.setdefault(evaluation_id, []).append(unit)
    for evaluation in evaluations:
        by_methodology.setdefault(evaluation.methodology_id, []).append(evaluation)
    sections = []
    for items in by_methodology.values():
        methodology = items[0].methodology
        codes = [
            b["code"] for b in sorted(methodology.bands, key=lambda b: Decimal(str(b["min"])), reverse=True)
        ]
        sections.append(
            MethodologySummary(
                methodology=methodology,
                total=_row(campaign, items, codes, remarks),
                by_region=_breakdown(items, lambda e: e.lot.region, codes, remarks),
                by_administrator=_breakdown(items, lambda e: e.lot.administrator, codes, remarks),
                by_sphere=_breakdown(items, lambda e: e.lot.sphere, codes, remarks),
                criteria=_criterion_means(methodology, items, means),
                alpha=pooled_alpha(unit for e in items for unit in units_of.get(e.id, ())),
            )
        )
    sections.sort(
        key=lambda s: (s.methodology.kind.value != "project", s.methodology.code, s.methodology.version)
    )
    return CampaignSummary(campaign, states, sections, evaluations)


# --- the PDF --------------------------------------------------------------------------------

WIDE = {"width": 640, "label_width": 260}  # room for administrators' and spheres' long names


def index_bars(rows: list[SummaryRow], lang: str, title: str, unnamed: str) -> Markup:
    """Mean index per row on the 0–100 scale, a grid line every 10 points."""
    items = [
        (
            row.name(lang) or unnamed,
            float(row.mean_index) if row.mean_index is not None else None,
            fixed(row.mean_index, 1, lang),
        )
        for row in rows
    ]
    return horizontal_bars(items, maximum=100, title=title, step=10, **WIDE)


def section_charts(
    section: MethodologySummary, lang: str, titles: dict[str, str], unnamed: str
) -> dict[str, Markup]:
    methodology = section.methodology
    charts = {
        "bands": distribution(
            [
                (methodology.band_title(code, lang), section.total.bands.get(code, 0))
                for code in section.band_codes
            ],
            title=titles["bands"],
            width=WIDE["width"],
        ),
        "criteria": horizontal_bars(
            [
                (
                    c.localized("short", lang) or c.localized("name", lang),
                    float(mean) if mean is not None else None,
                    fixed(mean, 2, lang),
                )
                for c, mean in section.criteria
            ],
            maximum=methodology.scale_max,
            title=titles["criteria"],
            **WIDE,
        ),
    }
    for dimension in ("region", "administrator", "sphere"):
        charts[dimension] = index_bars(getattr(section, f"by_{dimension}"), lang, titles[dimension], unnamed)
    return charts


def render_summary_pdf(
    campaign: Campaign,
    lang: str,
    states: Iterable[EvaluationState] = MANAGER_STATES,
    generated_at: datetime | None = None,
) -> bytes:
    """The campaign summary as a PDF in one language (kk, ru or en)."""
    summary = summary_data(campaign, states)
    with force_locale(BABEL_LOCALES[lang]):
        titles = {
            "bands": _("Evaluations by rating"),
            "criteria": _("Mean score by criterion"),
            "region": _("Mean index by region"),
            "administrator": _("Mean index by administrator"),
            "sphere": _("Mean index by sphere"),
        }
        unnamed = _("Sphere not specified")
        html = render_template(
            "reports/pdf/summary.html",
            summary=summary,
            campaign=campaign,
            charts=[section_charts(section, lang, titles, unnamed) for section in summary.sections],
            published_only=set(summary.states) == set(PUBLIC_STATES),
            lang=lang,
            unnamed=unnamed,
            generated_at=generated_at or datetime.now(UTC),
        )
    return render_pdf(html, STYLESHEET)
