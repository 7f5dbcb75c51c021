"""Right of reply: the NGO replies to a published evaluation, the chair rules on each reply."""

from flask_babel import gettext as _
from flask_login import current_user

from grants.api.common import EVALUATION, bp, errors, for_signed_in, refuse, signed_in
from grants.api.schemas_evaluations import (
    ReplyListSchema,
    ReplyRequestSchema,
    ReplySchema,
    RulingRequestSchema,
)
from grants.core.permissions import MAX_ID
from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.replies import operations as replies
from grants.replies.models import Reply
from grants.replies.window import reply_deadline

TAGS = ["replies"]


def _evaluation(evaluation_id: int) -> Evaluation:
    """An evaluation the caller may see the replies of (public while published), else 404."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not replies.may_view_replies(evaluation, current_user):
        refuse(404, _("No published evaluation with this id."))
    return evaluation


@bp.get(f"{EVALUATION}/replies", tags=TAGS)
@bp.response(200, ReplyListSchema)
@errors(404)
def list_replies(evaluation_id: int):
    """The replies the caller may see, the reply deadline and whether the caller may reply."""
    evaluation = _evaluation(evaluation_id)
    return {
        "evaluation_id": evaluation.id,
        "reply_deadline": reply_deadline(evaluation),
        "can_reply": replies.can_reply(evaluation, current_user),
        "items": replies.visible_replies(evaluation, current_user),
    }


@bp.post(f"{EVALUATION}/replies", tags=TAGS)
@bp.arguments(ReplyRequestSchema)
@bp.response(201, ReplySchema)
@for_signed_in
@errors(403, 404, 409)
def create_reply(body, evaluation_id: int):
    """The NGO whose work was evaluated replies to a criterion or a finding, within the reply window."""
    user = signed_in()
    evaluation = _evaluation(evaluation_id)
    reply = replies.submit_reply(
        evaluation,
        user,
        body["text"],
        criterion=body.get("criterion"),
        finding=body.get("finding"),
        links=body.get("links") or [],
    )
    db.session.commit()
    return reply


@bp.post(f"/replies/<int(max={MAX_ID}):reply_id>/ruling", tags=TAGS)
@bp.arguments(RulingRequestSchema)
@bp.response(200, ReplySchema)
@for_signed_in
@errors(403, 404, 409)
def rule_reply(body, reply_id: int):
    """The chair of the evaluating group accepts or rejects a reply, with the reason."""
    user = signed_in()
    reply = db.session.get(Reply, reply_id)
    if reply is None or not reply.can_view(user):
        refuse(404, _("No reply with this id."))
    replies.rule(reply, user, body["decision"], body.get("reason"), body["changes_score"])
    db.session.commit()
    return reply
