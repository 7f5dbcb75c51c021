"""The demo's joint work of the councils (grants/seed/data/cooperation.py): the 2026 joint plan, its meetings
with minutes, the working group, experts, information work and the recommendations with their answers.

Idempotent like grants/seed/demo.py: rows are upserted by a natural key (plan year and title, activity and
agenda position, meeting title, participant user or name, group name, task title, item title, recommendation
council and text) and rows whose values already match are not touched. Dates that depend on the day of
loading (the scheduled meeting, the sent recommendations' due dates) follow `today_local()`.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from grants.accounts.models import User
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    ActivityStatus,
    AgendaItem,
    Attachment,
    Decision,
    Expert,
    InformationItem,
    InformationKind,
    Meeting,
    MeetingState,
    Participant,
    PlanAmendment,
    PlanState,
    Recommendation,
    RecommendationStatus,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
)
from grants.core.db import as_utc
from grants.core.errors import LOCAL_TZ, today_local
from grants.councils.models import Council
from grants.extensions import db
from grants.lots.models import Sphere
from grants.monitoring.models import Campaign, Evaluation
from grants.needs.models import NeedSource, Priority, PublicNeed
from grants.organisations.models import Organisation
from grants.seed.data import cooperation as data

MEETING_HOUR = time(10, 0)


def _local(*parts) -> datetime | None:
    """A local date (and time) from the data module as an aware UTC datetime."""
    if not parts or parts[0] is None:
        return None
    if isinstance(parts[0], date):
        return datetime.combine(parts[0], MEETING_HOUR, LOCAL_TZ).astimezone(UTC)
    return datetime(*parts, tzinfo=LOCAL_TZ).astimezone(UTC)


def _same(current, value) -> bool:
    if isinstance(value, datetime):
        return as_utc(current) == value
    return current == value


def _assign(obj, values: dict) -> None:
    """Set only the fields whose value differs (SQLite hands datetimes back naive), so a second run is a no-op."""
    for name, value in values.items():
        if not _same(getattr(obj, name), value):
            setattr(obj, name, value)


def _upsert(model, key: dict, values: dict):
    obj = db.session.execute(select(model).filter_by(**key)).scalar_one_or_none()
    if obj is None:
        obj = model(**key, **values)
        db.session.add(obj)
    else:
        _assign(obj, values)
    return obj


def _link(obj, name: str, items) -> None:
    """A many-to-many collection holding exactly items (replaced only when it differs)."""
    items = sorted(items, key=lambda item: item.id)
    if {item.id for item in getattr(obj, name)} != {item.id for item in items}:
        setattr(obj, name, items)


def seed_cooperation(
    users: dict[str, User],
    orgs: dict[str, Organisation],
    councils: dict[str, Council],
    regions: dict,
    campaign: Campaign | None,
    published: Campaign | None,
) -> dict[str, int]:
    """Load the councils' joint work; returns counts of the seeded rows. Flushes; the caller commits."""
    today = today_local()
    needs = _seed_needs(regions, orgs)
    spheres = {s.code: s for s in db.session.scalars(select(Sphere))}
    plan = _seed_plan(users, councils)
    activities = _seed_activities(plan, users, councils, needs, spheres, campaign)
    meetings = _seed_meetings(plan, activities, users, orgs, councils, today)
    _approve_plan(plan, meetings["m1"], activities, users)
    group = _seed_working_group(users, councils, needs, activities)
    experts = _seed_experts(activities, meetings, users)
    items = _seed_information(activities, councils, users)
    recommendations = _seed_recommendations(users, orgs, councils, needs, meetings, published, today)
    attachments = _seed_attachments(meetings, recommendations, group, experts, users)
    return {
        "plan_activities": len(activities),
        "meetings": len(meetings),
        "working_groups": 1,
        "group_tasks": len(group.tasks),
        "experts": len(experts),
        "information_items": len(items),
        "recommendations": len(recommendations),
        "attachments": attachments,
        "overdue": sum(r.is_overdue(today) for r in recommendations),
    }


