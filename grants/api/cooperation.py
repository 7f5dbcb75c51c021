"""JSON API of the joint work of councils: plan activities and meetings (docs/api.md#activities-and-meetings).

Public: anybody sees the activities of published plans and published meetings; the people of a council
(members, secretary, chair) also see its drafts and scheduled meetings, administrators everything
(Activity.visible_to, Meeting.visible_to). What the caller may not see does not exist (404).
"""

from datetime import UTC, datetime

from flask import abort
from flask_login import current_user
from sqlalchemy import extract, select
from sqlalchemy.orm import selectinload

from grants.api.common import bp, errors, paginate
from grants.api.schemas_cooperation import (
    ActivityListArgs,
    ActivityPageSchema,
    ActivitySchema,
    MeetingListArgs,
    MeetingPageSchema,
    MeetingSchema,
)
from grants.cooperation.meetings import quorum as council_quorums
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    ActivityStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingState,
    activity_councils,
    activity_needs,
    meeting_councils,
)
from grants.core.permissions import MAX_ID
from grants.core.schemas import Shown
from grants.extensions import db

ACTIVITY_TAGS = ["activities"]
MEETING_TAGS = ["meetings"]

# Which calendar months each quarter covers.
QUARTER_MONTHS = {1: (1, 2, 3), 2: (4, 5, 6), 3: (7, 8, 9), 4: (10, 11, 12)}


# --- activities ---------------------------------------------------------------------------------------


def activity_query(args: dict, user):
    """The activities user may see that match the filters, in plan order."""
    query = (
        select(Activity)
        .join(ActivityPlan, Activity.plan_id == ActivityPlan.id)
        .where(Activity.visible_to(user))
        .order_by(ActivityPlan.year.desc(), ActivityPlan.id, Activity.position, Activity.id)
    )
    if args.get("year"):
        query = query.where(ActivityPlan.year == int(args["year"]))
    if args.get("plan") is not None:
        query = query.where(Activity.plan_id == args["plan"])
    if args.get("council") is not None:
        query = query.where(
            Activity.id.in_(
                select(activity_councils.c.activity_id).where(
                    activity_councils.c.council_id == args["council"]
                )
            )
        )
    if args.get("topic") is not None:
        query = query.where(
            Activity.id.in_(
                select(activity_needs.c.activity_id).where(activity_needs.c.need_id == args["topic"])
            )
        )
    if args.get("format"):
        query = query.where(Activity.format == ActivityFormat(args["format"]))
    if args.get("status"):
        query = query.where(Activity.status == ActivityStatus(args["status"]))
    if args.get("quarter") is not None:
        query = query.where(extract("month", Activity.start_date).in_(QUARTER_MONTHS[args["quarter"]]))
    return query.options(
        selectinload(Activity.plan),
        selectinload(Activity.councils),
        selectinload(Activity.needs),
        selectinload(Activity.spheres),
    )


@bp.get("/activities", tags=ACTIVITY_TAGS)
@bp.arguments(ActivityListArgs, location="query")
@bp.response(200, ActivityPageSchema)
def activities(args):
    """Activities of the joint plans, filtered and paged; anonymous callers see published plans only."""
    return paginate(activity_query(args, current_user), args["page"], args["per_page"])


@bp.get(f"/activities/<int(max={MAX_ID}):activity_id>", tags=ACTIVITY_TAGS)
@bp.response(200, ActivitySchema)
@errors(404)
def activity_detail(activity_id: int):
    """One activity of a plan the caller may see."""
    activity = db.session.scalar(
        activity_query({}, current_user).where(Activity.id == activity_id).order_by(None)
    )
    if activity is None:
        abort(404)
    return activity


# --- meetings -----------------------------------------------------------------------------------------


def meeting_query(args: dict, user):
    query = (
        select(Meeting).where(Meeting.visible_to(user)).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if args.get("year"):
        year = int(args["year"])
        query = query.where(
            Meeting.starts_at >= datetime(year, 1, 1, tzinfo=UTC),
            Meeting.starts_at < datetime(year + 1, 1, 1, tzinfo=UTC),
        )
    if args.get("council") is not None:
        query = query.where(
            Meeting.id.in_(
                select(meeting_councils.c.meeting_id).where(meeting_councils.c.council_id == args["council"])
            )
        )
    if args.get("state"):
        query = query.where(Meeting.state == MeetingState(args["state"]))
    if args.get("plan") is not None:
        query = query.where(Meeting.plan_id == args["plan"])
    return query.options(
        selectinload(Meeting.councils),
        selectinload(Meeting.participants),
        selectinload(Meeting.agenda).selectinload(AgendaItem.speaker),
        selectinload(Meeting.decisions).selectinload(Decision.recommendations),
    )


def meeting_answer(meeting: Meeting, user) -> Shown:
    """The meeting as user may read it: the minutes and decisions once published, or to its keepers."""
    shown = meeting.is_published or meeting.can_edit(user)
    agenda = [
        item if shown else Shown(item, heard=None, discussed=None, decided=None) for item in meeting.agenda
    ]
    decisions = []
    if shown:
        decisions = [
            {
                "text": decision.text,
                "recommendation_ids": [r.id for r in decision.recommendations if r.can_view(user)],
            }
            for decision in meeting.decisions
        ]
    attendance = [
        {"council_id": q.council.id, "members": q.members, "present": q.present, "quorum_met": q.has_quorum}
        for q in council_quorums(meeting)
    ]
    return Shown(meeting, agenda=agenda, decisions=decisions, attendance=attendance, minutes_shown=shown)


@bp.get("/meetings", tags=MEETING_TAGS)
@bp.arguments(MeetingListArgs, location="query")
@bp.response(200, MeetingPageSchema)
def meetings(args):
    """Meetings of the councils, newest first; anonymous callers see those with published minutes only."""
    page = paginate(meeting_query(args, current_user), args["page"], args["per_page"])
    page["items"] = [meeting_answer(meeting, current_user) for meeting in page["items"]]
    return page


@bp.get(f"/meetings/<int(max={MAX_ID}):meeting_id>", tags=MEETING_TAGS)
@bp.response(200, MeetingSchema)
@errors(404)
def meeting_detail(meeting_id: int):
    """One meeting the caller may see, with its agenda, attendance and (when readable) minutes."""
    meeting = db.session.scalar(meeting_query({}, current_user).where(Meeting.id == meeting_id))
    if meeting is None:
        abort(404)
    return meeting_answer(meeting, current_user)
