"""Campaigns, assignments and the evaluation workflow up to review (docs/domain.md#evaluation-states).

Closing after the deadline is the scheduled tick's (grants/monitoring/tick.py); finalize sends
signals.evaluation_finalized and grants.reports issues the draft report (docs/operations.md).

Operations check their rule, change state, audit and flush; views and the API commit once.
"""

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from grants.audit.operations import record, snapshot
from grants.core import signals
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation, today_local
from grants.core.validation import MAX_LONG_TEXT, MAX_REASON, MAX_TEXT, check_length, too_long
from grants.councils.models import MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotNeed
from grants.lots.operations import LotFilters
from grants.monitoring.models import (
    Campaign,
    CampaignStatus,
    CriterionConclusion,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
)
from grants.monitoring.registry import lot_query
from grants.monitoring.results import evaluation_result, store_result
from grants.needs.models import PublicNeed
from grants.projects.models import Project

OPEN_FOR_CONSOLIDATION = (EvaluationState.consolidation, EvaluationState.returned)
REPLY_WINDOW_DAYS = (1, 60)  # the shortest and the longest reply window a campaign may give, in working days


# --- campaigns and assignments ----------------------------------------------------------------


def save_campaign(campaign: Campaign, data: dict, group_ids: list[int], user) -> Campaign:
    """Create or update a campaign and its groups (audited)."""
    if campaign.id is not None:
        lock(campaign)  # a group is not dropped while an assignment to it commits
    before = snapshot(campaign) if campaign.id else None
    _check_campaign(campaign, data, group_ids)
    for name in (
        "name_ru", "name_kk", "name_en", "period_start", "period_end", "scoring_deadline", "review_deadline",
        "reply_window_days", "project_methodology_id", "lot_methodology_id",
    ):  # fmt: skip
        if name in data:
            setattr(campaign, name, data[name] if data[name] != "" else None)
    campaign.groups = list(
        db.session.scalars(select(MonitoringGroup).where(MonitoringGroup.id.in_(group_ids)))
    )
    if campaign.id is None:
        campaign.organiser_id = user.organisation_id
        campaign.created_by_id = user.id
        db.session.add(campaign)
    db.session.flush()
    for evaluation in campaign.evaluations:
        if evaluation.state in (EvaluationState.draft, EvaluationState.scoring):
            evaluation.deadline = campaign.scoring_deadline
    record("campaign.create" if before is None else "campaign.update", campaign, before=before, actor=user)
    return campaign


def _check_campaign(campaign: Campaign, data: dict, group_ids: list[int]) -> None:
    """Dates in order, methodologies of the right kind, no group dropped that already has work."""
    fields = {}
    start, end, deadline = data.get("period_start"), data.get("period_end"), data.get("scoring_deadline")
    if start and end and end < start:
        fields["period_end"] = _("The end date cannot be before the start date.")
    if start and deadline and deadline < start:
        fields["scoring_deadline"] = _("The scoring deadline cannot be before the period starts.")
    review = data.get("review_deadline")
    if deadline and review and review < deadline:
        fields["review_deadline"] = _("The review deadline cannot be before the scoring deadline.")
    days = data.get("reply_window_days")
    if days is not None and not REPLY_WINDOW_DAYS[0] <= days <= REPLY_WINDOW_DAYS[1]:
        fields["reply_window_days"] = _(
            "Between %(min)s and %(max)s working days.", min=REPLY_WINDOW_DAYS[0], max=REPLY_WINDOW_DAYS[1]
        )
    if not data.get("project_methodology_id") and not data.get("lot_methodology_id"):
        fields["lot_methodology_id"] = _("Choose a methodology for projects, for lots, or both.")
    if not group_ids:
        fields["groups"] = _("Choose at least one monitoring group.")
    for key, kind in (
        ("project_methodology_id", SubjectKind.project),
        ("lot_methodology_id", SubjectKind.lot),
    ):
        mid = data.get(key)
        if mid:
            methodology = db.session.get(Methodology, mid)
            if methodology is None or methodology.kind != kind:
                fields[key] = _("Choose a methodology of the right kind.")
            elif not methodology.active and mid != getattr(campaign, key):
                fields[key] = _("This methodology version has been superseded: choose the current one.")
    busy = {e.group_id for e in campaign.evaluations} - set(group_ids)
    if busy:
        fields["groups"] = _("A group that already has evaluations in this campaign cannot be removed.")
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)


