"""Evaluations in the JSON API (DESIGN §3, §6): reading them, members' scorecards, the chair's work.

Existence is private: a caller who may not view an evaluation gets 404 on every route. Views
load, check, call one operation of grants.scoring / grants.monitoring and commit once; a broken
rule (RuleViolation) rolls everything back and answers with its status, message, fields and code.
"""

import math

from flask import abort, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from grants.api import serializers
from grants.api.views import DEFAULT_PER_PAGE, MAX_PER_PAGE, _positive_int, _storable, bp
from grants.core.errors import RuleViolation
from grants.core.permissions import MAX_ID
from grants.councils.models import GroupMember, MonitoringGroup
from grants.extensions import db
from grants.main.errors import error_response
from grants.monitoring import operations as workflow
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.monitoring.results import evaluation_result
from grants.needs.models import PublicNeed
from grants.scoring import operations as scoring

EVALUATION = f"/evaluations/<int(max={MAX_ID}):evaluation_id>"
MAX_COMMENT = 5000
MAX_REASON = 2000
MAX_FINDINGS = 20000
FLAGS = {"1": True, "true": True, "0": False, "false": False, "": False}


# --- loading and access -----------------------------------------------------------------------


def _load(evaluation_id: int) -> Evaluation:
    """The evaluation if the caller may view it; everybody else is told it does not exist."""
    evaluation = db.session.get(Evaluation, evaluation_id)
    if evaluation is None or not evaluation.can_view(current_user):
        abort(404)
    return evaluation


def shows_scores(evaluation: Evaluation, user) -> bool:
    return evaluation.can_see_scores(user)


def _permissions(evaluation: Evaluation, user) -> dict:
    return {
        "score": evaluation.can_score(user) and not evaluation.is_affiliated(user),
        "chair": evaluation.is_chair(user),
        "consolidate": evaluation.can_consolidate(user),
        "edit_needs": workflow.can_edit_needs(evaluation, user),
    }


def _detail(evaluation: Evaluation):
    user = current_user
    return jsonify(
        serializers.evaluation_detail(
            evaluation,
            user,
            evaluation.scorecard_of(user) or _blank_card(evaluation, user),
            evaluation_result(evaluation),
            _permissions(evaluation, user),
            shows_scores(evaluation, user),
        )
    )


def _blank_card(evaluation: Evaluation, user):
    """A member's scorecard before the first save: shown empty, never created by a GET."""
    if evaluation.state in (EvaluationState.draft, EvaluationState.scoring) and evaluation.group.has_member(user):
        return scoring.blank_scorecard(evaluation, user)
    return None


def _refused(exc: RuleViolation):
    db.session.rollback()
    return error_response(exc.status, exc.message, exc.fields, exc.code)


def _chair_only(evaluation: Evaluation):
    if not evaluation.is_chair(current_user):
        return error_response(403, _("Only the group's chair can do this."))
    return None


# --- request bodies ---------------------------------------------------------------------------


