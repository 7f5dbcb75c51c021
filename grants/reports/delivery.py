"""Issued reports as their readers get them: which one a reader may have, and the file itself.

Used by the review pages (grants/reports/views.py) and the API alike. Issued PDFs are sent exactly
as stored, never rendered again; their sha256 is the ETag.
"""

from flask import current_app, request
from sqlalchemy import select

from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.reports import rendering
from grants.reports.models import Report, ReportKind
from grants.reports.operations import latest_report

REPORT_LANGS = ("kk", "ru", "en")
DEFAULT_REPORT_LANG = "ru"


def lang_order(lang: str) -> int:
    return REPORT_LANGS.index(lang) if lang in REPORT_LANGS else len(REPORT_LANGS)


def final_reports(evaluation_ids) -> dict[int, dict[str, Report]]:
    """The newest final report per language of each evaluation, in one query (the caller has
    checked publication)."""
    ids = sorted(set(evaluation_ids))
    if not ids:
        return {}
    found: dict[int, dict[str, Report]] = {}
    rows = db.session.scalars(
        select(Report)
        .where(Report.evaluation_id.in_(ids), Report.kind == ReportKind.final)
        .order_by(Report.version.desc(), Report.id)
    )
    for report in rows:
        found.setdefault(report.evaluation_id, {}).setdefault(report.lang, report)
    return {
        eid: dict(sorted(langs.items(), key=lambda kv: lang_order(kv[0]))) for eid, langs in found.items()
    }


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
