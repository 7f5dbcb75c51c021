"""Issuing reports, the ministry's review, and publication.

Rules: docs/domain.md#reports and docs/domain.md#review-and-publication. Issuing records a report
version (its text, fixed now) in the caller's transaction; the PDFs are rendered after that
transaction commits (grants/reports/rendering.py, docs/operations.md).
"""

import hashlib
import json
from datetime import UTC, datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from grants.audit.operations import record
from grants.core import signals
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_TEXT, check_length
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState
from grants.reports.content import render_evaluation_html
from grants.reports.models import RenderStatus, Report, ReportKind, ReviewDecision


def report_languages() -> tuple[str, ...]:
    return tuple(current_app.config.get("REPORT_LANGUAGES", ("kk", "ru", "en")))


def next_version(evaluation: Evaluation) -> int:
    current = db.session.scalar(select(func.max(Report.version)).where(Report.evaluation_id == evaluation.id))
    return (current or 0) + 1


def _fingerprint(
    evaluation: Evaluation, kind: ReportKind, version: int, lang: str, issued_at: datetime
) -> str:
    payload = json.dumps(
        [
            evaluation.id,
            kind.value,
            version,
            lang,
            issued_at.isoformat(),
            str(evaluation.index_value),
            evaluation.band,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def issue_reports(evaluation: Evaluation, kind: ReportKind, user) -> list[Report]:
    """Record a new version of the evaluation's report in every report language, its PDFs to be rendered.

    The text is fixed here, from the evaluation as this transaction sees it; the PDF is rendered
    from that text once the transaction commits, so a slow or failing render never holds the
    evaluation's lock and never undoes the decision that issued the report."""
    version = next_version(evaluation)
    issued_at = datetime.now(UTC)
    reports = []
    if kind == ReportKind.final:
        for reply in evaluation.replies:  # the rulings this version prints for the first time
            if reply.ruling is not None and reply.report_version is None:
                reply.report_version = version
    for lang in report_languages():
        fingerprint = _fingerprint(evaluation, kind, version, lang, issued_at)
        report = Report(
            evaluation_id=evaluation.id,
            kind=kind,
            version=version,
            lang=lang,
            html=render_evaluation_html(evaluation, kind.value, version, lang, fingerprint, issued_at),
            fingerprint=fingerprint,
            render_status=RenderStatus.pending,
            issued_by_id=getattr(user, "id", None),
            issued_at=issued_at,
        )
        db.session.add(report)
        reports.append(report)
    db.session.flush()
    record(
        f"report.issue_{kind.value}",
        evaluation,
        after={"version": version, "fingerprints": {r.lang: r.fingerprint for r in reports}},
        actor=user,
    )
    return reports


def latest_report(evaluation: Evaluation, lang: str, kind: ReportKind | None = None) -> Report | None:
    query = select(Report).where(Report.evaluation_id == evaluation.id, Report.lang == lang)
    if kind is not None:
        query = query.where(Report.kind == kind)
    return db.session.scalar(query.order_by(Report.version.desc()).limit(1))


def newer_version_exists(report: Report) -> bool:
    return (
        db.session.scalar(
            select(Report.id)
            .where(Report.evaluation_id == report.evaluation_id, Report.version > report.version)
            .limit(1)
        )
        is not None
    )


def find_by_hash(value: str) -> Report | None:
    """The report whose file sha256 or printed fingerprint this is."""
    value = (value or "").strip().lower()
    if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
        return None
    return db.session.scalar(select(Report).where((Report.sha256 == value) | (Report.fingerprint == value)))


def review(evaluation: Evaluation, user, decision: str, comment: str | None) -> ReviewDecision:
    """Ministry staff accept the evaluation (final report issued) or return it to the chair with comments."""
    lock(evaluation)  # one decision per review: a concurrent second decision finds the state changed (409)
    if not evaluation.can_manage(user):
        raise RuleViolation(_("Only staff of the campaign's organiser review evaluations."), status=403)
    if evaluation.state != EvaluationState.in_review:
        raise RuleViolation(_("The evaluation is not in review."), status=409)
    check_length("comment", comment, MAX_TEXT)
    comment = (comment or "").strip() or None
    if decision not in ("accept", "return"):
        raise RuleViolation(
            _("Decide accept or return."), status=422, fields={"decision": _("Must be accept or return.")}
        )
    if decision == "return" and not comment:
        raise RuleViolation(
            _("Say what must be revised."),
            status=422,
            fields={"comment": _("A returned evaluation needs a comment.")},
        )
    draft = latest_report(evaluation, report_languages()[0], ReportKind.draft)
    row = ReviewDecision(
        evaluation_id=evaluation.id,
        decision=decision,
        comment=comment,
        reviewer_id=user.id,
        report_id=draft.id if draft else None,
    )
    db.session.add(row)
    before = {"state": evaluation.state.value}
    if decision == "accept":
        evaluation.state = EvaluationState.accepted
        evaluation.accepted_at = datetime.now(UTC)
        db.session.flush()
        issue_reports(evaluation, ReportKind.final, user)
    else:
        evaluation.state = EvaluationState.returned
    db.session.flush()
    record(
        f"evaluation.{decision}",
        evaluation,
        before=before,
        after={"state": evaluation.state.value, "comment": comment},
        actor=user,
    )
    if decision == "return":
        signals.evaluation_returned.send(evaluation, actor=user, comment=comment)
    return row


def publish(evaluation: Evaluation, user) -> Evaluation:
    """Make an accepted evaluation's result and final report public."""
    lock(evaluation)  # one publication, one event, one set of mails
    if not evaluation.can_manage(user):
        raise RuleViolation(_("Only staff of the campaign's organiser publish evaluations."), status=403)
    if evaluation.state != EvaluationState.accepted:
        raise RuleViolation(_("Only an accepted evaluation can be published."), status=409)
    evaluation.state = EvaluationState.published
    evaluation.published_at = datetime.now(UTC)
    db.session.flush()
    record(
        "evaluation.publish",
        evaluation,
        before={"state": "accepted"},
        after={"state": "published"},
        actor=user,
    )
    signals.evaluation_published.send(evaluation, actor=user)
    return evaluation