def _seed_needs(regions, orgs) -> dict[str, PublicNeed]:
    for row in data.NEEDS:
        values = {
            "title_kk": row["title_kk"],
            "title_en": row["title_en"],
            "description_ru": row["description_ru"],
            "description_kk": row["description_kk"],
            "region_id": regions[row["region"]].id,
            "source": NeedSource(row["source"]),
            "evidence": row["evidence"],
            "priority": Priority(row["priority"]),
            "year_raised": row["year_raised"],
            "organisation_id": orgs[row["organisation"]].id,
        }
        _upsert(PublicNeed, {"title_ru": row["title_ru"]}, values)
    db.session.flush()
    found = {
        n.title_ru: n
        for n in db.session.scalars(
            select(PublicNeed).where(PublicNeed.title_ru.in_(data.NEED_TITLES.values()))
        )
    }
    missing = set(data.NEED_TITLES.values()) - set(found)
    if missing:
        raise ValueError(f"demo needs missing for the joint plan: {sorted(missing)}")
    return {key: found[title] for key, title in data.NEED_TITLES.items()}


def _seed_plan(users, councils) -> ActivityPlan:
    row = data.PLAN
    plan = _upsert(
        ActivityPlan,
        {"year": row["year"], "title_ru": row["title_ru"]},
        {
            "title_kk": row["title_kk"],
            "title_en": row["title_en"],
            "created_by_id": users[row["created_by"]].id,
        },
    )
    db.session.flush()
    _link(plan, "councils", [councils[key] for key in row["councils"]])
    return plan


def _seed_activities(plan, users, councils, needs, spheres, campaign) -> dict[str, Activity]:
    activities = {}
    for position, row in enumerate(data.ACTIVITIES, start=1):  # numbered from 1, as the pages number them
        values = {
            "title_ru": row["title_ru"],
            "title_kk": row["title_kk"],
            "title_en": row["title_en"],
            "format": ActivityFormat(row["format"]),
            "status": ActivityStatus(row["status"]),
            "status_reason": row.get("status_reason"),
            "start_date": row["start"],
            "end_date": row["end"],
            "responsible": row["responsible"],
            "responsible_user_id": users[row["responsible_user"]].id,
            "outcome": row["outcome"],
            "campaign_id": campaign.id if campaign is not None and row.get("campaign") else None,
        }
        activity = _upsert(Activity, {"plan_id": plan.id, "position": position}, values)
        activities[row["key"]] = activity
    db.session.flush()
    for row in data.ACTIVITIES:
        activity = activities[row["key"]]
        _link(activity, "councils", [councils[key] for key in row["councils"]])
        _link(activity, "needs", [needs[key] for key in row["needs"]])
        _link(activity, "spheres", [spheres[code] for code in row["spheres"]])
    db.session.flush()
    return activities


def _seed_meetings(plan, activities, users, orgs, councils, today) -> dict[str, Meeting]:
    meetings = {}
    for row in data.MEETINGS:
        if row["starts_at"] is not None:
            starts_at = _local(*row["starts_at"])
        else:  # scheduled: on its activity's planned day, or days_ahead from today once that day has passed
            planned = activities[row["activity"]].start_date
            starts_at = _local(planned if planned > today else today + timedelta(days=row["days_ahead"]))
        values = {
            "number": row["number"],
            "title_kk": row["title_kk"],
            "title_en": row["title_en"],
            "starts_at": starts_at,
            "place": row["place"],
            "state": MeetingState(row["state"]),
            "plan_id": plan.id,
            "activity_id": activities[row["activity"]].id,
            "chaired_by": row["chaired_by"],
            "secretary_id": users[row["secretary"]].id,
            "published_at": _local(*row["published_at"]) if row["published_at"] else None,
            "created_by_id": users[row["secretary"]].id,
        }
        meeting = _upsert(Meeting, {"title_ru": row["title_ru"]}, values)
        db.session.flush()
        _link(meeting, "councils", [councils[key] for key in row["councils"]])
        _seed_participants(meeting, row, users, councils)
        items = _seed_agenda(meeting, row, users, orgs)
        for position, (item_index, text) in enumerate(row["decisions"], start=1):
            _upsert(
                Decision,
                {"meeting_id": meeting.id, "position": position},
                {"agenda_item_id": items[item_index].id, "text": text},
            )
        meetings[row["key"]] = meeting
    db.session.flush()
    return meetings


