"""Evaluations: reading them, members' scorecards, the chair's work, lot relevance needs.

Existence is private: a caller who may not view an evaluation gets 404 on every route. Routes
check shape and type (the schemas), load, call one operation of grants.scoring / grants.monitoring
and commit once; the operations own every rule, and a RuleViolation rolls back and answers with its
status, message, fields and code. A GET never writes (docs/api.md).
"""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from grants.api.common import (
    EVALUATION,
    bp,
    errors,
    for_caller,
    for_signed_in,
    load_evaluation,
    paginate,
    refuse,
    signed_in,
)
from grants.api.schemas_evaluations import (
    ConsolidationRequestSchema,
    EvaluationArgs,
    EvaluationPageSchema,
    EvaluationSchema,
    LotNeedsSchema,
    NeedLinkRequestSchema,
    ReasonArgs,
    ReasonRequestSchema,
    ScorecardRequestSchema,
    ScorecardSchema,
    linked_needs,
)
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID
from grants.core.schemas import Shown
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.needs.models import PublicNeed
from grants.scoring import operations as scoring

TAGS = ["evaluations"]


def _evaluations_of(user, mine: bool):
    """The evaluations the caller may list (Evaluation.visible_to). mine: for an NGO the published
    evaluations of its organisation's projects; for others those of the groups the caller is a
    member of, once scoring has begun."""
    if mine and user.has_role("ngo"):
        return select(Evaluation).where(Evaluation.published_for_ngo(user))
    query = select(Evaluation).where(Evaluation.visible_to(user))
    if mine:
        return query.where(Evaluation.in_groups_of(user), ~Evaluation.is_draft)
    return query


@bp.get("/evaluations", tags=TAGS)
@bp.arguments(EvaluationArgs, location="query")
@bp.response(200, EvaluationPageSchema)
@for_signed_in
def evaluations(args):
    """The evaluations the caller may see, soonest deadline first."""
    user = signed_in()
    query = _evaluations_of(user, args["mine"])
    if "state" in args:
        query = query.where(Evaluation.state == EvaluationState(args["state"]))
    if "kind" in args:
        query = query.where(Evaluation.kind == SubjectKind(args["kind"]))
    if "campaign" in args:
        query = query.where(Evaluation.campaign_id == args["campaign"])
    page = paginate(query.order_by(Evaluation.deadline, Evaluation.id), args["page"], args["per_page"])
    page["items"] = [
        Shown(
            item,
            card=item.scorecard_of(user),
            member=item.group.has_member(user),
            affiliated=item.is_affiliated(user),
        )
        for item in page["items"]
    ]
    return page


@bp.get(EVALUATION, tags=TAGS)
@bp.response(200, EvaluationSchema)
@for_signed_in
@errors(404)
def evaluation_detail(evaluation_id: int):
    """The evaluation as the caller may see it; a member's scorecard is empty until first saved."""
    return for_caller(load_evaluation(evaluation_id))


# --- a member's scorecard ---------------------------------------------------------------------------


@bp.put(f"{EVALUATION}/scorecard", tags=TAGS)
@bp.arguments(ScorecardRequestSchema)
@bp.response(200, ScorecardSchema)
@for_signed_in
@errors(403, 404, 409)
def save_scorecard(body, evaluation_id: int):
    """Declare a conflict of interest (or none) and save scores as a draft; a declared conflict recuses."""
    evaluation = load_evaluation(evaluation_id)
    user = signed_in()
    card = scoring.scorecard_for(evaluation, user)  # 403 for anyone outside the group
    conflict = body.get("conflict_of_interest")
    if conflict is not None and (not card.declared or conflict != card.conflict_of_interest):
        scoring.declare(evaluation, user, conflict, body.get("conflict_note"))
        if card.recused:  # a declared conflict recuses: scores sent along are ignored
            db.session.commit()
            return card
    scoring.save_draft(evaluation, user, body.get("scores") or {})
    db.session.commit()
    return card


@bp.post(f"{EVALUATION}/scorecard/submit", tags=TAGS)
@bp.response(200, ScorecardSchema)
@for_signed_in
@errors(403, 404, 409, 422)
def submit_scorecard(evaluation_id: int):
    """Lock a complete scorecard: from now on it counts and the member may see the others'."""
    evaluation = load_evaluation(evaluation_id)
    card = scoring.submit(evaluation, signed_in())
    db.session.commit()
    return card


