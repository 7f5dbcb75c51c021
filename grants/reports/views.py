"""Ministry review, report downloads, public verification and published results
(docs/domain.md#review-and-publication and docs/domain.md#reports).

Views load, check (grants.core.permissions), call one operation of grants.reports.operations and
commit once. Issued PDFs are sent exactly as stored, never rendered again.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_, select
from werkzeug.exceptions import RequestEntityTooLarge

from grants.core.db import as_utc
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID, load, require_role
from grants.extensions import csrf, db
from grants.monitoring.models import Evaluation
from grants.monitoring.results import evaluation_result
from grants.reports import operations as reports
from grants.reports.delivery import (
    DEFAULT_REPORT_LANG,
    REPORT_LANGS,
    PublishedResult,
    lang_order,
    published_results,
    report_for,
    send_report,
)
from grants.reports.models import Report, ReportKind, ReviewDecision
from grants.scoring.exhibits import gather as gather_exhibits

bp = Blueprint("reports", __name__)

UPLOAD_LIMIT = 20 * 1024 * 1024  # a PDF to verify
RECENTLY = timedelta(days=30)  # decided evaluations stay in the review queue this long
MAX_CODE = 200


# --- what the pages show ----------------------------------------------------------------------


@dataclass
class IssuedVersion:
    """One version of an evaluation's report: the same kind, time and issuer in every language."""

    version: int
    kind: ReportKind
    issued_at: datetime
    issued_by: object
    reports: dict[str, Report] = field(default_factory=dict)


def issued_versions(evaluation: Evaluation, user=None) -> list[IssuedVersion]:
    """Every issued version of the evaluation's report, newest first, with its reports by language;
    with user, only the reports that user may read."""
    query = select(Report).where(Report.evaluation_id == evaluation.id)
    if user is not None:
        query = query.where(Report.visible_to(user))
    rows = db.session.scalars(query.order_by(Report.version.desc(), Report.id)).all()
    versions: dict[int, IssuedVersion] = {}
    for report in rows:
        entry = versions.setdefault(
            report.version, IssuedVersion(report.version, report.kind, report.issued_at, report.issued_by)
        )
        entry.reports[report.lang] = report
    for entry in versions.values():
        entry.reports = {lang: entry.reports[lang] for lang in sorted(entry.reports, key=lang_order)}
    return list(versions.values())


@bp.app_template_global("published_results")
def _published_results_global(subject) -> list[PublishedResult]:
    return published_results(subject)


@bp.app_template_global("readable_reports")
def _readable_reports_global(evaluation: Evaluation) -> list[IssuedVersion]:
    """The issued versions the current user may read, for the evaluation page."""
    return issued_versions(evaluation, current_user)


# --- the ministry's review --------------------------------------------------------------------


@bp.get("/reviews/")
@login_required
def queue():
    """Evaluations of my organisation's campaigns waiting for review, and those decided lately."""
    require_role("ministry")
    waiting = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.managed_by(current_user), Evaluation.in_review)
        .order_by(Evaluation.finalized_at, Evaluation.id)
    ).all()
    last = (
        select(ReviewDecision.evaluation_id, func.max(ReviewDecision.decided_at).label("decided_at"))
        .group_by(ReviewDecision.evaluation_id)
        .subquery()
    )
    decided = db.session.execute(
        select(Evaluation, last.c.decided_at)
        .join(last, last.c.evaluation_id == Evaluation.id)
        .where(
            Evaluation.managed_by(current_user),
            ~Evaluation.in_review,
            # accepted ones wait for publication, however long ago they were accepted
            or_(
                last.c.decided_at >= datetime.now(UTC) - RECENTLY,
                Evaluation.is_accepted,
            ),
        )
        .order_by(last.c.decided_at.desc())
        .limit(100)
    ).all()
    return render_template("reports/review_queue.html", waiting=waiting, decided=decided)


def _review_page(evaluation: Evaluation, error: RuleViolation | None = None, comment: str = ""):
    result = evaluation_result(evaluation) if evaluation.can_see_scores(current_user) else None
    versions = issued_versions(evaluation)
    page = render_template(
        "reports/review.html",
        evaluation=evaluation,
        result=result,
        versions=versions,
        latest=versions[0] if versions else None,
        reviews=list(reversed(evaluation.reviews)),
        exhibits=gather_exhibits(evaluation, current_user),
        error=error,
        comment=comment,
    )
    return (page, error.status) if error else page


@bp.get("/reviews/<int:evaluation_id>")
@login_required
def show(evaluation_id: int):
    return _review_page(load(Evaluation, evaluation_id, "manage", hide=True))


@bp.post("/reviews/<int:evaluation_id>")
@login_required
def decide(evaluation_id: int):
    evaluation = load(Evaluation, evaluation_id, "manage", hide=True)
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "")
    try:
        reports.review(evaluation, current_user, decision, comment)
    except RuleViolation as exc:
        db.session.rollback()
        return _review_page(evaluation, exc, comment)
    db.session.commit()
    if decision == "accept":
        flash(_("The evaluation has been accepted and the final report issued."), "success")
    else:
        flash(_("The evaluation has been returned to the group's chair."), "success")
    return redirect(url_for("reports.show", evaluation_id=evaluation.id))