def _seed_participants(meeting, row, users, councils) -> None:
    recorded = row["absent"] is not None
    for email, council_key in data.COUNCIL_PEOPLE:
        if council_key not in row["councils"]:
            continue
        present = email not in row["absent"] if recorded else None
        _upsert(
            Participant,
            {"meeting_id": meeting.id, "user_id": users[email].id},
            {"council_id": councils[council_key].id, "present": present},
        )
    for name, position in row["invited"]:
        _upsert(
            Participant,
            {"meeting_id": meeting.id, "user_id": None, "name": name},
            {"council_id": None, "position": position, "present": True if recorded else None},
        )


def _seed_agenda(meeting, row, users, orgs) -> list[AgendaItem]:
    items = []
    for position, item in enumerate(row["agenda"], start=1):
        speaker = users[item["speaker"]] if item.get("speaker") else None
        organisation = orgs[item["speaker_organisation"]] if item.get("speaker_organisation") else None
        values = {
            "title_ru": item["title_ru"],
            "title_kk": item["title_kk"],
            "title_en": item["title_en"],
            "speaker_id": speaker.id if speaker else None,
            "speaker_name": item.get("speaker_name"),
            "speaker_position": item.get("speaker_position") or (speaker.position if speaker else None),
            "speaker_organisation_id": organisation.id if organisation else None,
            "heard": item.get("heard"),
            "discussed": item.get("discussed"),
            "decided": item.get("decided"),
        }
        items.append(_upsert(AgendaItem, {"meeting_id": meeting.id, "position": position}, values))
    db.session.flush()
    return items


def _approve_plan(plan, meeting, activities, users) -> None:
    """Approved at the first joint meeting, published, then amended once (the plan's history)."""
    _assign(
        plan,
        {
            "state": PlanState.published,
            "approved_meeting_id": meeting.id,
            "approved_at": _local(*data.APPROVED_AT),
            "published_at": _local(*data.PUBLISHED_AT),
            "revision": 1 + len(data.AMENDMENTS),
        },
    )
    for row in data.AMENDMENTS:
        _upsert(
            PlanAmendment,
            {"plan_id": plan.id, "revision": row["revision"], "action": row["action"]},
            {
                "activity_id": activities[row["activity"]].id,
                "reason": row["reason"],
                "before": row["before"],
                "after": row["after"],
                "made_by_id": users[row["made_by"]].id,
                "made_at": _local(*row["made_at"]),
            },
        )
    db.session.flush()


def _seed_working_group(users, councils, needs, activities) -> WorkingGroup:
    row = data.WORKING_GROUP
    group = _upsert(
        WorkingGroup,
        {"name_ru": row["name_ru"]},
        {
            "name_kk": row["name_kk"],
            "name_en": row["name_en"],
            "mandate": row["mandate"],
            "lead_id": users[row["lead"]].id,
            "formed_on": row["formed_on"],
            "active": True,
        },
    )
    db.session.flush()
    _link(group, "councils", [councils[key] for key in row["councils"]])
    _link(group, "needs", [needs[key] for key in row["needs"]])
    for email, council_key in row["members"]:
        _upsert(
            WorkingGroupMember,
            {"group_id": group.id, "user_id": users[email].id},
            {"council_id": councils[council_key].id},
        )
    for title, due, responsible, done_on, output, activity_key in row["tasks"]:
        _upsert(
            WorkingGroupTask,
            {"group_id": group.id, "title": title},
            {
                "due_date": due,
                "responsible_id": users[responsible].id,
                "done_on": done_on,
                "output": output,
                "activity_id": activities[activity_key].id,
            },
        )
    _assign(activities[row["activity"]], {"working_group_id": group.id})
    db.session.flush()
    return group


def _seed_experts(activities, meetings, users) -> list[Expert]:
    experts = []
    for row in data.EXPERTS:
        activity = activities[row["activity"]] if row["activity"] else None
        meeting = meetings[row["meeting"]] if row["meeting"] else None
        person = users[row["user"]] if row["user"] else None
        key = {
            "activity_id": activity.id if activity else None,
            "meeting_id": meeting.id if meeting else None,
            "user_id": person.id if person else None,
            "name": row["name"],
        }
        values = {
            "qualification": row["qualification"],
            "conclusion": row["conclusion"],
            "concluded_on": row["concluded_on"],
        }
        experts.append(_upsert(Expert, key, values))
    db.session.flush()
    return experts


