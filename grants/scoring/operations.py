"""A member's part of an evaluation: declare, score, save drafts, submit; the chair reopens.

Every operation checks its rule, changes the scorecard, writes an AuditEvent and flushes; the
caller commits once. A broken rule raises RuleViolation and changes nothing.
"""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from grants.audit.operations import record
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation, today_local
from grants.core.validation import MAX_REASON, MAX_TEXT, check_length, too_long
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState
from grants.scoring import evidence as evidence_store
from grants.scoring.models import Evidence, RecusalReason, Score, Scorecard, SiteVisit


def describe(card: Scorecard) -> dict:
    return {
        "member_id": card.member_id,
        "conflict_of_interest": card.conflict_of_interest,
        "recused": card.recused,
        "recusal_reason": card.recusal_reason.value if card.recusal_reason else None,
        "submitted_at": card.submitted_at.isoformat() if card.submitted_at else None,
        "scores": {s.criterion_code: {"score": s.score, "comment": s.comment} for s in card.scores},
    }


def scorecard_for(evaluation: Evaluation, user) -> Scorecard:
    """The user's scorecard, created on first use; only members of the evaluating group have one.

    Locks the evaluation first: a member's concurrent first saves create one scorecard, and a
    submission and the chair's finalize never interleave (docs/concurrency.md)."""
    lock(evaluation)
    if not evaluation.group.has_member(user):
        raise RuleViolation(_("Only members of the evaluating group can score."), status=403)
    card = evaluation.scorecard_of(user)
    if card is None:
        card = Scorecard(evaluation=evaluation, member_id=user.id)
        db.session.add(card)
        db.session.flush()
    affiliation_recusal(card, user)
    return card


def blank_scorecard(evaluation: Evaluation, user) -> Scorecard:
    """The member's scorecard before its first save, to show: never added to the session (a GET
    never writes). An affiliated member sees the recusal the first save will record."""
    # Only ids and the member (a relationship without a back-reference): nothing cascades it into the session.
    card = Scorecard(
        evaluation_id=evaluation.id, member_id=user.id, member=user, recused=False, conflict_of_interest=None
    )
    if evaluation.is_affiliated(user):
        card.recused = True
        card.recusal_reason = RecusalReason.affiliation
    return card


def affiliation_recusal(card: Scorecard, user) -> None:
    """A member tied to the evaluated NGO's BIN is recused without being asked."""
    ngo_bin = card.evaluation.ngo_bin
    if ngo_bin and ngo_bin in user.affiliated_bins and not card.recused:
        before = describe(card)
        card.recused = True
        card.recusal_reason = RecusalReason.affiliation
        db.session.flush()
        record("scorecard.recuse", card, before=before, after=describe(card), actor=user)


def check_open(evaluation: Evaluation, card: Scorecard) -> None:
    if card.recused:
        raise RuleViolation(_("You are recused from this evaluation and cannot score it."), status=403)
    if evaluation.state != EvaluationState.scoring:
        raise RuleViolation(_("Scoring is not open for this evaluation."), status=409)
    if card.not_submitted:
        raise RuleViolation(
            _("Scoring closed without your scorecard; it can no longer be changed."), status=409
        )
    if evaluation.scores_revealed_at is not None and card.reopened_at is None:
        # Independence: once the chair has seen the scores, only a scorecard he reopened may change.
        raise RuleViolation(
            _("The group's scores have been revealed: only a scorecard the chair reopened can be changed."),
            status=409,
            code="scores_revealed",
        )
    if card.submitted_at is not None:
        raise RuleViolation(_("Your scorecard has been submitted and is locked."), status=409)
    if today_local() > evaluation.deadline and card.reopened_at is None:
        raise RuleViolation(_("The scoring deadline has passed."), status=409)


def check_declared(card: Scorecard) -> None:
    """Scores wait for the declaration: 422, the scorecard's conflict_of_interest is still missing."""
    if not card.declared:
        message = _("Declare whether you have a conflict of interest before scoring.")
        raise RuleViolation(
            message, status=422, fields={"conflict_of_interest": message}, code="conflict_not_declared"
        )


