"""The ministry's review, publication and report downloads in the JSON API (DESIGN §3, §6).

As in grants/api/evaluations.py: a caller who may not view the evaluation gets 404; the view
checks, calls one operation of grants.reports.operations and commits once; a RuleViolation rolls
back and answers with its status. Reports are sent as stored, with their sha256 as the ETag.
"""

from flask import jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.api import serializers
from grants.api.evaluations import EVALUATION, MAX_COMMENT, _body, _check_text, _load, _permissions, _refused
from grants.api.views import bp
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.main.errors import error_response
from grants.monitoring.models import Evaluation
from grants.monitoring.results import evaluation_result
from grants.reports import operations as reports
from grants.reports.views import DEFAULT_REPORT_LANG, REPORT_LANGS, issued_versions, report_for, send_report


def report(item) -> dict:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "version": item.version,
        "lang": item.lang,
        "sha256": item.sha256,
        "status": item.render_status.value,
        "fingerprint": item.fingerprint,
        "size": item.size,
        "issued_at": serializers.iso(item.issued_at),
        "url": url_for("reports.download", report_id=item.id),
        "verify_url": url_for("reports.verify", value=item.fingerprint),
    }


def review_decision(item) -> dict:
    return {
        "decision": item.decision,
        "comment": item.comment,
        "reviewer": {"id": item.reviewer.id, "full_name": item.reviewer.full_name},
        "decided_at": serializers.iso(item.decided_at),
        "report_version": item.report.version if item.report else None,
    }


def _reviewed(evaluation: Evaluation):
    """The evaluation as the manager sees it, with the review decisions and every issued report."""
    user = current_user
    data = serializers.evaluation_detail(
        evaluation,
        user,
        evaluation.scorecard_of(user),
        evaluation_result(evaluation),
        _permissions(evaluation, user),
        evaluation.can_see_scores(user),
    )
    data["reviews"] = [review_decision(item) for item in evaluation.reviews]
    data["reports"] = [
        report(r) for version in issued_versions(evaluation, user) for r in version.reports.values()
    ]
    return jsonify(data)


def _manager_only(evaluation: Evaluation):
    if not evaluation.can_manage(current_user):
        return error_response(403, _("Only staff of the campaign's organiser review evaluations."))
    return None


@bp.post(f"{EVALUATION}/review")
def review_evaluation(evaluation_id: int):
    evaluation = _load(evaluation_id)
    refused = _manager_only(evaluation)
    if refused:
        return refused
    fields: dict[str, str] = {}
    body = _body({"decision", "comment"}, fields)
    decision = body.get("decision")
    if not isinstance(decision, str) or decision not in ("accept", "return"):
        fields["decision"] = _("Must be accept or return.")
    _check_text(body.get("comment"), "comment", MAX_COMMENT, fields)
    if fields:
        return error_response(422, fields=fields)
    try:
        reports.review(evaluation, current_user, decision, body.get("comment"))
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return _reviewed(evaluation)


@bp.post(f"{EVALUATION}/publish")
def publish_evaluation(evaluation_id: int):
    evaluation = _load(evaluation_id)
    refused = _manager_only(evaluation)
    if refused:
        return refused
    try:
        reports.publish(evaluation, current_user)
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return _reviewed(evaluation)


@bp.get(f"{EVALUATION}/report.pdf")
def evaluation_report(evaluation_id: int):
    """The newest issued report in ?lang= that the caller may read; the public: published final reports."""
    lang = request.args.get("lang") or DEFAULT_REPORT_LANG
    if lang not in REPORT_LANGS:
        return error_response(
            422, fields={"lang": _("Must be one of: %(values)s.", values=", ".join(REPORT_LANGS))}
        )
    evaluation = db.session.get(Evaluation, evaluation_id)
    found = report_for(evaluation, lang, current_user) if evaluation is not None else None
    if found is None:
        return error_response(404, _("No report of this evaluation has been issued in this language."))
    return send_report(found, latest=True)
