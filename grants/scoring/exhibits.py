"""The evidence and site visits of an evaluation as its reviewers see them: per criterion, with who
added each item and when (docs/domain.md#evidence-access).

One query for the evidence and one for the visits, their authors and photos loaded with them
(selectinload), whatever the number of members or items.
"""

from dataclasses import dataclass, field

from babel.units import format_unit
from flask_babel import get_locale
from sqlalchemy import false, select
from sqlalchemy.orm import selectinload

from grants.core.i18n import BABEL_LOCALES
from grants.extensions import db
from grants.scoring.models import Evidence, EvidenceKind, Scorecard, SiteVisit, exhibits_open

# What a reader is told a stored file is (by the type recognised from its content at upload).
TYPE_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word (.docx)",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel (.xlsx)",
}


def type_label(item: Evidence) -> str:
    if item.kind == EvidenceKind.link:
        return str(item.kind.title)
    return TYPE_LABELS.get(item.content_type or "", item.content_type or "")


def size_label(size: int | None, lang: str | None = None) -> str:
    """12 800 -> '12,5 кБ' (ru), '12.5 kB' (en): kilobytes under a megabyte, else megabytes."""
    if size is None:
        return ""
    locale = BABEL_LOCALES[lang] if lang else str(get_locale() or "ru_KZ")
    if size < 1024 * 1024:
        return format_unit(
            max(size / 1024, 0.1), "digital-kilobyte", "short", format="#,##0.#", locale=locale
        )
    return format_unit(size / 1024 / 1024, "digital-megabyte", "short", format="#,##0.#", locale=locale)


@dataclass
class CriterionExhibits:
    """The evidence attached to one criterion (criterion None: to the whole evaluation)."""

    code: str | None
    criterion: object | None  # the methodology's Criterion; None for the whole evaluation
    items: list[Evidence] = field(default_factory=list)


@dataclass
class Exhibits:
    groups: list[CriterionExhibits]
    visits: list[SiteVisit]

    @property
    def count(self) -> int:
        return sum(len(g.items) for g in self.groups) + sum(len(v.photos) for v in self.visits)

    def __bool__(self) -> bool:
        return bool(self.groups or self.visits)


def gather(evaluation, user=None, counted_only: bool = False) -> Exhibits:
    """The evaluation's evidence per criterion (methodology order, then the whole evaluation) and its
    site visits, oldest first. With user: only what user may open (Evidence.visible_to,
    SiteVisit.visible_to). counted_only: evidence of the scorecards that count (the report's)."""
    cards = select(Scorecard.id).where(Scorecard.evaluation_id == evaluation.id)
    if counted_only:
        cards = cards.where(Scorecard.submitted_at.is_not(None), Scorecard.recused.is_(False))
    query = (
        select(Evidence)
        .where(Evidence.scorecard_id.in_(cards))
        .options(selectinload(Evidence.uploaded_by).lazyload("*"))  # names only: not their roles
        .order_by(Evidence.uploaded_at, Evidence.id)
    )
    visits = (
        select(SiteVisit)
        .where(SiteVisit.evaluation_id == evaluation.id)
        .options(
            selectinload(SiteVisit.member).lazyload("*"),
            selectinload(SiteVisit.photos).selectinload(Evidence.uploaded_by).lazyload("*"),
        )
        .order_by(SiteVisit.visit_date, SiteVisit.id)
    )
    if user is not None:
        # Evidence.visible_to and SiteVisit.visible_to narrowed to this one evaluation: whether user may
        # see its exhibits is decided once here, not by SQL over every evaluation of the archive
        # (docs/performance.md#queues-and-consolidation). An item with a scorecard is never a reply's.
        if not user.is_authenticated:
            query, visits = query.where(false()), visits.where(false())
        elif not exhibits_open(evaluation, user):
            query = query.where(Evidence.uploaded_by_id == user.id)
            visits = visits.where(SiteVisit.member_id == user.id)
        query = query.where(Evidence.reply_id.is_(None))
    by_code: dict[str | None, list[Evidence]] = {}
    for item in db.session.scalars(query):
        by_code.setdefault(item.criterion_code, []).append(item)
    methodology = evaluation.methodology
    order = [c.code for c in methodology.criteria] + sorted(
        {code for code in by_code if code is not None and methodology.criterion(code) is None}
    )
    groups = [
        CriterionExhibits(code, methodology.criterion(code), by_code[code])
        for code in order
        if code in by_code
    ]
    if None in by_code:
        groups.append(CriterionExhibits(None, None, by_code[None]))
    return Exhibits(groups, list(db.session.scalars(visits)))


def reviewers_see(evaluation, user) -> bool:
    """The evaluation page lists everybody's evidence for its chair, its ministry staff and admins
    (members see their own in their scorecard)."""
    return evaluation.is_chair(user) or evaluation.can_manage(user) or user.has_role("admin")


__all__ = ["CriterionExhibits", "Exhibits", "gather", "reviewers_see", "size_label", "type_label"]
