"""The joint activity plan (docs/cooperation.md#the-joint-activity-plan).

A plan of two or more councils for one year is drafted by their secretaries and chairs, approved at a
joint meeting of its councils that has been held, and published. Once approved, every change of the
plan or of one of its activities is an amendment: it needs a reason, raises the plan's revision and is
kept as a PlanAmendment (before and after), the plan's visible history. Every operation locks the plan
and is audited, so two people approving (or publishing) at the same moment get one result and one 409.
"""

from datetime import UTC, date, datetime

from flask_babel import gettext as _

from grants.audit.operations import record
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    ActivityStatus,
    MeetingState,
    PlanAmendment,
    PlanState,
    keeps,
)
from grants.core.concurrency import lock
from grants.core.errors import RuleViolation
from grants.core.validation import MAX_REASON, MAX_TEXT, check_length
from grants.extensions import db

MIN_COUNCILS = 2  # a joint plan has two or more councils
MIN_YEAR, MAX_YEAR = 2000, 2100
TITLE_LIMIT = 1000
LANGS = ("kk", "ru", "en")


def _invalid(field: str, message: str) -> RuleViolation:
    return RuleViolation(message, status=422, fields={field: message})


def describe_plan(plan: ActivityPlan) -> dict:
    return {
        "year": plan.year,
        "title_kk": plan.title_kk,
        "title_ru": plan.title_ru,
        "title_en": plan.title_en,
        "state": plan.state.value if plan.state else None,
        "councils": sorted(c.id for c in plan.councils),
        "revision": plan.revision,
        "approved_meeting_id": plan.approved_meeting_id,
    }


def describe_activity(activity: Activity) -> dict:
    return {
        "title_kk": activity.title_kk,
        "title_ru": activity.title_ru,
        "title_en": activity.title_en,
        "format": activity.format.value if activity.format else None,
        "status": activity.status.value if activity.status else None,
        "status_reason": activity.status_reason,
        "start_date": activity.start_date.isoformat() if activity.start_date else None,
        "end_date": activity.end_date.isoformat() if activity.end_date else None,
        "councils": sorted(c.id for c in activity.councils),
        "needs": sorted(n.id for n in activity.needs),
        "spheres": sorted(s.id for s in activity.spheres),
        "responsible": activity.responsible,
        "responsible_user_id": activity.responsible_user_id,
        "campaign_id": activity.campaign_id,
        "working_group_id": activity.working_group_id,
        "outcome": activity.outcome,
    }


def is_amended(plan: ActivityPlan) -> bool:
    """Changes after the approval are amendments (with a reason and a history)."""
    return plan.state in (PlanState.approved, PlanState.published)


def _titles(data: dict, limit: int = TITLE_LIMIT) -> dict:
    titles = {f"title_{lang}": (data.get(f"title_{lang}") or "").strip() or None for lang in LANGS}
    if not titles["title_ru"]:
        raise _invalid("title_ru", _("Write the title in Russian."))
    for name, value in titles.items():
        if value:
            check_length(name, value, limit)
    return titles


def _text(data: dict, name: str, limit: int = MAX_TEXT) -> str | None:
    value = (data.get(name) or "").strip() or None
    if value:
        check_length(name, value, limit)
    return value


def _amendment_reason(plan: ActivityPlan, reason: str | None) -> str | None:
    """The reason of an amendment: required once the plan is approved, ignored before."""
    if not is_amended(plan):
        return None
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("The plan is approved: give the reason for this amendment."))
    check_length("reason", reason, MAX_REASON)
    return reason


def _amend(plan, user, action: str, reason: str, before, after, activity=None) -> PlanAmendment:
    plan.revision = (plan.revision or 1) + 1
    amendment = PlanAmendment(
        plan=plan,
        revision=plan.revision,
        activity=activity,
        action=action,
        reason=reason,
        before=before,
        after=after,
        made_by_id=user.id,
    )
    db.session.add(amendment)
    return amendment


def _check_keeper(user, councils, message: str) -> None:
    if not keeps(user, councils):
        raise RuleViolation(message, status=403)


# --- the plan ------------------------------------------------------------------------------------


def _plan_fields(data: dict) -> dict:
    year = data.get("year")
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise _invalid("year", _("Enter a year between %(a)s and %(b)s.", a=MIN_YEAR, b=MAX_YEAR))
    councils = list(dict.fromkeys(c for c in data.get("councils") or () if c is not None))
    if len(councils) < MIN_COUNCILS:
        raise _invalid("councils", _("A joint plan has at least two councils: choose two or more."))
    return {"year": year, "councils": councils, **_titles(data, 500)}


