"""Meetings and minutes: operations, quorum, publication with the decisions' recommendations
(docs/cooperation.md#meetings-and-minutes)."""

from datetime import date
from fractions import Fraction

import pytest
from sqlalchemy import select

from grants.audit.models import AuditEvent
from grants.cooperation import meetings as ops
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    MeetingState,
    Participant,
    RecommendationStatus,
)
from grants.core.errors import RuleViolation
from grants.councils.models import CouncilMember
from grants.extensions import db
from tests.cooperation.meeting_fixtures import (
    POLICE_SPEAKER,
    government_bodies,
    kept_councils,
    meeting_data,
    meeting_in,
)
from tests.helpers import user


@pytest.fixture(autouse=True)
def request_context(app):
    """Operations translate their messages: a request (English) around each test."""
    with app.test_request_context("/?lang=en"):
        yield


def actions(obj) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == obj.id)
            .order_by(AuditEvent.id)
        )
    )


def test_quorum_is_two_thirds():
    assert Fraction(2, 3) == ops.QUORUM


def test_a_joint_meeting_has_every_member_of_each_council_as_participant():
    astana, mvd = kept_councils()
    meeting = ops.schedule(user("chair"), meeting_data([astana, mvd]))
    assert meeting.is_joint
    assert meeting.state == MeetingState.scheduled
    by_council = {
        c.id: sorted(p.user_id for p in meeting.participants if p.council_id == c.id) for c in (astana, mvd)
    }
    assert by_council[astana.id] == sorted(m.user_id for m in astana.memberships)
    assert by_council[mvd.id] == sorted(m.user_id for m in mvd.memberships)
    assert len(by_council[astana.id]) == 4 and len(by_council[mvd.id]) == 3
    assert actions(meeting) == ["meeting.schedule"]


def test_only_a_keeper_schedules():
    astana, mvd = kept_councils()
    with pytest.raises(RuleViolation) as refused:
        ops.schedule(user("member1"), meeting_data([astana, mvd]))
    assert refused.value.status == 403
    mvd.secretary_id = user("member3").id
    meeting = ops.schedule(user("member3"), meeting_data([mvd]))  # the secretary of one council only
    assert not meeting.is_joint


def test_schedule_names_every_missing_field():
    with pytest.raises(RuleViolation) as refused:
        ops.schedule(
            user("chair"), meeting_data([], title_kk="", title_ru=" ", title_en=None, starts_at=None)
        )
    assert refused.value.status == 422
    assert set(refused.value.fields) == {"title_ru", "councils", "starts_at"}


def test_editing_the_councils_moves_the_participants_and_keeps_invited_people():
    astana, mvd = kept_councils()
    chair = user("chair")
    meeting = ops.schedule(chair, meeting_data([astana, mvd]))
    ops.invite(meeting, chair, "Ахметов Е. С.", "Начальник департамента полиции")
    ops.edit(meeting, chair, meeting_data([astana], place="Акимат"))
    assert {p.council_id for p in meeting.participants} == {astana.id, None}
    assert [p.name for p in meeting.participants if p.invited] == ["Ахметов Е. С."]
    assert meeting.place == "Акимат"


def test_held_meeting_cannot_be_edited_or_cancelled():
    meeting = meeting_in("held")
    chair = user("chair")
    astana, mvd = meeting.councils
    for action in (
        lambda: ops.edit(meeting, chair, meeting_data([astana])),
        lambda: ops.cancel(meeting, chair),
    ):
        with pytest.raises(RuleViolation) as refused:
            action()
        assert refused.value.status == 409


def test_speaker_is_a_member_or_an_invited_person():
    meeting = meeting_in("scheduled")
    chair = user("chair")
    item = meeting.agenda[0]
    assert item.speaker_display == "Ахметов Ерлан Сапарович"
    member = ops.add_agenda_item(
        meeting, chair, dict(POLICE_SPEAKER, speaker=user("member1"), speaker_name=None, title_ru="Второй")
    )
    assert member.speaker_display == user("member1").full_name
    assert member.position == 2
    with pytest.raises(RuleViolation) as refused:
        ops.add_agenda_item(meeting, chair, dict(POLICE_SPEAKER, speaker=user("member1")))
    assert "speaker_name" in refused.value.fields