def start_campaign(campaign: Campaign, user) -> Campaign:
    """Open scoring on every evaluation assigned so far."""
    lock(campaign)
    if campaign.status != CampaignStatus.draft:
        raise RuleViolation(_("The campaign has already started."), status=409)
    if not campaign.evaluations:
        raise RuleViolation(_("Assign at least one project or lot before starting."), status=409)
    campaign.status = CampaignStatus.running
    for evaluation in campaign.evaluations:
        if evaluation.state == EvaluationState.draft:
            evaluation.state = EvaluationState.scoring
    db.session.flush()
    record("campaign.start", campaign, after={"status": campaign.status.value}, actor=user)
    for evaluation in campaign.evaluations:
        if evaluation.state == EvaluationState.scoring:
            signals.scoring_opened.send(evaluation, actor=user)
    return campaign


def check_assignable(campaign: Campaign, group, subject: Project | Lot) -> None:
    """The rules of an assignment, checked without writing (assign checks them again under the lock)."""
    kind = SubjectKind.project if isinstance(subject, Project) else SubjectKind.lot
    lot = subject.lot if kind == SubjectKind.project else subject
    if group not in campaign.groups:
        raise RuleViolation(
            _("The group does not take part in this campaign."),
            status=422,
            fields={"group": _("Choose one of the campaign's groups.")},
        )
    if lot.administrator_id != campaign.organiser_id:
        raise RuleViolation(
            _("Only lots and projects of the campaign's organiser can be assigned."), status=403
        )
    methodology = campaign.methodology_for(kind)
    if methodology is None:
        raise RuleViolation(_("The campaign has no methodology for this kind of subject."), status=409)
    if campaign.status == CampaignStatus.closed:
        raise RuleViolation(_("The campaign is closed."), status=409)
    if db.session.scalar(
        select(Evaluation.id).where(
            Evaluation.campaign_id == campaign.id, Evaluation.subject_key == f"{kind.value}:{subject.id}"
        )
    ):
        raise RuleViolation(_("This subject is already assigned in this campaign."), status=409)


def assign(campaign: Campaign, group, subject: Project | Lot, user) -> Evaluation:
    """Create the evaluation of one project or lot by one of the campaign's groups."""
    lock(campaign)  # serialised with starting the campaign and with other assignments
    check_assignable(campaign, group, subject)
    kind = SubjectKind.project if isinstance(subject, Project) else SubjectKind.lot
    lot = subject.lot if kind == SubjectKind.project else subject
    evaluation = Evaluation(
        campaign=campaign,
        group=group,
        kind=kind,
        subject_key=f"{kind.value}:{subject.id}",
        project_id=subject.id if kind == SubjectKind.project else None,
        lot_id=lot.id,
        methodology=campaign.methodology_for(kind),
        deadline=campaign.scoring_deadline,
        state=EvaluationState.scoring if campaign.status == CampaignStatus.running else EvaluationState.draft,
    )
    db.session.add(evaluation)
    db.session.flush()
    record("evaluation.assign", evaluation, actor=user)
    if evaluation.state == EvaluationState.scoring:
        signals.scoring_opened.send(evaluation, actor=user)
    return evaluation


def assign_by_filter(
    campaign: Campaign, group, kind: SubjectKind, filters: LotFilters, user
) -> list[Evaluation]:
    """Assign every matching lot (or every project of matching lots) not yet in the campaign."""
    filters.administrator = campaign.organiser.bin
    lots = db.session.scalars(lot_query(filters)).all()
    subjects = lots if kind == SubjectKind.lot else [p for lot in lots for p in lot.projects]
    taken = {e.subject_key for e in campaign.evaluations}
    return [assign(campaign, group, s, user) for s in subjects if f"{kind.value}:{s.id}" not in taken]


# --- the evaluation workflow ------------------------------------------------------------------


def close_scoring(evaluation: Evaluation, user=None, automatic: bool = False) -> Evaluation:
    """Move to consolidation once the quorum is met; unsubmitted scorecards are recorded as such.

    From now on the chair has seen every score: the evaluation's scores are revealed, and only
    scorecards the chair reopens can change again (docs/concurrency.md)."""
    lock(evaluation)
    if evaluation.state != EvaluationState.scoring:
        raise RuleViolation(_("Scoring is not open for this evaluation."), status=409)
    if not automatic and not evaluation.is_chair(user):
        raise RuleViolation(_("Only the group's chair can close scoring."), status=403)
    result = evaluation_result(evaluation)
    if not result.quorum_met:
        raise RuleViolation(
            _(
                "The quorum is not met: %(submitted)s of %(quorum)s scorecards submitted.",
                submitted=result.submitted,
                quorum=result.quorum,
            ),
            status=409,
            code="quorum_not_met",
        )
    for card in evaluation.scorecards:
        if card.submitted_at is None and not card.recused:
            card.not_submitted = True
    evaluation.state = EvaluationState.consolidation
    evaluation.scoring_closed_at = datetime.now(UTC)
    if evaluation.scores_revealed_at is None:
        evaluation.scores_revealed_at = evaluation.scoring_closed_at
    db.session.flush()
    record(
        "evaluation.close_scoring",
        evaluation,
        after={"state": "consolidation", "automatic": automatic},
        actor=None if automatic else user,
    )
    return evaluation