def create_plan(user, data: dict) -> ActivityPlan:
    """A draft plan; data: year, title_kk/ru/en, councils (Council objects). The user must keep one of
    the councils (be its secretary or chair) or be an administrator."""
    fields = _plan_fields(data)
    _check_keeper(
        user, fields["councils"], _("Only a secretary or chair of one of the plan's councils drafts it.")
    )
    plan = ActivityPlan(
        year=fields["year"],
        title_kk=fields["title_kk"],
        title_ru=fields["title_ru"],
        title_en=fields["title_en"],
        councils=fields["councils"],
        state=PlanState.draft,
        revision=1,
        created_by_id=user.id,
    )
    db.session.add(plan)
    db.session.flush()
    record("plan.create", plan, after=describe_plan(plan), actor=user)
    return plan


def edit_plan(plan: ActivityPlan, user, data: dict, reason: str | None = None) -> ActivityPlan:
    """Change the year, titles and councils of a draft; once approved only the titles change, as an
    amendment with a reason."""
    lock(plan)
    _check_keeper(user, plan.councils, _("Only a secretary or chair of the plan's councils edits it."))
    fields = _plan_fields(data)
    reason = _amendment_reason(plan, reason)
    if reason is not None:
        if fields["year"] != plan.year:
            raise _invalid("year", _("The year of an approved plan does not change."))
        if {c.id for c in fields["councils"]} != {c.id for c in plan.councils}:
            raise _invalid("councils", _("The councils of an approved plan do not change."))
    elif not keeps(user, fields["councils"]):
        raise _invalid("councils", _("Keep at least one council you are secretary or chair of."))
    if fields["year"] != plan.year:
        outside = [a for a in plan.activities if not _in_year(a, fields["year"])]
        if outside:
            raise _invalid(
                "year", _("Some activities are dated outside this year: change their dates first.")
            )
    kept = {c.id for c in fields["councils"]}
    if reason is None and any(c.id not in kept for a in plan.activities for c in a.councils):
        raise _invalid("councils", _("A council responsible for an activity cannot leave the plan."))
    before = describe_plan(plan)
    plan.year = fields["year"]
    plan.councils = fields["councils"]
    for name in ("title_kk", "title_ru", "title_en"):
        setattr(plan, name, fields[name])
    db.session.flush()
    after = describe_plan(plan)
    if reason is not None:
        _amend(plan, user, "plan.edit", reason, before, after)
        after = describe_plan(plan)
    record("plan.edit", plan, before=before, after=after, actor=user)
    return plan


def _in_year(activity: Activity, year: int) -> bool:
    return all(d is None or d.year == year for d in (activity.start_date, activity.end_date))


# --- activities ---------------------------------------------------------------------------------


def _activity_fields(plan: ActivityPlan, data: dict) -> dict:
    titles = _titles(data)
    try:
        fmt = ActivityFormat(data.get("format"))
    except ValueError:
        raise _invalid("format", _("Choose the format.")) from None
    councils = list(dict.fromkeys(data.get("councils") or ()))
    plan_ids = {c.id for c in plan.councils}
    if not councils:
        raise _invalid("councils", _("Choose the responsible councils."))
    if any(c.id not in plan_ids for c in councils):
        raise _invalid("councils", _("The responsible councils are councils of the plan."))
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, date):
        raise _invalid("start_date", _("Enter the planned start date."))
    end = end if isinstance(end, date) else start
    if end < start:
        raise _invalid("end_date", _("The end date cannot be before the start date."))
    if start.year != plan.year:
        raise _invalid("start_date", _("The dates are within the plan's year, %(year)s.", year=plan.year))
    if end.year != plan.year:
        raise _invalid("end_date", _("The dates are within the plan's year, %(year)s.", year=plan.year))
    campaign = data.get("campaign")
    if campaign is not None and fmt != ActivityFormat.monitoring:
        raise _invalid("campaign_id", _("Only a monitoring activity is linked to a monitoring campaign."))
    return {
        **titles,
        "format": fmt,
        "councils": councils,
        "needs": list(dict.fromkeys(data.get("needs") or ())),
        "spheres": list(dict.fromkeys(data.get("spheres") or ())),
        "start_date": start,
        "end_date": end,
        "responsible": _text(data, "responsible"),
        "responsible_user": data.get("responsible_user"),
        "campaign": campaign,
        "working_group": data.get("working_group"),
        "outcome": _text(data, "outcome"),
    }


def _apply(activity: Activity, fields: dict) -> None:
    for name, value in fields.items():
        setattr(activity, name, value)


def add_activity(plan: ActivityPlan, user, data: dict, reason: str | None = None) -> Activity:
    """A new activity of the plan; data as the form gives it (objects for the links). After the approval
    it is an amendment with a reason."""
    lock(plan)
    _check_keeper(user, plan.councils, _("Only a secretary or chair of the plan's councils edits it."))
    fields = _activity_fields(plan, data)
    reason = _amendment_reason(plan, reason)
    position = max((a.position for a in plan.activities), default=0) + 1
    activity = Activity(plan=plan, position=position, status=ActivityStatus.planned)
    _apply(activity, fields)
    db.session.add(activity)
    db.session.flush()
    after = describe_activity(activity)
    if reason is not None:
        _amend(plan, user, "activity.add", reason, None, after, activity)
    record("activity.add", activity, after=after, actor=user)
    return activity