@bp.post("/reviews/<int:evaluation_id>/publish")
@login_required
def publish(evaluation_id: int):
    evaluation = load(Evaluation, evaluation_id, "manage", hide=True)
    try:
        reports.publish(evaluation, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        return _review_page(evaluation, exc)
    db.session.commit()
    flash(_("The result and the final report are now public."), "success")
    return redirect(url_for("reports.show", evaluation_id=evaluation.id))


# --- downloads --------------------------------------------------------------------------------


@bp.get("/reports/<int:report_id>.pdf")
def download(report_id: int):
    """One issued report, for whoever may read it (the public: final reports of published evaluations)."""
    return send_report(load(Report, report_id, hide=True))


@bp.get("/evaluations/<int:evaluation_id>/report.pdf")
def evaluation_report(evaluation_id: int):
    """The newest issued report of an evaluation in ?lang= (default Russian) that the reader may see."""
    lang = request.args.get("lang") or DEFAULT_REPORT_LANG
    if lang not in REPORT_LANGS or not 0 < evaluation_id <= MAX_ID:
        abort(404)
    evaluation = db.session.get(Evaluation, evaluation_id)
    report = report_for(evaluation, lang, current_user) if evaluation is not None else None
    if report is None:
        abort(404)
    return send_report(report, latest=True)


# --- verification -----------------------------------------------------------------------------


def normalise_code(value: str | None) -> str:
    """What a person pastes: the code, possibly wrapped over lines, or the whole verification link."""
    code = re.sub(r"\s+", "", value or "")
    if "/" in code:
        code = code.rstrip("/").rsplit("/", 1)[-1]
    return code.lower()[:MAX_CODE]


def _verify_form(error: str | None = None, status: int = 200):
    return render_template("reports/verify.html", report=None, searched=False, error=error), status


@bp.route("/verify/", methods=["GET", "POST"])
@csrf.exempt  # it changes nothing; exempt so that the upload limit applies before the form is read
def verify_form():
    """Paste a code or upload a PDF: its sha256 is computed here, then the verification page opens."""
    if request.method == "GET":
        code = normalise_code(request.args.get("code"))
        return redirect(url_for("reports.verify", value=code)) if code else _verify_form()
    request.max_content_length = UPLOAD_LIMIT + 64 * 1024  # room for the form's other fields
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return _verify_form(
            _("The file is too large: at most %(n)s MB.", n=UPLOAD_LIMIT // (1024 * 1024)), 413
        )
    if upload is not None and upload.filename:
        digest, size = hashlib.sha256(), 0
        for chunk in iter(lambda: upload.stream.read(1024 * 1024), b""):
            size += len(chunk)
            if size > UPLOAD_LIMIT:
                return _verify_form(
                    _("The file is too large: at most %(n)s MB.", n=UPLOAD_LIMIT // (1024 * 1024)), 413
                )
            digest.update(chunk)
        if size == 0:
            return _verify_form(_("The file is empty."), 422)
        return redirect(url_for("reports.verify", value=digest.hexdigest()))
    code = normalise_code(request.form.get("code"))
    if not code:
        return _verify_form(_("Paste the verification code or choose the PDF file."), 422)
    return redirect(url_for("reports.verify", value=code))


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


@bp.get("/verify/<value>")
def verify(value: str):
    """Public: was a report with this sha256 or printed code issued here, and is it the newest version?"""
    report = reports.find_by_hash(value)
    if report is None:
        message = _("No report with this code was issued by this service.")
        if _wants_json():
            return jsonify(found=False, message=message), 404
        return render_template("reports/verify.html", report=None, searched=True, error=None), 404
    evaluation = report.evaluation
    published = evaluation.is_published
    newer = reports.newer_version_exists(report)
    newest_final = reports.latest_report(evaluation, report.lang, ReportKind.final) if published else None
    if newest_final is not None and newest_final.id == report.id:
        newest_final = None
    by_file = report.sha256 == value.strip().lower()
    shows_result = published and report.kind == ReportKind.final  # what the public may see, nothing more
    if _wants_json():
        return jsonify(
            found=True,
            matched=("sha256" if by_file else "fingerprint"),
            kind=report.kind.value,
            version=report.version,
            lang=report.lang,
            evaluation_kind=evaluation.kind.value,
            subject=evaluation.title,
            lot={"number": evaluation.lot.number, "year": evaluation.lot.year},
            ngo={"bin": evaluation.project.ngo.bin, "name": evaluation.project.ngo.name}
            if evaluation.project
            else None,
            campaign=evaluation.campaign.name,
            group=evaluation.group.name,
            issued_at=as_utc(report.issued_at).isoformat(),
            issued_by=report.issued_by.full_name if report.issued_by else None,
            sha256=report.sha256,
            fingerprint=report.fingerprint,
            newer_version_exists=newer,
            published=published,
            newest_final_url=url_for("reports.download", report_id=newest_final.id) if newest_final else None,
            index=format(evaluation.index_value.quantize(Decimal("0.1")), "f") if shows_result else None,
            band=evaluation.band if shows_result else None,
        )
    return render_template(
        "reports/verify.html",
        report=report,
        evaluation=evaluation,
        searched=True,
        error=None,
        by_file=by_file,
        newer=newer,
        published=published,
        newest_final=newest_final,
        shows_result=shows_result,
        readable=report.can_view(current_user),
    )