def _body(allowed: set[str], fields: dict) -> dict:
    """The JSON object of the request; unknown keys are named in fields."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        body = {}
    if not isinstance(body, dict):
        fields["body"] = _("Send a JSON object.")
        return {}
    for key in body:
        if key not in allowed:
            fields[str(key)] = _("Unknown field.")
    return body


def _check_text(value, name: str, max_length: int, fields: dict) -> None:
    """Optional text: null or a string of at most max_length storable characters."""
    if value is None:
        return
    if not isinstance(value, str):
        fields[name] = _("Must be a string.")
    elif len(value) > max_length:
        fields[name] = _("Must be at most %(max)s characters.", max=max_length)
    elif not _storable(value):
        fields[name] = _("Contains characters that are not allowed.")


def _check_texts_by_code(value, name: str, max_length: int, fields: dict) -> None:
    """{code: text}: the codes themselves are checked by the operation."""
    if value is None:
        return
    if not isinstance(value, dict):
        fields[name] = _("Send an object keyed by criterion code.")
        return
    for code, text in value.items():
        _check_text(text, f"{name}.{code}", max_length, fields)


def _reason(body: dict, fields: dict) -> str | None:
    reason = body.get("reason")
    _check_text(reason, "reason", MAX_REASON, fields)
    return reason if isinstance(reason, str) else None


# --- reading ----------------------------------------------------------------------------------


def _visible(user):
    """SQL condition mirroring Evaluation.can_view for a signed-in user."""
    if user.has_role("admin"):
        return None
    member_groups = select(GroupMember.group_id).where(GroupMember.user_id == user.id)
    chaired = select(MonitoringGroup.id).where(MonitoringGroup.chair_id == user.id)
    conditions = [Evaluation.group_id.in_(member_groups), Evaluation.group_id.in_(chaired)]
    if user.has_role("ministry") and user.organisation_id is not None:
        managed = select(Campaign.id).where(Campaign.organiser_id == user.organisation_id)
        conditions.append(Evaluation.campaign_id.in_(managed))
    return or_(*conditions)


@bp.get("/evaluations")
def evaluations():
    user = current_user
    if not user.is_authenticated:
        return error_response(401)
    args, errors = request.args, {}
    mine = FLAGS.get((args.get("mine") or "").strip().lower())
    if mine is None:
        errors["mine"] = _("Must be 1 or 0.")
    state = (args.get("state") or "").strip() or None
    if state is not None and state not in {s.value for s in EvaluationState}:
        errors["state"] = _("Must be one of: %(values)s.", values=", ".join(s.value for s in EvaluationState))
    kind = (args.get("kind") or "").strip() or None
    if kind is not None and kind not in {k.value for k in SubjectKind}:
        errors["kind"] = _("Must be one of: %(values)s.", values=", ".join(k.value for k in SubjectKind))
    campaign = None
    if args.get("campaign"):
        campaign = _positive_int(args, "campaign", 0, MAX_ID, errors)
    page = _positive_int(args, "page", 1, None, errors)
    per_page = _positive_int(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE, errors)
    if errors:
        return error_response(422, fields=errors)

    query = select(Evaluation)
    if mine:
        member_groups = select(GroupMember.group_id).where(GroupMember.user_id == user.id)
        query = query.where(Evaluation.group_id.in_(member_groups), Evaluation.state != EvaluationState.draft)
    else:
        visible = _visible(user)
        if visible is not None:
            query = query.where(visible)
    if state:
        query = query.where(Evaluation.state == EvaluationState(state))
    if kind:
        query = query.where(Evaluation.kind == SubjectKind(kind))
    if campaign:
        query = query.where(Evaluation.campaign_id == campaign)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = math.ceil(total / per_page) if total else 0
    items = []
    if page <= pages:
        query = (
            query.order_by(Evaluation.deadline, Evaluation.id).limit(per_page).offset((page - 1) * per_page)
        )
        items = db.session.scalars(query).all()
    return jsonify(
        items=[
            serializers.evaluation_summary(
                item, item.scorecard_of(user), item.group.has_member(user), item.is_affiliated(user)
            )
            for item in items
        ],
        page=page,
        pages=pages,
        per_page=per_page,
        total=total,
    )


@bp.get(EVALUATION)
def evaluation_detail(evaluation_id: int):
    evaluation = _load(evaluation_id)  # a GET never writes: no closing, no scorecard created here
    return _detail(evaluation)


# --- a member's scorecard ---------------------------------------------------------------------


@bp.put(f"{EVALUATION}/scorecard")
def save_scorecard(evaluation_id: int):
    evaluation = _load(evaluation_id)
    user = current_user
    fields: dict[str, str] = {}
    body = _body({"conflict_of_interest", "conflict_note", "scores"}, fields)
    conflict = body.get("conflict_of_interest")
    if conflict is not None and not isinstance(conflict, bool):
        fields["conflict_of_interest"] = _("Must be true or false.")
    note = body.get("conflict_note")
    _check_text(note, "conflict_note", MAX_COMMENT, fields)
    scores = body.get("scores")
    if scores is not None and not isinstance(scores, dict):
        fields["scores"] = _("Send an object keyed by criterion code.")
    for code, entry in (scores if isinstance(scores, dict) else {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("comment"), str):
            _check_text(entry["comment"], f"scores.{code}.comment", MAX_COMMENT, fields)

    try:
        card = scoring.scorecard_for(evaluation, user)  # 403 for anyone outside the group
        if fields:
            raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
        if conflict is not None and (not card.declared or conflict != card.conflict_of_interest):
            scoring.declare(evaluation, user, conflict, note)
            if card.recused:  # a declared conflict recuses: scores sent along are ignored
                db.session.commit()
                return jsonify(serializers.scorecard(card))
        elif not card.declared and not card.recused:
            message = _("Declare whether you have a conflict of interest before scoring.")
            raise RuleViolation(message, status=422, fields={"conflict_of_interest": message})
        scoring.save_draft(evaluation, user, scores or {})
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return jsonify(serializers.scorecard(card))


@bp.post(f"{EVALUATION}/scorecard/submit")
def submit_scorecard(evaluation_id: int):
    evaluation = _load(evaluation_id)
    try:
        card = scoring.submit(evaluation, current_user)
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return jsonify(serializers.scorecard(card))


# --- the chair --------------------------------------------------------------------------------


@bp.post(f"{EVALUATION}/close-scoring")
def close_scoring(evaluation_id: int):
    evaluation = _load(evaluation_id)
    try:
        workflow.close_scoring(evaluation, current_user)
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return _detail(evaluation)


@bp.post(f"{EVALUATION}/scorecards/<int(max={MAX_ID}):member_id>/reopen")
def reopen_scorecard(evaluation_id: int, member_id: int):
    evaluation = _load(evaluation_id)
    refused = _chair_only(evaluation)
    if refused:
        return refused
    card = next((c for c in evaluation.scorecards if c.member_id == member_id), None)
    if card is None:
        return error_response(404, _("This member has no scorecard in this evaluation."))
    fields: dict[str, str] = {}
    reason = _reason(_body({"reason"}, fields), fields)
    if fields:
        return error_response(422, fields=fields)
    try:
        scoring.reopen(evaluation, card, current_user, reason or "")
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return jsonify(serializers.scorecard(card))


CONSOLIDATION_FIELDS = {"conclusions", "consensus_notes", "findings", "recommendations"}


def _consolidation_payload(fields: dict) -> dict:
    body = _body(CONSOLIDATION_FIELDS, fields)
    for name in ("conclusions", "consensus_notes"):
        _check_texts_by_code(body.get(name), name, MAX_COMMENT, fields)
    for name in ("findings", "recommendations"):
        _check_text(body.get(name), name, MAX_FINDINGS, fields)
    return {key: value for key, value in body.items() if key in CONSOLIDATION_FIELDS}


def _chair_consolidation(evaluation_id: int, operation):
    """Load, check the caller chairs the group, validate the consolidation body, apply, commit once."""
    evaluation = _load(evaluation_id)
    refused = _chair_only(evaluation)
    if refused:
        return refused
    fields: dict[str, str] = {}
    payload = _consolidation_payload(fields)
    if fields:
        return error_response(422, fields=fields)
    try:
        operation(evaluation, current_user, payload)
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return _detail(evaluation)


@bp.put(f"{EVALUATION}/consolidation")
def save_consolidation(evaluation_id: int):
    return _chair_consolidation(evaluation_id, workflow.save_consolidation)


@bp.post(f"{EVALUATION}/finalize")
def finalize(evaluation_id: int):
    return _chair_consolidation(evaluation_id, workflow.finalize)


# --- lot relevance: public needs --------------------------------------------------------------


def _needs_response(evaluation: Evaluation):
    return jsonify(
        lot_id=evaluation.lot_id, public_needs=serializers.evaluation_subject(evaluation)["public_needs"]
    )


def _lot_only(evaluation: Evaluation):
    if evaluation.kind != SubjectKind.lot:
        return error_response(409, _("Public needs are linked in lot relevance evaluations only."))
    return None


@bp.post(f"{EVALUATION}/needs")
def link_need(evaluation_id: int):
    evaluation = _load(evaluation_id)
    refused = _lot_only(evaluation)
    if refused:
        return refused
    fields: dict[str, str] = {}
    body = _body({"need_id", "reason"}, fields)
    reason = _reason(body, fields)
    need_id = body.get("need_id")
    need = None
    if isinstance(need_id, bool) or not isinstance(need_id, int) or not 0 < need_id <= MAX_ID:
        fields["need_id"] = _("Must be the id of a public need.")
    else:
        need = db.session.get(PublicNeed, need_id)
        if need is None:
            fields["need_id"] = _("No public need with this id.")
    if fields:
        return error_response(422, fields=fields)
    try:
        workflow.link_need(evaluation, need, current_user, reason or "")
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return _needs_response(evaluation)


@bp.delete(f"{EVALUATION}/needs/<int(max={MAX_ID}):need_id>")
def unlink_need(evaluation_id: int, need_id: int):
    evaluation = _load(evaluation_id)
    refused = _lot_only(evaluation)
    if refused:
        return refused
    need = db.session.get(PublicNeed, need_id)
    if need is None:
        return error_response(404)
    fields: dict[str, str] = {}
    body = _body({"reason"}, fields)
    if "reason" not in body and request.args.get("reason"):
        body = {"reason": request.args["reason"]}
    reason = _reason(body, fields)
    if fields:
        return error_response(422, fields=fields)
    try:
        workflow.unlink_need(evaluation, need, current_user, reason or "")
    except RuleViolation as exc:
        return _refused(exc)
    db.session.commit()
    return _needs_response(evaluation)