def declare(evaluation: Evaluation, user, conflict: bool, note: str | None = None) -> Scorecard:
    """Record the member's conflict-of-interest declaration; a declared conflict recuses them."""
    card = scorecard_for(evaluation, user)
    check_open(evaluation, card)
    check_length("conflict_note", note, MAX_TEXT)
    if conflict and not (note or "").strip():
        raise RuleViolation(
            _("Describe the conflict of interest."),
            status=422,
            fields={"conflict_note": _("Describe the conflict of interest.")},
        )
    before = describe(card)
    card.conflict_of_interest = bool(conflict)
    card.conflict_note = (note or "").strip() or None
    card.declared_at = datetime.now(UTC)
    if conflict:
        card.recused = True
        card.recusal_reason = RecusalReason.declared
    db.session.flush()
    record("scorecard.declare", card, before=before, after=describe(card), actor=user)
    return card


def validate_scores(evaluation: Evaluation, scores: dict) -> dict[str, tuple[int | None, str | None]]:
    """Check codes and scale of {"code": {"score": n, "comment": "…"}}; raise 422 naming each bad field."""
    methodology = evaluation.methodology
    fields: dict[str, str] = {}
    clean: dict[str, tuple[int | None, str | None]] = {}
    if not isinstance(scores, dict):
        raise RuleViolation(
            _("Scores must be an object keyed by criterion code."),
            status=422,
            fields={"scores": _("Invalid.")},
        )
    for code, entry in scores.items():
        key = f"scores.{code}"
        if methodology.criterion(code) is None:
            fields[key] = _("Unknown criterion code.")
            continue
        if not isinstance(entry, dict):
            fields[key] = _("Send an object with score and comment.")
            continue
        value, comment = entry.get("score"), entry.get("comment")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            fields[f"{key}.score"] = _("The score must be a whole number.")
            continue
        if value is not None and not methodology.scale_min <= value <= methodology.scale_max:
            fields[f"{key}.score"] = _(
                "The score must be between %(min)s and %(max)s.",
                min=methodology.scale_min,
                max=methodology.scale_max,
            )
            continue
        if comment is not None and not isinstance(comment, str):
            fields[f"{key}.comment"] = _("The comment must be text.")
            continue
        too_long(fields, f"{key}.comment", comment, MAX_TEXT)
        if f"{key}.comment" in fields:
            continue
        clean[code] = (value, (comment or "").strip() or None)
    if fields:
        raise RuleViolation(_("Some scores are not valid."), status=422, fields=fields)
    return clean


def save_draft(evaluation: Evaluation, user, scores: dict) -> Scorecard:
    """Save some or all scores as a draft (validated for codes and scale, not for completeness)."""
    card = scorecard_for(evaluation, user)
    check_open(evaluation, card)
    check_declared(card)
    clean = validate_scores(evaluation, scores)
    before = describe(card)
    for code, (value, comment) in clean.items():
        row = card.score_for(code)
        if row is None:
            card.scores.append(Score(criterion_code=code, score=value, comment=comment))
        else:
            row.score, row.comment = value, comment
    db.session.flush()
    after = describe(card)
    if after != before:
        record("scorecard.save", card, before=before, after=after, actor=user)
    return card


def missing_for_submit(evaluation: Evaluation, card: Scorecard) -> dict[str, str]:
    """Fields still missing before the scorecard can be submitted: every score, and comments where required."""
    methodology = evaluation.methodology
    needs_comment = set(methodology.comment_required_scores or [])
    fields: dict[str, str] = {}
    for criterion in methodology.criteria:
        row = card.score_for(criterion.code)
        if row is None or row.score is None:
            fields[f"scores.{criterion.code}.score"] = _("Give a score.")
        elif row.score in needs_comment and not row.comment:
            fields[f"scores.{criterion.code}.comment"] = _(
                "A score of %(score)s needs a comment explaining it.", score=row.score
            )
    return fields