def due_for_closing() -> list[int]:
    """Ids of the evaluations still scoring after their deadline (`tick` closes those with a quorum)."""
    return list(
        db.session.scalars(
            select(Evaluation.id)
            .where(Evaluation.state == EvaluationState.scoring, Evaluation.deadline < today_local())
            .order_by(Evaluation.id)
        )
    )


def close_if_due(evaluation: Evaluation) -> bool:
    """After the deadline, an evaluation with its quorum moves to consolidation (automatically, no actor).

    Only the scheduled `tick` calls it, one evaluation per transaction, possibly from several
    processes at once: it decides under the evaluation's lock and never raises (docs/concurrency.md).
    Reading pages never call it: a GET never writes."""
    if not (evaluation.state == EvaluationState.scoring and today_local() > evaluation.deadline):
        return False
    lock(evaluation)  # another tick may be closing it now: decide on the committed state
    if evaluation.state != EvaluationState.scoring or not today_local() > evaluation.deadline:
        return False
    correcting = any(card.reopened_at and not card.submitted_at for card in evaluation.scorecards)
    if correcting or not evaluation_result(evaluation).quorum_met:
        return False
    close_scoring(evaluation, automatic=True)
    return True


def _conclusion(evaluation: Evaluation, code: str) -> CriterionConclusion:
    row = evaluation.conclusion(code)
    if row is None:
        row = CriterionConclusion(criterion_code=code)
        evaluation.conclusions.append(row)
    return row


def describe_consolidation(evaluation: Evaluation) -> dict:
    return {
        "state": evaluation.state.value,
        "findings": evaluation.findings,
        "recommendations": evaluation.recommendations,
        "conclusions": {c.criterion_code: c.conclusion for c in evaluation.conclusions},
        "consensus_notes": {c.criterion_code: c.consensus_note for c in evaluation.conclusions},
        "index": str(evaluation.index_value) if evaluation.index_value is not None else None,
        "band": evaluation.band,
    }


def save_consolidation(evaluation: Evaluation, chair, payload: dict) -> Evaluation:
    """The chair's draft of conclusions, consensus notes, findings and recommendations."""
    lock(evaluation)
    if not evaluation.is_chair(chair):
        raise RuleViolation(_("Only the group's chair can consolidate."), status=403)
    if evaluation.state not in OPEN_FOR_CONSOLIDATION:
        raise RuleViolation(_("The evaluation is not in consolidation."), status=409)
    codes = set(evaluation.methodology.codes)
    fields = {}
    for key in ("conclusions", "consensus_notes"):
        value = payload.get(key) or {}
        if not isinstance(value, dict):
            fields[key] = _("Send an object keyed by criterion code.")
            continue
        for code, text in value.items():
            if code not in codes:
                fields[f"{key}.{code}"] = _("Unknown criterion code.")
            elif text is not None and not isinstance(text, str):
                fields[f"{key}.{code}"] = _("Must be text.")
            else:
                too_long(fields, f"{key}.{code}", text, MAX_TEXT)
    for key in ("findings", "recommendations"):
        if payload.get(key) is not None and not isinstance(payload.get(key), str):
            fields[key] = _("Must be text.")
        too_long(fields, key, payload.get(key), MAX_LONG_TEXT)
    if fields:
        raise RuleViolation(_("Some fields are not valid."), status=422, fields=fields)
    before = describe_consolidation(evaluation)
    for code, text in (payload.get("conclusions") or {}).items():
        _conclusion(evaluation, code).conclusion = (text or "").strip() or None
    for code, text in (payload.get("consensus_notes") or {}).items():
        _conclusion(evaluation, code).consensus_note = (text or "").strip() or None
    for key in ("findings", "recommendations"):
        if key in payload:
            setattr(evaluation, key, (payload.get(key) or "").strip() or None)
    db.session.flush()
    after = describe_consolidation(evaluation)
    if after != before:
        record("evaluation.consolidate", evaluation, before=before, after=after, actor=chair)
    return evaluation


