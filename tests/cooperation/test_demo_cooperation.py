"""The demo's joint work of the councils (grants/seed/cooperation.py, issue 12 "Demo data"): the 2026 joint
plan, meetings with minutes, the working group, experts, information work, and recommendations in every
status with exactly two overdue, answered by the demo officials."""

import re
from datetime import datetime

from sqlalchemy import func, select

from grants.accounts.models import AnonymousUser
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
    speaks_for,
)
from grants.core.db import as_utc
from grants.core.errors import today_local
from grants.councils.models import Council, CouncilLevel
from grants.extensions import db
from grants.monitoring.models import EvaluationState
from grants.organisations.models import OrganisationKind
from grants.seed.cli import seed_demo
from tests.helpers import login, user


def the_plan() -> ActivityPlan:
    plan = db.session.scalar(select(ActivityPlan).where(ActivityPlan.year == 2026))
    assert plan is not None, "the demo has no 2026 joint plan"
    return plan


def recommendations() -> list[Recommendation]:
    return db.session.scalars(select(Recommendation).order_by(Recommendation.id)).all()


def police():
    return user("official").organisation


def education():
    return user("official2").organisation


def test_the_2026_plan_is_joint_approved_at_the_first_meeting_published_and_amended():
    plan = the_plan()
    levels = sorted(c.level.value for c in plan.councils)
    assert levels == ["local", "republican", "republican"]
    assert any("Астаны" in c.name_ru for c in plan.councils)
    assert plan.state == PlanState.published and plan.published_at is not None
    assert plan.approved_meeting is not None and plan.approved_meeting.number == "1"
    assert as_utc(plan.approved_at) >= as_utc(plan.approved_meeting.starts_at)
    assert plan.title_ru and plan.title_kk and plan.title_en and plan.title_kk != plan.title_ru
    assert len(plan.amendments) >= 1 and plan.revision == 1 + len(plan.amendments)
    amendment = plan.amendments[0]
    assert amendment.reason and amendment.activity is not None and amendment.made_by is not None


def test_the_plan_has_activities_in_all_five_formats_and_every_status():
    activities = the_plan().activities
    assert len(activities) >= 10
    assert {a.format for a in activities} == set(ActivityFormat)
    assert {a.status for a in activities} == set(ActivityStatus)
    for a in activities:
        assert a.title_ru and a.title_kk and a.title_en, a.title_ru
        assert a.councils and a.start_date and a.end_date and a.start_date <= a.end_date, a.title_ru
        assert a.start_date.year == 2026
        if a.status.needs_reason:
            assert a.status_reason, f"{a.status.value} without a reason: {a.title_ru}"
        if a.status == ActivityStatus.done:
            assert a.outcome, f"done without an outcome: {a.title_ru}"
    topics = {s.code for a in activities for s in a.spheres}
    assert {"offence_prevention", "drug_prevention", "child_safety", "migration"} <= topics
    assert sum(1 for a in activities if a.needs) >= 10
    monitoring = [a for a in activities if a.format == ActivityFormat.monitoring and a.campaign is not None]
    assert monitoring and monitoring[0].campaign.name_ru.endswith("2026 год")


def test_the_meetings_have_full_minutes_and_one_hears_the_police_on_minors():
    meetings = db.session.scalars(select(Meeting).where(Meeting.plan_id == the_plan().id)).all()
    with_minutes = [m for m in meetings if m.state in (MeetingState.held, MeetingState.published)]
    assert len(with_minutes) >= 3
    assert sum(1 for m in with_minutes if m.state == MeetingState.published and m.published_at) >= 2
    for meeting in with_minutes:
        assert meeting.is_joint and meeting.agenda and meeting.decisions, meeting.title_ru
        for item in meeting.agenda:
            assert item.heard and item.discussed and item.decided and item.speaker_display, item.title_ru
        members = [p for p in meeting.participants if not p.invited]
        assert len({p.council_id for p in members}) >= 2
        assert all(p.present is not None for p in meeting.participants), "attendance recorded"
        assert any(p.present for p in members) and not all(p.present for p in members)
    police_items = [
        item
        for m in with_minutes
        for item in m.agenda
        if item.speaker_organisation_id == police().id and "несовершеннолетних" in item.title_ru
    ]
    assert len(police_items) == 1
    report = police_items[0]
    assert report.speaker_id is None and "Начальник Департамента полиции" in report.speaker_position
    assert report.meeting.state == MeetingState.published
    assert report.materials and report.materials[0].url.startswith("https://")
    assert any(p.invited and p.name == report.speaker_name for p in report.meeting.participants)
    upcoming = [m for m in meetings if m.state == MeetingState.scheduled]
    assert upcoming and all(as_utc(m.starts_at).date() > today_local() for m in upcoming)


def test_the_working_group_on_youth_drug_prevention():
    group = db.session.scalar(select(WorkingGroup).where(WorkingGroup.name_en.contains("drug")))
    assert group is not None and group.lead is not None and group.mandate
    assert len(group.councils) >= 2
    assert len({m.council_id for m in group.memberships}) >= 2
    assert any(m.user_id == group.lead_id for m in group.memberships)
    assert len(group.tasks) == 4 and all(t.due_date for t in group.tasks)
    done = [t for t in group.tasks if t.done_on]
    assert len(done) == 2 and all(t.output for t in done)
    assert any(t.documents for t in done)
    assert [a.format for a in group.activities] == [ActivityFormat.working_group]


