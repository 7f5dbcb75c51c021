"""The NGO's replies to a published evaluation and the chair's rulings (pages)."""

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState
from grants.monitoring.results import evaluation_result
from grants.replies import operations as replies
from grants.replies.forms import FINDING, RulingForm, make_reply_form
from grants.replies.models import Reply
from grants.replies.window import reply_deadline
from grants.scoring import evidence as evidence_store
from grants.scoring.models import Evidence

bp = Blueprint("replies", __name__)


def load_for_replies(evaluation_id: int) -> Evaluation:
    """An evaluation whose replies page the user may see (replies.may_view_replies); others get 404."""
    if not 0 < evaluation_id <= MAX_ID:
        abort(404)
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not replies.may_view_replies(evaluation, current_user):
        abort(404)
    return evaluation


def _page(evaluation: Evaluation, form=None, status: int = 200):
    published = evaluation.state == EvaluationState.published
    return (
        render_template(
            "replies/evaluation.html",
            evaluation=evaluation,
            result=evaluation_result(evaluation) if published else None,
            replies=replies.visible_replies(evaluation, current_user),
            deadline=reply_deadline(evaluation),
            can_reply=replies.can_reply(evaluation, current_user),
            speaks_for_ngo=replies.speaks_for_ngo(evaluation, current_user),
            is_chair=evaluation.is_chair(current_user),
            form=form or make_reply_form(evaluation),
            ruling_form=RulingForm,
        ),
        status,
    )


@bp.route("/evaluations/<int:evaluation_id>/replies", methods=["GET", "POST"])
def evaluation_replies(evaluation_id: int):
    evaluation = load_for_replies(evaluation_id)
    form = make_reply_form(evaluation)
    if not form.is_submitted():
        return _page(evaluation, form)
    if not current_user.is_authenticated:
        return redirect(
            url_for("accounts.login", next=url_for("replies.evaluation_replies", evaluation_id=evaluation.id))
        )
    if not replies.speaks_for_ngo(evaluation, current_user):
        abort(403)
    if not form.validate_on_submit():
        return _page(evaluation, form, 422)
    is_finding = form.target.data == FINDING
    try:
        replies.submit_reply(
            evaluation,
            current_user,
            form.text.data,
            criterion=None if is_finding else form.target.data,
            finding=form.finding.data if is_finding else None,
            files=form.files.data or [],
            links=[form.link.data] if form.link.data else [],
        )
    except RuleViolation as exc:
        db.session.rollback()
        evaluation = db.session.get(Evaluation, evaluation_id)
        flash(exc.message, "danger")
        for field, message in exc.fields.items():
            target = getattr(form, {"criterion": "target", "links": "link"}.get(field, field), None)
            if target is not None:
                target.errors = list(target.errors) + [message]
        return _page(evaluation, form, exc.status if exc.status >= 400 else 422)
    db.session.commit()
    flash(_("Your reply has been sent to the group's chair."), "success")
    return redirect(url_for("replies.evaluation_replies", evaluation_id=evaluation.id) + "#replies")


@bp.post("/replies/<int:reply_id>/ruling")
@login_required
def ruling(reply_id: int):
    if not 0 < reply_id <= MAX_ID:
        abort(404)
    reply = db.session.get(Reply, reply_id)
    if reply is None or not reply.can_view(current_user):
        abort(404)
    evaluation = reply.evaluation
    target = url_for("replies.evaluation_replies", evaluation_id=evaluation.id) + f"#reply-{reply.id}"
    form = RulingForm(prefix=f"r{reply.id}")
    if not form.validate_on_submit():
        flash(_("Choose accept or reject."), "danger")
        return redirect(target)
    try:
        replies.rule(reply, current_user, form.decision.data, form.reason.data, bool(form.changes_score.data))
    except RuleViolation as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        for message in exc.fields.values():
            flash(message, "danger")
        if exc.status == 403:
            abort(403)
        return redirect(target)
    db.session.commit()
    flash(_("The ruling has been recorded."), "success")
    if reply.changes_score:
        return redirect(url_for("evaluations.consolidate", evaluation_id=evaluation.id))
    return redirect(target)


@bp.app_template_global("reply_status")
def reply_status(evaluation: Evaluation) -> dict:
    """What a result card says about the right of reply: ruled remarks, and whether the viewer may reply."""
    counts = replies.remark_counts(evaluation)
    return {
        "ruled": counts["made"],
        "rejected": counts["rejected"],
        "deadline": reply_deadline(evaluation),
        "can_reply": replies.can_reply(evaluation, current_user),
    }


@bp.get("/replies/attachments/<int:evidence_id>")
def attachment(evidence_id: int):
    """A file attached to a reply, for whoever may see the reply (everybody once ruled and published)."""
    if not 0 < evidence_id <= MAX_ID:
        abort(404)
    item = db.session.get(Evidence, evidence_id)
    if (
        item is None
        or item.reply is None
        or item.storage_key is None
        or not item.reply.can_view(current_user)
    ):
        abort(404)
    return send_file(
        evidence_store.file_path(item),
        mimetype=item.content_type,
        as_attachment=True,
        download_name=item.filename,
    )