def finalize(evaluation: Evaluation, chair, payload: dict) -> Evaluation:
    """Close scoring if still open, check the consolidation is complete, fix the result, send for review.

    Taken once: concurrent finalizes wait on the evaluation's lock and the later ones find it in
    review (409); no second report version, event or mail (docs/concurrency.md)."""
    lock(evaluation)
    if not evaluation.is_chair(chair):
        raise RuleViolation(_("Only the group's chair can finalize the evaluation."), status=403)
    if evaluation.state == EvaluationState.scoring:
        close_scoring(evaluation, chair)
    elif evaluation.state not in OPEN_FOR_CONSOLIDATION:
        raise RuleViolation(_("The evaluation is not in consolidation."), status=409)
    save_consolidation(evaluation, chair, payload)
    result = evaluation_result(evaluation)
    if not result.quorum_met:
        raise RuleViolation(
            _(
                "The quorum is not met: %(submitted)s of %(quorum)s scorecards submitted.",
                submitted=result.submitted,
                quorum=result.quorum,
            ),
            status=409,
            code="quorum_not_met",
        )
    unresolved = {
        f"consensus_notes.{code}": _("Members disagree on this criterion: write the consensus note.")
        for code in result.flagged
        if not (evaluation.conclusion(code) and evaluation.conclusion(code).consensus_note)
    }
    if unresolved:
        raise RuleViolation(
            _("Every criterion on which members disagree needs a consensus note."),
            status=409,
            fields=unresolved,
            code="consensus_missing",
        )
    missing = {
        f"conclusions.{code}": _("Write the group's conclusion on this criterion.")
        for code in evaluation.methodology.codes
        if not (evaluation.conclusion(code) and evaluation.conclusion(code).conclusion)
    }
    if not evaluation.findings:
        missing["findings"] = _("Write the findings.")
    if not evaluation.recommendations:
        missing["recommendations"] = _("Write the recommendations.")
    if missing:
        raise RuleViolation(_("The consolidation is not complete."), status=422, fields=missing)
    before = describe_consolidation(evaluation)
    store_result(evaluation, result)  # the index, the band and the agreement sums
    evaluation.state = EvaluationState.in_review
    evaluation.finalized_at = datetime.now(UTC)
    evaluation.finalized_by_id = chair.id
    db.session.flush()
    record(
        "evaluation.finalize",
        evaluation,
        before=before,
        after=describe_consolidation(evaluation),
        actor=chair,
    )
    signals.evaluation_finalized.send(evaluation, actor=chair)  # grants.reports issues the draft report
    return evaluation


# --- lot relevance: the group links the lot to public needs -----------------------------------


def can_edit_needs(evaluation: Evaluation, user) -> bool:
    return (
        evaluation.kind == SubjectKind.lot
        and evaluation.group.has_member(user)
        and not evaluation.is_recused(user)
        and evaluation.state in (EvaluationState.scoring, *OPEN_FOR_CONSOLIDATION)
    )


def _check_lot(evaluation: Evaluation) -> None:
    if evaluation.kind != SubjectKind.lot:
        raise RuleViolation(_("Public needs are linked in lot evaluations only."), status=409)


def link_need(evaluation: Evaluation, need: PublicNeed, user, reason: str) -> LotNeed:
    lock(evaluation)
    _check_lot(evaluation)
    if not can_edit_needs(evaluation, user):
        raise RuleViolation(_("You cannot change this lot's needs now."), status=403)
    if not (reason or "").strip():
        raise RuleViolation(_("Give a reason."), status=422, fields={"reason": _("Give a reason.")})
    check_length("reason", reason, MAX_REASON)
    lot = evaluation.lot
    if any(link.need_id == need.id for link in lot.need_links):
        raise RuleViolation(_("The need is already linked to this lot."), status=409)
    link = LotNeed(lot=lot, need=need, reason=reason.strip(), linked_by_id=user.id)
    db.session.add(link)
    db.session.flush()
    record(
        "lot.link_need",
        lot,
        after={"need_id": need.id, "reason": reason.strip(), "evaluation_id": evaluation.id},
        actor=user,
    )
    return link


def unlink_need(evaluation: Evaluation, need: PublicNeed, user, reason: str) -> None:
    lock(evaluation)
    _check_lot(evaluation)
    if not can_edit_needs(evaluation, user):
        raise RuleViolation(_("You cannot change this lot's needs now."), status=403)
    if not (reason or "").strip():
        raise RuleViolation(_("Give a reason."), status=422, fields={"reason": _("Give a reason.")})
    check_length("reason", reason, MAX_REASON)
    lot = evaluation.lot
    link = next((link for link in lot.need_links if link.need_id == need.id), None)
    if link is None:
        raise RuleViolation(_("The need is not linked to this lot."), status=409)
    before = {"need_id": need.id, "reason": link.reason}
    lot.need_links.remove(link)
    db.session.flush()
    record(
        "lot.unlink_need",
        lot,
        before=before,
        after={"reason": reason.strip(), "evaluation_id": evaluation.id},
        actor=user,
    )