def test_materials_are_attached_to_the_agenda_item():
    meeting = meeting_in("scheduled")
    item = ops.add_agenda_item(
        meeting,
        user("chair"),
        dict(POLICE_SPEAKER, title_ru="Справка"),
        links=["https://police.gov.kz/report"],
    )
    assert [m.url for m in item.materials] == ["https://police.gov.kz/report"]


def _attend(meeting, present_user_emails, invited_present=False):
    present = [
        p.id
        for p in meeting.participants
        if (p.user is not None and p.user.email in present_user_emails) or (p.invited and invited_present)
    ]
    ops.record_attendance(meeting, user("chair"), present)


def test_quorum_per_council():
    meeting = meeting_in("held")
    astana, mvd = meeting.councils
    # Astana: 4 members, 2 present = 1/2 < 2/3; MVD: 3 members, 2 present = 2/3 exactly.
    _attend(meeting, {"chair@example.kz", "member1@example.kz", "member3@example.kz", "k.omarova@example.kz"})
    result = {q.council.id: q for q in ops.quorum(meeting)}
    assert (result[astana.id].members, result[astana.id].present, result[astana.id].has_quorum) == (
        4,
        2,
        False,
    )
    assert (result[mvd.id].members, result[mvd.id].present, result[mvd.id].has_quorum) == (3, 2, True)
    assert result[astana.id].needed == 3 and result[mvd.id].needed == 2
    # A third Astana member: 3/4 >= 2/3.
    _attend(
        meeting,
        {
            "chair@example.kz",
            "member1@example.kz",
            "member4@example.kz",
            "member3@example.kz",
            "k.omarova@example.kz",
        },
    )
    assert all(q.has_quorum for q in ops.quorum(meeting))
    assert "meeting.attendance" in actions(meeting)


def test_a_member_of_two_councils_counts_in_both():
    astana, mvd = kept_councils()
    db.session.add(CouncilMember(council_id=mvd.id, user_id=user("member1").id))
    db.session.flush()
    db.session.expire(mvd)
    meeting = ops.schedule(user("chair"), meeting_data([astana, mvd]))
    assert (
        db.session.query(Participant).filter_by(meeting_id=meeting.id, user_id=user("member1").id).count()
        == 1
    )
    ops.mark_held(meeting, user("chair"))
    _attend(meeting, {"member1@example.kz"})
    result = {q.council.id: q.present for q in ops.quorum(meeting)}
    assert result == {astana.id: 1, mvd.id: 1}


def test_attendance_and_minutes_need_a_held_meeting():
    meeting = meeting_in("scheduled")
    with pytest.raises(RuleViolation) as refused:
        ops.record_attendance(meeting, user("chair"), [])
    assert refused.value.status == 409
    with pytest.raises(RuleViolation) as refused:
        ops.save_minutes(meeting.agenda[0], user("chair"), "a", "b", "c")
    assert refused.value.status == 409


def test_attendance_refuses_strangers_ids():
    meeting = meeting_in("held")
    with pytest.raises(RuleViolation) as refused:
        ops.record_attendance(meeting, user("chair"), [2**31 - 1])
    assert refused.value.status == 422


def test_minutes_need_heard_and_decided():
    meeting = meeting_in("held")
    with pytest.raises(RuleViolation) as refused:
        ops.save_minutes(meeting.agenda[0], user("chair"), " ", "Обсуждено", "")
    assert set(refused.value.fields) == {"heard", "decided"}