def edit_activity(activity: Activity, user, data: dict, reason: str | None = None) -> Activity:
    plan = activity.plan
    lock(plan)
    _check_keeper(user, plan.councils, _("Only a secretary or chair of the plan's councils edits it."))
    fields = _activity_fields(plan, data)
    reason = _amendment_reason(plan, reason)
    before = describe_activity(activity)
    _apply(activity, fields)
    db.session.flush()
    after = describe_activity(activity)
    if reason is not None:
        if before == after:
            raise _invalid("reason", _("Nothing has changed."))
        _amend(plan, user, "activity.edit", reason, before, after, activity)
    record("activity.edit", activity, before=before, after=after, actor=user)
    return activity


def change_status(
    activity: Activity, user, status: str, reason: str | None = None, outcome: str | None = None
) -> Activity:
    """planned, in progress, done, postponed or cancelled; the last two need the reason, which is also
    the amendment's reason once the plan is approved. outcome None keeps the recorded outcome."""
    plan = activity.plan
    lock(plan)
    _check_keeper(user, plan.councils, _("Only a secretary or chair of the plan's councils edits it."))
    try:
        new = ActivityStatus(status)
    except ValueError:
        raise _invalid("status", _("Choose the status.")) from None
    reason = (reason or "").strip() or None
    if reason:
        check_length("reason", reason, MAX_REASON)
    if new.needs_reason and not reason:
        raise _invalid("reason", _("Give the reason for postponing or cancelling."))
    if is_amended(plan) and not reason:
        raise _invalid("reason", _("The plan is approved: give the reason for this amendment."))
    outcome = _text({"outcome": outcome}, "outcome") if outcome is not None else activity.outcome
    before = describe_activity(activity)
    activity.status = new
    activity.status_reason = reason if new.needs_reason else None
    activity.outcome = outcome
    db.session.flush()
    after = describe_activity(activity)
    if before == after:
        raise RuleViolation(_("The activity already has this status."), status=409)
    if is_amended(plan):
        _amend(plan, user, "activity.status", reason, before, after, activity)
    record("activity.status", activity, before=before, after=after, actor=user)
    return activity


# --- approval and publication -------------------------------------------------------------------


def approval_meeting_problem(plan: ActivityPlan, meeting) -> str | None:
    """Why meeting cannot approve plan (None: it can): held or published, joint, with every council of
    the plan taking part."""
    if meeting is None:
        return _("Choose the meeting that approved the plan.")
    if meeting.state not in (MeetingState.held, MeetingState.published):
        return _("The meeting has not been held yet.")
    meeting_ids = {c.id for c in meeting.councils}
    if len(meeting_ids) < MIN_COUNCILS or not {c.id for c in plan.councils} <= meeting_ids:
        return _("The plan is approved at a joint meeting of all its councils.")
    return None


def approve(plan: ActivityPlan, meeting, user) -> ActivityPlan:
    """Record the approval of a draft plan at a joint meeting that has been held."""
    lock(plan)
    if not keeps(user, plan.councils):
        raise RuleViolation(
            _("Only a secretary or chair of the plan's councils records its approval."), status=403
        )
    if plan.state != PlanState.draft:
        raise RuleViolation(_("This plan has already been approved."), status=409)
    problem = approval_meeting_problem(plan, meeting)
    if problem:
        raise _invalid("meeting_id", problem)
    if not plan.activities:
        raise _invalid("meeting_id", _("Add the plan's activities before its approval."))
    before = describe_plan(plan)
    plan.state = PlanState.approved
    plan.approved_meeting = meeting
    plan.approved_at = datetime.now(UTC)
    if meeting.plan_id is None:
        meeting.plan_id = plan.id
    db.session.flush()
    record("plan.approve", plan, before=before, after=describe_plan(plan), actor=user)
    return plan


def publish(plan: ActivityPlan, user) -> ActivityPlan:
    """Make an approved plan public."""
    lock(plan)
    if not keeps(user, plan.councils):
        raise RuleViolation(_("Only a secretary or chair of the plan's councils publishes it."), status=403)
    if plan.state == PlanState.published:
        raise RuleViolation(_("This plan is already published."), status=409)
    if plan.state != PlanState.approved:
        raise RuleViolation(_("Record the plan's approval before publishing it."), status=409)
    before = describe_plan(plan)
    plan.state = PlanState.published
    plan.published_at = datetime.now(UTC)
    db.session.flush()
    record("plan.publish", plan, before=before, after=describe_plan(plan), actor=user)
    return plan
