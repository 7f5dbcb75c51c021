"""The joint activity plan's operations (grants/cooperation/plans.py): rules, approval, publication and
amendments with their history (docs/cooperation.md#the-joint-activity-plan)."""

from datetime import date

import pytest
from sqlalchemy import func, select

from grants.audit.models import AuditEvent
from grants.cooperation import plans
from grants.cooperation.models import ActivityPlan, ActivityStatus, MeetingState, PlanAmendment, PlanState
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.monitoring.models import Campaign
from tests.cooperation.test_plans_support import YEAR, activity_data, build_plan, councils, held_meeting
from tests.helpers import user


@pytest.fixture(autouse=True)
def in_request(app):
    """Operations speak the reader's language: their messages need a request."""
    with app.test_request_context("/?lang=en"):
        yield


def audited(action: str, obj) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.object_id == obj.id)
    )


def violation(fn, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        fn(*args, **kwargs)
    return caught.value


# --- the plan -----------------------------------------------------------------------------------


def test_a_joint_plan_needs_two_councils_and_a_keeper():
    astana, mvd, _mci = councils()
    chair = user("chair")
    data = {"year": YEAR, "title_ru": "План", "councils": [astana]}
    error = violation(plans.create_plan, chair, data)
    assert error.status == 422 and "councils" in error.fields

    error = violation(plans.create_plan, chair, dict(data, councils=[astana, astana]))
    assert error.status == 422 and "councils" in error.fields  # the same council twice is one council

    error = violation(plans.create_plan, user("member1"), dict(data, councils=[astana, mvd]))
    assert error.status == 403  # a member, neither secretary nor chair of either council

    error = violation(plans.create_plan, chair, dict(data, councils=[astana, mvd], title_ru=" "))
    assert error.status == 422 and "title_ru" in error.fields

    error = violation(plans.create_plan, chair, dict(data, councils=[astana, mvd], year=1999))
    assert error.status == 422 and "year" in error.fields

    plan = plans.create_plan(chair, dict(data, councils=[astana, mvd]))
    assert plan.state == PlanState.draft and plan.revision == 1
    assert {c.id for c in plan.councils} == {astana.id, mvd.id}
    assert audited("plan.create", plan) == 1


def test_a_draft_is_edited_freely_without_history():
    plan, astana, mvd, mci = build_plan(activities=1)
    keeper = user("member3")  # keeps MVD's council
    plans.edit_plan(
        plan, keeper, {"year": YEAR, "title_ru": "Новое название", "councils": [astana, mvd, mci]}
    )
    assert plan.title_ru == "Новое название" and len(plan.councils) == 3
    assert plan.revision == 1 and plan.amendments == []
    # the year cannot move away from the activities' dates
    error = violation(
        plans.edit_plan, plan, keeper, {"year": YEAR + 1, "title_ru": "x", "councils": [astana, mvd]}
    )
    assert error.status == 422 and "year" in error.fields


# --- activities ---------------------------------------------------------------------------------


def test_an_activity_keeps_to_the_plan_councils_and_year():
    plan, astana, mvd, mci = build_plan(activities=0)
    chair = user("chair")
    cases = [
        ({"councils": [mci]}, "councils"),  # not a council of the plan
        ({"councils": []}, "councils"),
        ({"start_date": date(YEAR + 1, 1, 5), "end_date": date(YEAR + 1, 1, 5)}, "start_date"),
        ({"end_date": date(YEAR + 1, 1, 5)}, "end_date"),  # ends next year
        ({"start_date": date(YEAR, 5, 5), "end_date": date(YEAR, 5, 1)}, "end_date"),
        ({"start_date": None}, "start_date"),
        ({"format": "party"}, "format"),
        ({"title_ru": ""}, "title_ru"),
    ]
    for change, field in cases:
        data = activity_data([astana], "Проверка", date(YEAR, 3, 1))
        data.update(change)
        error = violation(plans.add_activity, plan, chair, data)
        assert error.status == 422 and field in error.fields, (change, error.fields)
    campaign = db.session.scalar(select(Campaign).order_by(Campaign.id))
    if campaign is not None:
        error = violation(
            plans.add_activity,
            plan,
            chair,
            activity_data([astana], "Кампания", date(YEAR, 3, 1), campaign=campaign),
        )
        assert "campaign_id" in error.fields  # only a monitoring activity has a campaign
        item = plans.add_activity(
            plan,
            chair,
            activity_data([astana], "Мониторинг", date(YEAR, 3, 1), format="monitoring", campaign=campaign),
        )
        assert item.campaign_id == campaign.id
    error = violation(
        plans.add_activity, plan, user("member2"), activity_data([astana], "x", date(YEAR, 3, 1))
    )
    assert error.status == 403  # member2 keeps the MCI council, which is not in the plan
    item = plans.add_activity(
        plan, chair, activity_data([astana, mvd], "Годовое", date(YEAR, 3, 1), date(YEAR, 12, 31))
    )
    assert item.end_date == date(YEAR, 12, 31) and item.status == ActivityStatus.planned
    assert audited("activity.add", item) == 1


def test_postponing_or_cancelling_needs_a_reason():
    plan, *_ = build_plan(activities=1)
    item = plan.activities[0]
    chair = user("chair")
    for status in ("postponed", "cancelled"):
        error = violation(plans.change_status, item, chair, status, "  ")
        assert error.status == 422 and "reason" in error.fields
    plans.change_status(item, chair, "postponed", "Докладчик в командировке")
    assert item.status == ActivityStatus.postponed and item.status_reason == "Докладчик в командировке"
    plans.change_status(item, chair, "done", None, "Заслушан отчёт")
    assert (
        item.status == ActivityStatus.done and item.status_reason is None and item.outcome == "Заслушан отчёт"
    )
    assert violation(plans.change_status, item, chair, "done").status == 409  # nothing changes
    assert violation(plans.change_status, item, chair, "finished").fields.keys() == {"status"}
    assert plan.amendments == []  # a draft has no history of amendments


# --- approval and publication -------------------------------------------------------------------


def test_approval_at_a_held_joint_meeting_of_the_plan_councils():
    plan, astana, mvd, mci = build_plan()
    chair = user("chair")
    for meeting in (
        None,
        held_meeting([astana, mvd], MeetingState.scheduled),  # not held yet
        held_meeting([astana]),  # not joint
        held_meeting([astana, mci]),  # without the MVD council
    ):
        error = violation(plans.approve, plan, meeting, chair)
        assert error.status == 422 and "meeting_id" in error.fields
    meeting = held_meeting([astana, mvd, mci])
    assert violation(plans.approve, plan, meeting, user("member1")).status == 403
    plans.approve(plan, meeting, chair)
    assert plan.state == PlanState.approved
    assert plan.approved_meeting_id == meeting.id and plan.approved_at is not None
    assert meeting.plan_id == plan.id  # the approval is recorded with the meeting
    assert audited("plan.approve", plan) == 1
    assert violation(plans.approve, plan, meeting, chair).status == 409


def test_an_empty_plan_is_not_approved():
    plan, astana, mvd, _ = build_plan(activities=0)
    error = violation(plans.approve, plan, held_meeting([astana, mvd], MeetingState.published), user("chair"))
    assert error.status == 422


def test_publication_follows_the_approval():
    plan, astana, mvd, _ = build_plan()
    keeper = user("member3")
    assert violation(plans.publish, plan, keeper).status == 409  # a draft
    plans.approve(plan, held_meeting([astana, mvd]), keeper)
    assert violation(plans.publish, plan, user("member1")).status == 403
    plans.publish(plan, keeper)
    assert plan.state == PlanState.published and plan.published_at is not None
    assert violation(plans.publish, plan, keeper).status == 409
    assert audited("plan.publish", plan) == 1
    assert plan.id in db.session.scalars(
        select(ActivityPlan.id).where(ActivityPlan.state == PlanState.published)
    )


# --- amendments ---------------------------------------------------------------------------------


def test_after_the_approval_every_change_is_an_amendment_with_a_reason():
    plan, astana, mvd, _ = build_plan(activities=2)
    chair = user("chair")
    plans.approve(plan, held_meeting([astana, mvd]), chair)
    item = plan.activities[0]
    old_title = item.title_ru
    data = activity_data([astana], "Перенесённое", date(YEAR, 9, 1))

    error = violation(plans.edit_activity, item, chair, data)
    assert error.status == 422 and "reason" in error.fields
    db.session.refresh(item)
    assert item.title_ru == old_title  # nothing changed (the caller rolls back; here the flush never ran)

    plans.edit_activity(item, chair, data, reason="Решение совместного заседания от 1 июня")
    assert plan.revision == 2
    amendment = plan.amendments[-1]
    assert (
        amendment.action == "activity.edit" and amendment.revision == 2 and amendment.activity_id == item.id
    )
    assert amendment.before["title_ru"] == old_title and amendment.after["title_ru"] == "Перенесённое (ру)"
    assert amendment.before["start_date"] != amendment.after["start_date"] == f"{YEAR}-09-01"
    assert amendment.made_by_id == chair.id

    assert violation(plans.change_status, item, chair, "in_progress").fields.keys() == {"reason"}
    plans.change_status(item, chair, "cancelled", "Тема снята с повестки")
    added = plans.add_activity(
        plan, chair, activity_data([mvd], "Новое", date(YEAR, 10, 1)), reason="Поручение"
    )
    plans.publish(plan, chair)
    plans.edit_plan(
        plan, chair, {"year": YEAR, "title_ru": "Уточнённый план", "councils": [astana, mvd]}, "Уточнение"
    )
    error = violation(
        plans.edit_plan, plan, chair, {"year": YEAR, "title_ru": "x", "councils": [astana]}, "Причина"
    )
    assert error.status == 422 and "councils" in error.fields

    history = db.session.scalars(
        select(PlanAmendment).where(PlanAmendment.plan_id == plan.id).order_by(PlanAmendment.revision)
    ).all()
    assert [(a.revision, a.action) for a in history] == [
        (2, "activity.edit"),
        (3, "activity.status"),
        (4, "activity.add"),
        (5, "plan.edit"),
    ]
    assert history[1].reason == "Тема снята с повестки" and history[1].after["status"] == "cancelled"
    assert history[2].before is None and history[2].activity_id == added.id
    assert history[3].before["title_ru"] == "Совместный план тестовый"
    assert plan.revision == 5 and plan.state == PlanState.published