def test_publish_needs_attendance_and_minutes_of_every_item():
    meeting = meeting_in("held")
    chair = user("chair")
    with pytest.raises(RuleViolation) as refused:
        ops.publish(meeting, chair)
    assert refused.value.status == 409
    assert "attendance" in refused.value.message.lower()
    ops.record_attendance(meeting, chair, [p.id for p in meeting.participants])
    with pytest.raises(RuleViolation):
        ops.publish(meeting, chair)
    ops.save_minutes(meeting.agenda[0], chair, "Заслушан отчёт.", None, "Принять к сведению.")
    ops.publish(meeting, chair)
    assert meeting.state == MeetingState.published and meeting.published_at is not None


def test_publishing_sends_and_publishes_the_decisions_recommendations():
    meeting = meeting_in("ready", with_recommendations=2)
    recs = meeting.decisions[0].recommendations
    assert [r.status for r in recs] == [RecommendationStatus.draft] * 2
    assert all(r.meeting_id == meeting.id and r.decision_id == meeting.decisions[0].id for r in recs)
    ops.publish(meeting, user("chair"))
    db.session.expire_all()
    recs = meeting.decisions[0].recommendations
    assert [r.status for r in recs] == [RecommendationStatus.sent] * 2
    assert all(r.is_published and r.sent_at is not None for r in recs)
    assert "meeting.publish" in actions(meeting)
    assert all("recommendation.send" in actions(r) for r in recs)


def test_publishing_twice_is_a_conflict():
    meeting = meeting_in("published")
    with pytest.raises(RuleViolation) as refused:
        ops.publish(meeting, user("chair"))
    assert refused.value.status == 409


def test_decision_recommendations_are_checked_row_by_row():
    meeting = meeting_in("ready")
    astana, mvd = meeting.councils
    body = government_bodies(1)[0]
    rows = [
        {"council": astana, "addressee": body, "text": "Хорошо", "due_date": date(2027, 1, 1)},
        {"council": astana, "addressee": None, "text": "", "due_date": date(2020, 1, 1)},
    ]
    with pytest.raises(RuleViolation) as refused:
        ops.add_decision(meeting, user("chair"), "Решение", None, rows)
    assert set(refused.value.fields) == {
        "recommendations-1-addressee_id",
        "recommendations-1-text",
        "recommendations-1-due_date",
    }


def test_a_recommendation_goes_only_from_a_council_the_user_keeps():
    meeting = meeting_in("ready")
    astana, mvd = meeting.councils
    mvd.chair_id = None  # the chair keeps only the Astana council now
    db.session.flush()
    body = government_bodies(1)[0]
    with pytest.raises(RuleViolation) as refused:
        ops.add_decision(
            meeting,
            user("chair"),
            "Решение",
            None,
            [{"council": mvd, "addressee": body, "text": "Текст", "due_date": date(2027, 1, 1)}],
        )
    assert "recommendations-0-council_id" in refused.value.fields


def test_cancel_a_scheduled_meeting():
    meeting = meeting_in("scheduled")
    ops.cancel(meeting, user("chair"))
    assert meeting.state == MeetingState.cancelled
    with pytest.raises(RuleViolation) as refused:
        ops.mark_held(meeting, user("chair"))
    assert refused.value.status == 409


def test_the_activity_belongs_to_the_plan_and_names_it():
    astana, mvd = kept_councils()
    plans = [ActivityPlan(year=2026, title_ru=f"План {n}", councils=[astana, mvd]) for n in (1, 2)]
    activity = Activity(plan=plans[0], title_ru="Совместное заседание", format=ActivityFormat.joint_meeting)
    db.session.add_all([*plans, activity])
    db.session.flush()
    with pytest.raises(RuleViolation) as refused:
        ops.schedule(user("chair"), meeting_data([astana, mvd], plan=plans[1], activity=activity))
    assert set(refused.value.fields) == {"activity"}
    meeting = ops.schedule(user("chair"), meeting_data([astana, mvd], activity=activity))
    assert (meeting.plan_id, meeting.activity_id) == (plans[0].id, activity.id)
