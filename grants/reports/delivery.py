"""Issued reports as their readers get them: which one a reader may have, and the file itself; the
published results with their final reports, as the lot and project pages and the API show them.

Used by the review pages (grants/reports/views.py) and the API alike. Issued PDFs are sent exactly
as stored, never rendered again; their sha256 is the ETag.
"""

from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Evaluation, Methodology
from grants.monitoring.results import EvaluationResult, evaluation_result
from grants.projects.models import Project
from grants.reports import rendering
from grants.reports.models import Report, ReportKind
from grants.reports.operations import latest_report
from grants.scoring.models import Scorecard

REPORT_LANGS = ("kk", "ru", "en")
DEFAULT_REPORT_LANG = "ru"


def lang_order(lang: str) -> int:
    return REPORT_LANGS.index(lang) if lang in REPORT_LANGS else len(REPORT_LANGS)


def final_reports(evaluation_ids) -> dict[int, dict[str, Report]]:
    """The reports of each evaluation's newest final version, by language (kk, ru, en): what
    issued_versions gives per evaluation, for many in one query (the caller has checked publication)."""
    ids = sorted(set(evaluation_ids))
    if not ids:
        return {}
    newest: dict[int, int] = {}
    found: dict[int, dict[str, Report]] = {}
    rows = db.session.scalars(
        select(Report)
        .where(Report.evaluation_id.in_(ids), Report.kind == ReportKind.final)
        .order_by(Report.evaluation_id, Report.version.desc(), Report.id)
    )
    for report in rows:
        if newest.setdefault(report.evaluation_id, report.version) == report.version:
            found.setdefault(report.evaluation_id, {})[report.lang] = report
    return {
        eid: {lang: langs[lang] for lang in sorted(langs, key=lang_order)} for eid, langs in found.items()
    }


# What a published result's card reads (templates/reports/_published_result.html with the replies'
# summary in it, and the API's PublishedResultSchema), loaded with the evaluations, not one by one.
RESULT_CARD = (
    joinedload(Evaluation.campaign),
    joinedload(Evaluation.group),
    joinedload(Evaluation.methodology).joinedload(Methodology.criteria),
    joinedload(Evaluation.project).joinedload(Project.ngo),
    selectinload(Evaluation.scorecards).joinedload(Scorecard.scores),
    selectinload(Evaluation.conclusions),
    selectinload(Evaluation.replies),
)


@dataclass
class PublishedResult:
    evaluation: Evaluation
    result: EvaluationResult
    finals: dict[str, Report]


def published_results(subject) -> list[PublishedResult]:
    """Published evaluations of a lot (its own and its projects') or of a project, newest first, for the
    pages and the API. A fixed number of queries whatever their number (docs/performance.md#query-counts):
    the evaluations with what their cards show, then their final reports."""
    column = Evaluation.lot_id if isinstance(subject, Lot) else Evaluation.project_id
    evaluations = (
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.is_published, column == subject.id)
            .options(*RESULT_CARD)
            .order_by(Evaluation.published_at.desc(), Evaluation.id.desc())
        )
        .unique()
        .all()
    )
    finals = final_reports(e.id for e in evaluations)
    return [PublishedResult(e, evaluation_result(e), finals.get(e.id, {})) for e in evaluations]


def readable_reports(evaluation: Evaluation, user) -> list[Report]:
    """Every issued report of the evaluation that user may read, newest version first, by language."""
    query = select(Report).where(Report.evaluation_id == evaluation.id, Report.visible_to(user))
    readable = db.session.scalars(query.order_by(Report.version.desc(), Report.id)).all()
    return sorted(readable, key=lambda report: (-report.version, lang_order(report.lang)))


def report_for(evaluation: Evaluation, lang: str, user) -> Report | None:
    """The newest report of the evaluation in lang that user may read (the public: the newest final one)."""
    report = latest_report(evaluation, lang)
    if report is not None and not report.can_view(user):
        report = latest_report(evaluation, lang, ReportKind.final)
    if report is None or not report.can_view(user):
        return None
    return report


def send_report(report: Report, latest: bool = False):
    """The stored bytes of an issued report, exactly; its sha256 is the ETag. 409 while being prepared."""
    if not report.is_ready:
        return rendering.being_prepared()
    response = current_app.response_class(report.content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{report.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(report.sha256)
    public = report.is_public
    if public and not latest:
        response.cache_control.public = True
        response.cache_control.max_age = 3600
    else:
        # Private reports are checked on every use, and "the latest report" changes with each new
        # version: caches revalidate with the ETag.
        response.cache_control.public = public
        response.cache_control.private = not public
        response.cache_control.no_cache = True
    return response.make_conditional(request, accept_ranges=True, complete_length=report.size)
