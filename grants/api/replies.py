"""Right of reply through the API (docs/domain.md#right-of-reply): the NGO replies, the chair rules.

POST /evaluations/<id>/replies {criterion | finding, text, links?} (ngo) → 201 the reply
GET  /evaluations/<id>/replies → the replies the caller may see
POST /replies/<id>/ruling {decision: accepted | rejected, reason, changes_score?} (chair) → the reply
"""

from flask import jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user

from grants.api.evaluations import EVALUATION, _body, _check_text, _refused
from grants.api.views import bp
from grants.core.db import as_utc
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID
from grants.extensions import db
from grants.main.errors import error_response
from grants.monitoring.models import Evaluation
from grants.replies import operations as replies
from grants.replies.models import Reply
from grants.replies.window import reply_deadline


def reply_json(reply: Reply) -> dict:
    return {
        "id": reply.id,
        "evaluation_id": reply.evaluation_id,
        "organisation": {"bin": reply.organisation.bin, "name": reply.organisation.name},
        "criterion": reply.criterion_code,
        "finding": reply.finding,
        "text": reply.text,
        "submitted_at": as_utc(reply.submitted_at).isoformat(),
        "attachments": [
            {
                "filename": item.filename,
                "url": item.url
                or url_for("replies.attachment", evidence_id=item.id),
            }
            for item in reply.attachments
        ],
        "ruling": reply.ruling.value if reply.ruling else None,
        "reason": reply.reason,
        "changes_score": reply.changes_score,
        "ruled_at": as_utc(reply.ruled_at).isoformat() if reply.ruled_at else None,
        "report_version": reply.report_version,
    }


def _evaluation(evaluation_id: int) -> Evaluation | None:
    """An evaluation the caller may see the replies of (public while published)."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not replies.may_view_replies(evaluation, current_user):
        return None
    return evaluation


def _not_found():
    return error_response(404, _("No published evaluation with this id."))


@bp.get(f"{EVALUATION}/replies")
def list_replies(evaluation_id: int):
    evaluation = _evaluation(evaluation_id)
    if evaluation is None:
        return _not_found()
    deadline = reply_deadline(evaluation)
    return jsonify(
        {
            "evaluation_id": evaluation.id,
            "reply_deadline": deadline.isoformat() if deadline else None,
            "can_reply": replies.can_reply(evaluation, current_user),
            "items": [reply_json(r) for r in replies.visible_replies(evaluation, current_user)],
        }
    )


@bp.post(f"{EVALUATION}/replies")
def create_reply(evaluation_id: int):
    if not current_user.is_authenticated:
        return error_response(401, _("Sign in or send a bearer token."))
    evaluation = _evaluation(evaluation_id)
    if evaluation is None:
        return _not_found()
    if not replies.speaks_for_ngo(evaluation, current_user):
        return error_response(403, _("Only the NGO whose work was evaluated may reply to this evaluation."))
    fields: dict[str, str] = {}
    body = _body({"criterion", "finding", "text", "links"}, fields)
    for name, limit in (("criterion", 60), ("finding", replies.MAX_FINDING), ("text", replies.MAX_TEXT)):
        _check_text(body.get(name), name, limit, fields)
    links = body.get("links") or []
    if not isinstance(links, list) or not all(isinstance(link, str) and len(link) <= 1000 for link in links):
        fields["links"] = _("Send a list of links.")
        links = []
    if fields:
        return error_response(422, fields=fields)
    try:
        reply = replies.submit_reply(
            evaluation, current_user, body.get("text"), criterion=body.get("criterion"), finding=body.get("finding"), links=links
        )
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return jsonify(reply_json(reply)), 201


@bp.post(f"/replies/<int(max={MAX_ID}):reply_id>/ruling")
def rule_reply(reply_id: int):
    if not current_user.is_authenticated:
        return error_response(401, _("Sign in or send a bearer token."))
    reply = db.session.get(Reply, reply_id)
    if reply is None or not reply.can_view(current_user):
        return error_response(404, _("No reply with this id."))
    if not reply.evaluation.is_chair(current_user):
        return error_response(403, _("Only the chair of the evaluating group rules on replies."))
    fields: dict[str, str] = {}
    body = _body({"decision", "reason", "changes_score"}, fields)
    decision = body.get("decision")
    if not isinstance(decision, str) or decision not in ("accepted", "rejected"):
        fields["decision"] = _("Must be accepted or rejected.")
    _check_text(body.get("reason"), "reason", replies.MAX_TEXT, fields)
    changes_score = body.get("changes_score", False)
    if not isinstance(changes_score, bool):
        fields["changes_score"] = _("Must be true or false.")
    if fields:
        return error_response(422, fields=fields)
    try:
        replies.rule(reply, current_user, decision, body.get("reason"), changes_score)
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return jsonify(reply_json(reply))