def submit(evaluation: Evaluation, user) -> Scorecard:
    """Lock a complete scorecard; from now on it counts and the member may see the others."""
    card = scorecard_for(evaluation, user)
    check_open(evaluation, card)
    check_declared(card)
    fields = missing_for_submit(evaluation, card)
    if fields:
        raise RuleViolation(_("The scorecard is not complete."), status=422, fields=fields)
    before = describe(card)
    card.submitted_at = datetime.now(UTC)
    db.session.flush()
    record("scorecard.submit", card, before=before, after=describe(card), actor=user)
    return card


def reopen(evaluation: Evaluation, card: Scorecard, chair, reason: str) -> Scorecard:
    """The chair unlocks a submitted scorecard so the member can correct it; the reason is audited."""
    lock(evaluation)
    if not evaluation.is_chair(chair):
        raise RuleViolation(_("Only the group's chair can reopen a scorecard."), status=403)
    if evaluation.state not in (
        EvaluationState.scoring,
        EvaluationState.consolidation,
        EvaluationState.returned,
    ):
        raise RuleViolation(_("This evaluation can no longer be changed."), status=409)
    if card.submitted_at is None:
        raise RuleViolation(_("This scorecard has not been submitted."), status=409)
    if card.member_id == chair.id and evaluation.scores_revealed_at is not None:
        # Independence: the chair has seen every score and may not rescore his own card.
        raise RuleViolation(
            _("The chair has seen the group's scores and cannot reopen his own scorecard."),
            status=409,
            code="scores_revealed",
        )
    if not (reason or "").strip():
        raise RuleViolation(
            _("Give a reason for reopening."),
            status=422,
            fields={"reason": _("Give a reason for reopening.")},
        )
    check_length("reason", reason, MAX_REASON)
    before = describe(card)
    card.submitted_at = None
    card.not_submitted = False
    card.reopened_at = datetime.now(UTC)
    if evaluation.state != EvaluationState.scoring:
        # Scores can only change while scoring is open: reopening brings the evaluation back to it.
        evaluation.state = EvaluationState.scoring
        evaluation.scoring_closed_at = None
    db.session.flush()
    after = describe(card) | {"reason": reason.strip()}
    record("scorecard.reopen", card, before=before, after=after, actor=chair)
    return card


def record_visit(evaluation: Evaluation, user, visit_date, place: str, observations: str) -> SiteVisit:
    """A member's site visit to the project (or the lot's target group)."""
    if not evaluation.group.has_member(user):
        raise RuleViolation(_("Only members of the evaluating group can record visits."), status=403)
    if visit_date > today_local():
        raise RuleViolation(
            _("The visit date cannot be in the future."),
            status=422,
            fields={"visit_date": _("In the future.")},
        )
    visit = SiteVisit(
        evaluation=evaluation,
        member_id=user.id,
        visit_date=visit_date,
        place=place.strip(),
        observations=observations.strip(),
    )
    db.session.add(visit)
    db.session.flush()
    record("site_visit.add", visit, actor=user)
    return visit


def remove_evidence(evaluation: Evaluation, evidence_id: int, user) -> None:
    """Its author deletes a piece of evidence (or a visit photo) while the scorecard is open.

    Audited with what was removed; the stored file goes once the deletion commits
    (docs/domain.md#evidence-removal). Under the evaluation's lock, so of two removals of the same
    item one succeeds and the other finds it gone (404)."""
    lock(evaluation)
    evidence = db.session.execute(
        select(Evidence).where(Evidence.id == evidence_id).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if evidence is None or evidence.reply_id is not None or evidence.evaluation is None:
        raise RuleViolation(_("This evidence no longer exists."), status=404)
    if evidence.evaluation.id != evaluation.id:
        raise RuleViolation(_("This evidence no longer exists."), status=404)
    if evidence.uploaded_by_id != user.id:
        raise RuleViolation(_("Only the member who added this evidence can remove it."), status=403)
    card = evaluation.scorecard_of(user)
    if card is None:
        raise RuleViolation(_("Only members of the evaluating group can score."), status=403)
    check_open(evaluation, card)
    record("evidence.remove", evidence, before=evidence_store.describe(evidence), actor=user)
    evidence_store.remove_file_after_commit(evidence)
    db.session.delete(evidence)
    db.session.flush()