def _seed_information(activities, councils, users) -> list[InformationItem]:
    items = []
    for row in data.INFORMATION:
        council = councils[row["council"]]
        secretary = council.secretary or users[data.PLAN["created_by"]]
        values = {
            "activity_id": activities[row["activity"]].id,
            "council_id": council.id,
            "kind": InformationKind(row["kind"]),
            "title_kk": row["title_kk"],
            "title_en": row["title_en"],
            "held_on": row["held_on"],
            "audience": row["audience"],
            "reach": row["reach"],
            "url": row["url"],
            "published_at": _local(row["held_on"] + timedelta(days=1)),
            "created_by_id": secretary.id,
        }
        items.append(_upsert(InformationItem, {"title_ru": row["title_ru"]}, values))
    db.session.flush()
    return items


def _published_evaluation(published: Campaign | None, subject: str) -> Evaluation | None:
    """The demo's published 2025 evaluation of the project or of its lot."""
    if published is None:
        return None
    for evaluation in published.evaluations:
        if (evaluation.project_id is not None) == (subject == "project"):
            return evaluation
    return None


def _seed_recommendations(users, orgs, councils, needs, meetings, published, today) -> list[Recommendation]:
    recommendations = []
    for row in data.RECOMMENDATIONS:
        council = councils[row["council"]]
        status = RecommendationStatus(row["status"])
        meeting = meetings[row["meeting"]] if row.get("meeting") else None
        decision = meeting.decisions[row["decision"]] if meeting is not None else None
        evaluation = _published_evaluation(published, row["evaluation"]) if row.get("evaluation") else None
        if "due_in_days" in row:  # sent, counted from the day of loading
            due = today + timedelta(days=row["due_in_days"])
            sent = _local(today - timedelta(days=row["sent_days_ago"]))
            days = row["published_days_ago"]
            published_at = _local(today - timedelta(days=days)) if days is not None else None
        else:
            due = row["due"]
            sent = _local(row["sent"]) if row.get("sent") else None
            published_at = _local(row["published"]) if row.get("published") else None
        keeper = council.secretary or users["chair@example.kz"]
        values = {
            "addressee_id": orgs[row["addressee"]].id,
            "due_date": due,
            "status": status,
            "status_reason": row.get("status_reason"),
            "decision_id": decision.id if decision else None,
            "meeting_id": meeting.id if meeting else None,
            "evaluation_id": evaluation.id if evaluation else None,
            "activity_id": meeting.activity_id if meeting else None,
            "sent_at": sent,
            "published_at": published_at,
            "response": row.get("response"),
            "responded_at": _local(row["responded"]) if row.get("responded") else None,
            "responded_by_id": users[row["responded_by"]].id if row.get("responded_by") else None,
            "assessment": row.get("assessment"),
            "assessed_at": _local(row["assessed"]) if row.get("assessed") else None,
            "assessed_by_id": users[row["assessed_by"]].id if row.get("assessed_by") else None,
            "created_by_id": keeper.id,
        }
        recommendation = _upsert(Recommendation, {"council_id": council.id, "text": row["text"]}, values)
        db.session.flush()
        _link(recommendation, "needs", [needs[key] for key in row["needs"]])
        recommendations.append(recommendation)
    db.session.flush()
    return recommendations


def _seed_attachments(meetings, recommendations, group, experts, users) -> int:
    """Links attached to agenda items, responses, a task and an expert's conclusion."""
    for (kind, *ref), url, email in data.ATTACHMENTS:
        if kind == "agenda":
            owner = {"agenda_item_id": meetings[ref[0]].agenda[ref[1]].id}
        elif kind == "recommendation":
            (found,) = [r for r in recommendations if r.text.startswith(ref[0])]
            owner = {"recommendation_id": found.id}
        elif kind == "task":
            (found,) = [t for t in group.tasks if t.title.startswith(ref[0])]
            owner = {"task_id": found.id}
        else:
            owner = {"expert_id": experts[ref[0]].id}
        _upsert(Attachment, {**owner, "url": url}, {"uploaded_by_id": users[email].id})
    db.session.flush()
    return len(data.ATTACHMENTS)