# --- the chair --------------------------------------------------------------------------------------


@bp.post(f"{EVALUATION}/close-scoring", tags=TAGS)
@bp.response(200, EvaluationSchema)
@for_signed_in
@errors(403, 404, 409)
def close_scoring(evaluation_id: int):
    """The chair closes scoring (quorum met); unsent scorecards are recorded as not submitted."""
    evaluation = load_evaluation(evaluation_id)
    workflow.close_scoring(evaluation, signed_in())
    db.session.commit()
    return for_caller(evaluation)


@bp.post(f"{EVALUATION}/scorecards/<int(max={MAX_ID}):member_id>/reopen", tags=TAGS)
@bp.arguments(ReasonRequestSchema)
@bp.response(200, ScorecardSchema)
@for_signed_in
@errors(403, 404, 409)
def reopen_scorecard(body, evaluation_id: int, member_id: int):
    """The chair reopens a member's submitted scorecard; the reason is audited."""
    evaluation = load_evaluation(evaluation_id)
    card = next((c for c in evaluation.scorecards if c.member_id == member_id), None)
    if card is None:
        refuse(404, _("This member has no scorecard in this evaluation."))
    scoring.reopen(evaluation, card, signed_in(), body.get("reason") or "")
    db.session.commit()
    return card


@bp.put(f"{EVALUATION}/consolidation", tags=TAGS)
@bp.arguments(ConsolidationRequestSchema)
@bp.response(200, EvaluationSchema)
@for_signed_in
@errors(403, 404, 409)
def save_consolidation(body, evaluation_id: int):
    """The chair saves the group's conclusions, consensus notes, findings and recommendations."""
    return _consolidate(evaluation_id, body, workflow.save_consolidation)


@bp.post(f"{EVALUATION}/finalize", tags=TAGS)
@bp.arguments(ConsolidationRequestSchema)
@bp.response(200, EvaluationSchema)
@for_signed_in
@errors(403, 404, 409)
def finalize(body, evaluation_id: int):
    """The chair finalizes the consolidation and sends the evaluation to the ministry's review."""
    return _consolidate(evaluation_id, body, workflow.finalize)


def _consolidate(evaluation_id: int, body: dict, operation):
    evaluation = load_evaluation(evaluation_id)
    operation(evaluation, signed_in(), body)
    db.session.commit()
    return for_caller(evaluation)


# --- lot relevance: public needs --------------------------------------------------------------------


def _needs(evaluation: Evaluation) -> dict:
    return {"lot_id": evaluation.lot_id, "public_needs": linked_needs(evaluation.lot)}


@bp.post(f"{EVALUATION}/needs", tags=TAGS)
@bp.arguments(NeedLinkRequestSchema)
@bp.response(200, LotNeedsSchema)
@for_signed_in
@errors(403, 404, 409)
def link_need(body, evaluation_id: int):
    """Link a public need to the evaluated lot, with the reason."""
    evaluation = load_evaluation(evaluation_id)
    need = db.session.get(PublicNeed, body["need_id"])
    if need is None:
        message = _("No public need with this id.")
        raise RuleViolation(message, status=422, fields={"need_id": message}, code="validation_error")
    workflow.link_need(evaluation, need, signed_in(), body.get("reason") or "")
    db.session.commit()
    return _needs(evaluation)


@bp.delete(f"{EVALUATION}/needs/<int(max={MAX_ID}):need_id>", tags=TAGS)
@bp.arguments(ReasonArgs, location="query")
@bp.arguments(ReasonRequestSchema, required=False)
@bp.response(200, LotNeedsSchema)
@for_signed_in
@errors(403, 404, 409)
def unlink_need(args, body, evaluation_id: int, need_id: int):
    """Unlink a public need from the evaluated lot; the reason comes in the body or as ?reason=."""
    evaluation = load_evaluation(evaluation_id)
    need = db.session.get(PublicNeed, need_id)
    if need is None:
        abort(404)
    reason = body.get("reason") if "reason" in body else args.get("reason")
    workflow.unlink_need(evaluation, need, signed_in(), reason or "")
    db.session.commit()
    return _needs(evaluation)