def test_experts_and_information_work():
    experts = db.session.scalars(select(Expert)).all()
    assert any(e.activity_id and e.conclusion for e in experts)
    assert any(e.meeting_id and e.conclusion for e in experts)
    assert any(e.documents for e in experts)
    items = db.session.scalars(select(InformationItem)).all()
    assert len(items) >= 4 and len({i.kind for i in items}) == 3
    assert all(i.reach and i.published_at and i.activity_id for i in items)
    assert sum(1 for i in items if i.url) >= 3


def test_recommendations_in_every_status_exactly_two_overdue():
    recs = recommendations()
    today = today_local()
    assert len(recs) >= 12
    assert {r.status for r in recs} == set(RecommendationStatus)
    overdue = [r for r in recs if r.is_overdue(today)]
    assert len(overdue) == 2
    by_sql = db.session.scalars(select(Recommendation).where(Recommendation.overdue_on(today))).all()
    assert {r.id for r in by_sql} == {r.id for r in overdue}
    assert {r.addressee_id for r in overdue} == {police().id, education().id}
    sent = [r for r in recs if r.status == RecommendationStatus.sent]
    assert len(sent) > len(overdue), "a sent recommendation that is not yet due"


def test_recommendations_come_from_meetings_and_a_published_evaluation_and_were_answered_by_the_demo_officials():
    recs = recommendations()
    assert {police().id, education().id} <= {r.addressee_id for r in recs}
    assert any(r.addressee.kind == OrganisationKind.ngo for r in recs)
    from_meetings = [r for r in recs if r.decision is not None]
    assert len(from_meetings) > len(recs) / 2
    assert all(r.meeting_id == r.decision.meeting_id for r in from_meetings)
    from_evaluation = [r for r in recs if r.evaluation is not None]
    assert len(from_evaluation) == 2
    assert all(r.evaluation.state == EvaluationState.published for r in from_evaluation)
    answered_by = set()
    for r in recs:
        if r.status in (RecommendationStatus.draft, RecommendationStatus.sent):
            assert r.response is None and r.responded_at is None
            continue
        assert r.response and r.responded_by is not None and speaks_for(r.responded_by, r.addressee_id), (
            r.text
        )
        assert as_utc(r.sent_at) < as_utc(r.responded_at)
        answered_by.add(r.responded_by.email)
        if r.status.is_assessment:
            assert r.assessment and r.assessed_by is not None, r.text
        if r.status.needs_reason:
            assert r.status_reason, r.text
    assert {"official@example.kz", "official2@example.kz"} <= answered_by
    attached = [a for r in recs for a in r.attachments]
    assert attached and all(speaks_for(a.uploaded_by, a.recommendation.addressee_id) for a in attached)


def test_publication_leaves_one_sent_recommendation_unpublished_for_the_visibility_rules():
    recs = recommendations()
    for r in recs:
        if r.status == RecommendationStatus.draft:
            assert r.published_at is None and r.sent_at is None
    unpublished = [r for r in recs if r.status != RecommendationStatus.draft and r.published_at is None]
    assert len(unpublished) == 1
    hidden = unpublished[0]
    assert hidden.status == RecommendationStatus.sent and hidden.addressee_id == police().id

    def visible(person) -> set[int]:
        return set(db.session.scalars(select(Recommendation.id).where(Recommendation.visible_to(person))))

    assert hidden.id in visible(user("official")) and hidden.can_respond(user("official"))
    assert hidden.id not in visible(user("official2")) and not hidden.can_view(user("official2"))
    anonymous = visible(AnonymousUser())
    assert anonymous == {r.id for r in recs if r.published_at is not None}
    assert len(anonymous) >= 12, "the public register shows at least 12 (issue 12, acceptance 1)"


def test_the_councils_have_their_chair_and_secretaries():
    astana = db.session.scalar(select(Council).where(Council.secretary_id == user("secretary").id))
    assert astana.level == CouncilLevel.local and astana.chair_id == user("chair").id
    republican = db.session.scalar(select(Council).where(Council.secretary_id == user("secretary2").id))
    assert republican.level == CouncilLevel.republican
    assert republican in the_plan().councils


def test_the_officials_log_in(client):
    for email in ("official@example.kz", "official2@example.kz"):
        login(client, email)
        assert user(email).full_name in client.get("/").get_data(as_text=True)
        client.post("/logout")


COOPERATION_ROWS = (
    ActivityPlan,
    Activity,
    PlanAmendment,
    Meeting,
    AgendaItem,
    Participant,
    Decision,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
    Expert,
    InformationItem,
    Recommendation,
    Attachment,
)


def test_seed_demo_runs_again_without_duplicating_and_prints_the_new_counts(app):
    before = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COOPERATION_ROWS}
    stamp = the_plan().updated_at
    result = app.test_cli_runner().invoke(seed_demo)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    after = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in COOPERATION_ROWS}
    assert after == before
    assert the_plan().updated_at == stamp, "a second run must not touch the plan"
    counts = dict(re.findall(r"^\s+(\w+)\s+(\d+)$", result.output, re.M))
    assert int(counts["plan_activities"]) == before["Activity"]
    assert int(counts["recommendations"]) == before["Recommendation"]
    assert counts["overdue"] == "2"
    assert int(counts["meetings"]) == before["Meeting"]
    assert "official@example.kz" in result.output and "secretary@example.kz" in result.output
    assert isinstance(stamp, datetime)
