"""GET /api/v1/activities and /api/v1/meetings: filters, paging, visibility, minutes, attendance, 422s, OpenAPI.

The data is built here (tests/api/test_cooperation_api.py `world`), in years no demo plan uses, with two new
councils: A (member1 is a member, chair keeps it) and B (nobody of the demo belongs to it).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    ActivityStatus,
    AgendaItem,
    Decision,
    Meeting,
    MeetingState,
    Participant,
    PlanState,
    Recommendation,
    RecommendationStatus,
)
from grants.core.errors import today_local
from grants.councils.models import Council, CouncilLevel, CouncilMember
from grants.extensions import db
from grants.lots.models import Sphere
from grants.needs.models import NeedSource, Priority, PublicNeed
from grants.organisations.models import Organisation
from tests.api.test_openapi import conforms
from tests.helpers import assert_error, bearer, user

YEAR = 2041
NEXT = 2042
OVERDUE_SINCE = today_local() - timedelta(days=10)  # the due date of the published, unanswered recommendation


@dataclass
class World:
    a: Council
    b: Council
    need: PublicNeed
    sphere: Sphere
    addressee: Organisation
    plan: ActivityPlan  # published, YEAR, A and B
    draft: ActivityPlan  # draft, YEAR, A
    later: ActivityPlan  # published, NEXT, B
    acts: dict  # name -> Activity
    m1: Meeting  # joint A+B, published, YEAR
    m2: Meeting  # A, held (minutes recorded, not published), YEAR
    m3: Meeting  # B, scheduled, NEXT
    recs: dict  # name -> Recommendation


def _activity(plan, position, title, fmt, status, start, councils, **extra) -> Activity:
    activity = Activity(
        plan=plan,
        position=position,
        title_ru=f"{title} (ru)",
        title_kk=f"{title} (kk)",
        title_en=f"{title} (en)",
        format=fmt,
        status=status,
        start_date=start,
        end_date=start,
        **extra,
    )
    activity.councils = councils
    db.session.add(activity)
    return activity


def _recommendation(council, addressee, text, status, **extra) -> Recommendation:
    item = Recommendation(council=council, addressee=addressee, text=text, status=status, **extra)
    db.session.add(item)
    return item


def build_world() -> World:
    """Two councils, three plans, six activities, three meetings, four recommendations (flushed, rolled back)."""
    chair, member1 = user("chair"), user("member1")
    a = Council(
        name_ru="Совет А (тест)", name_kk="А кеңесі (тест)", level=CouncilLevel.local, chair_id=chair.id
    )
    b = Council(name_ru="Совет Б (тест)", name_kk="Б кеңесі (тест)", level=CouncilLevel.republican)
    db.session.add_all([a, b])
    db.session.flush()
    db.session.add(CouncilMember(council_id=a.id, user_id=member1.id))
    need = PublicNeed(
        title_ru="Профилактика правонарушений среди несовершеннолетних (тест)",
        title_kk="Кәмелетке толмағандар арасындағы құқық бұзушылықтың алдын алу (тест)",
        source=NeedSource.citizen_appeal,
        priority=Priority.high,
        year_raised=YEAR,
    )
    sphere = db.session.scalar(select(Sphere).order_by(Sphere.id).limit(1))
    addressee = db.session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    assert sphere is not None and addressee is not None

    plan = ActivityPlan(year=YEAR, title_ru="Совместный план (тест)", title_kk="Бірлескен жоспар (тест)")
    plan.state, plan.published_at = PlanState.published, datetime(YEAR, 1, 20, tzinfo=UTC)
    plan.councils = [a, b]
    draft = ActivityPlan(year=YEAR, title_ru="Проект плана (тест)", state=PlanState.draft)
    draft.councils = [a]
    later = ActivityPlan(year=NEXT, title_ru="План следующего года (тест)", state=PlanState.published)
    later.councils = [b]
    db.session.add_all([plan, draft, later])

    acts = {
        "joint": _activity(
            plan,
            1,
            "Joint hearing",
            ActivityFormat.joint_meeting,
            ActivityStatus.planned,
            date(YEAR, 2, 10),
            [a, b],
            responsible="Secretary of council A",
            outcome="Minutes",
        ),
        "group": _activity(
            plan,
            2,
            "Working group",
            ActivityFormat.working_group,
            ActivityStatus.in_progress,
            date(YEAR, 5, 1),
            [a],
        ),
        "monitoring": _activity(
            plan,
            3,
            "Monitoring",
            ActivityFormat.monitoring,
            ActivityStatus.postponed,
            date(YEAR, 8, 1),
            [b],
            status_reason="Waiting for the campaign",
        ),
        "information": _activity(
            plan,
            4,
            "Explanatory meetings",
            ActivityFormat.information_work,
            ActivityStatus.done,
            date(YEAR, 11, 1),
            [a],
        ),
        "expert": _activity(
            plan,
            5,
            "Expert support",
            ActivityFormat.expert_support,
            ActivityStatus.cancelled,
            None,
            [b],
            status_reason="Not needed",
        ),
        "draft": _activity(
            draft,
            1,
            "Draft line",
            ActivityFormat.joint_meeting,
            ActivityStatus.planned,
            date(YEAR, 5, 2),
            [a],
        ),
        "later": _activity(
            later, 1, "Next year", ActivityFormat.monitoring, ActivityStatus.planned, date(NEXT, 3, 1), [b]
        ),
    }
    acts["joint"].needs = [need]
    acts["joint"].spheres = [sphere]
    db.session.flush()

    m1 = Meeting(
        number="1",
        title_ru="Совместное заседание (тест)",
        title_kk="Бірлескен отырыс (тест)",
        starts_at=datetime(YEAR, 3, 1, 5, 0, tzinfo=UTC),
        place="Astana",
        state=MeetingState.published,
        published_at=datetime(YEAR, 3, 5, tzinfo=UTC),
        plan_id=plan.id,
        activity_id=acts["joint"].id,
    )
    m1.councils = [a, b]
    m1.agenda = [
        AgendaItem(
            position=1,
            title_ru="О профилактике правонарушений среди несовершеннолетних",
            speaker_name="Head of the city police department",
            heard="The report of the police",
            discussed="Questions of members",
            decided="Take note; recommend",
        )
    ]
    # A: 2 of its 3 members present (quorum: 2 >= ceil(2/3 × 3) = 2); B: 1 of 3 (no quorum); one invited guest.
    people = {}
    for name in ("A2", "A3", "B1", "B2", "B3"):
        people[name] = User(email=f"{name.lower()}-api@test.kz", full_name=name, password_hash="!")
    db.session.add_all(people.values())
    db.session.flush()
    people["A1"] = member1
    for name in ("A2", "A3"):
        db.session.add(CouncilMember(council_id=a.id, user_id=people[name].id))
    for name in ("B1", "B2", "B3"):
        db.session.add(CouncilMember(council_id=b.id, user_id=people[name].id))
    marks = {"A1": True, "A2": True, "A3": False, "B1": True, "B2": False, "B3": None}
    m1.participants = [
        Participant(council_id=(a if name < "B" else b).id, user_id=people[name].id, present=mark)
        for name, mark in marks.items()
    ] + [
        Participant(council_id=None, name="Guest", present=True),
    ]
    m2 = Meeting(
        title_ru="Заседание совета А (тест)",
        starts_at=datetime(YEAR, 6, 1, 5, 0, tzinfo=UTC),
        state=MeetingState.held,
        plan_id=plan.id,
    )
    m2.councils = [a]
    m2.agenda = [AgendaItem(position=1, title_ru="Вопрос", heard="Secret heard", decided="Secret decided")]
    m2.decisions = [Decision(position=1, text="Unpublished decision")]
    m3 = Meeting(title_ru="Заседание совета Б (тест)", starts_at=datetime(NEXT, 2, 1, 5, 0, tzinfo=UTC))
    m3.councils = [b]
    db.session.add_all([m1, m2, m3])
    decision = Decision(meeting=m1, position=1, text="Recommend the akimat")
    db.session.add(decision)
    db.session.flush()

    recs = {
        "published": _recommendation(
            a,
            addressee,
            "Published and overdue",
            RecommendationStatus.sent,
            decision=decision,
            meeting=m1,
            due_date=OVERDUE_SINCE,
            sent_at=datetime(YEAR, 3, 6, tzinfo=UTC),
            published_at=datetime(YEAR, 3, 6, tzinfo=UTC),
        ),
        "draft": _recommendation(
            a, addressee, "A draft", RecommendationStatus.draft, decision=decision, meeting=m1
        ),
        "answered": _recommendation(
            b,
            addressee,
            "Answered and assessed",
            RecommendationStatus.implemented,
            due_date=date(YEAR, 5, 1),
            sent_at=datetime(YEAR, 3, 6, tzinfo=UTC),
            published_at=datetime(YEAR, 3, 7, tzinfo=UTC),
            response="Done: =SUM(A1)",
            responded_at=datetime(YEAR, 4, 20, tzinfo=UTC),
            assessment="Implemented in full",
            assessed_at=datetime(YEAR, 4, 25, tzinfo=UTC),
        ),
        "unpublished": _recommendation(
            b,
            addressee,
            "Sent, not published",
            RecommendationStatus.sent,
            due_date=date(YEAR, 9, 1),
            sent_at=datetime(YEAR, 3, 6, tzinfo=UTC),
        ),
    }
    recs["answered"].needs = [need]
    db.session.flush()
    return World(a, b, need, sphere, addressee, plan, draft, later, acts, m1, m2, m3, recs)


@pytest.fixture
def world(db) -> World:
    return build_world()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


# --- activities ---------------------------------------------------------------------------------------


def test_anonymous_callers_see_the_activities_of_published_plans_only(client, world):
    acts = world.acts
    listed = ids(client.get(f"/api/v1/activities?year={YEAR}&per_page=100"))
    assert listed == [acts[n].id for n in ("joint", "group", "monitoring", "information", "expert")]
    assert acts["draft"].id not in ids(client.get(f"/api/v1/activities?per_page=100&plan={world.draft.id}"))
    assert_error(client.get(f"/api/v1/activities/{acts['draft'].id}"), 404)
    assert client.get(f"/api/v1/activities/{acts['joint'].id}").status_code == 200


def test_a_council_member_also_sees_the_draft_plan_of_the_council_and_others_do_not(client, world, api_token):
    draft_id = world.acts["draft"].id
    member = bearer(api_token("member1"))
    assert draft_id in ids(client.get(f"/api/v1/activities?year={YEAR}&per_page=100", headers=member))
    assert client.get(f"/api/v1/activities/{draft_id}", headers=member).status_code == 200
    other = bearer(api_token("member2"))
    assert draft_id not in ids(client.get(f"/api/v1/activities?year={YEAR}&per_page=100", headers=other))
    assert_error(client.get(f"/api/v1/activities/{draft_id}", headers=other), 404)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("council={a}", ["joint", "group", "information"]),
        ("council={b}", ["joint", "monitoring", "expert"]),
        ("format=monitoring", ["monitoring"]),
        ("format=information_work", ["information"]),
        ("status=postponed", ["monitoring"]),
        ("status=cancelled", ["expert"]),
        ("topic={need}", ["joint"]),
        ("quarter=1", ["joint"]),
        ("quarter=2", ["group"]),
        ("quarter=4", ["information"]),
        ("council={a}&format=working_group&status=in_progress&quarter=2", ["group"]),
        ("council={b}&status=done", []),
    ],
)
def test_activity_filters(client, world, query, expected):
    query = query.format(a=world.a.id, b=world.b.id, need=world.need.id)
    listed = ids(client.get(f"/api/v1/activities?year={YEAR}&per_page=100&{query}"))
    assert listed == [world.acts[name].id for name in expected]


def test_activity_filters_by_plan_and_year(client, world):
    assert ids(client.get(f"/api/v1/activities?plan={world.later.id}")) == [world.acts["later"].id]
    assert ids(client.get(f"/api/v1/activities?year={NEXT}&council={world.b.id}")) == [world.acts["later"].id]


def test_activities_are_paged_like_the_lots(client, world):
    first = client.get(f"/api/v1/activities?year={YEAR}&council={world.a.id}&per_page=2").get_json()
    assert (first["page"], first["pages"], first["per_page"], first["total"]) == (1, 2, 2, 3)
    last = client.get(f"/api/v1/activities?year={YEAR}&council={world.a.id}&per_page=2&page=2").get_json()
    assert [item["id"] for item in first["items"] + last["items"]] == [
        world.acts[n].id for n in ("joint", "group", "information")
    ]
    beyond = client.get(f"/api/v1/activities?year={YEAR}&council={world.a.id}&per_page=2&page=3").get_json()
    assert beyond["items"] == [] and beyond["total"] == 3


def test_an_activity_answers_codes_titles_councils_topics_and_spheres(client, world):
    joint = world.acts["joint"]
    body = client.get(f"/api/v1/activities/{joint.id}?lang=kk").get_json()
    assert body["title"] == "Joint hearing (kk)"
    assert body["titles"] == {
        "kk": "Joint hearing (kk)",
        "ru": "Joint hearing (ru)",
        "en": "Joint hearing (en)",
    }
    assert body["plan"]["id"] == world.plan.id and body["plan"]["year"] == YEAR
    assert body["plan"]["title"] == "Бірлескен жоспар (тест)"
    assert (body["format"], body["status"], body["quarter"]) == ("joint_meeting", "planned", 1)
    assert [c["id"] for c in body["councils"]] == [world.a.id, world.b.id]
    assert body["councils"][0]["name"] == "А кеңесі (тест)"
    assert body["topics"] == [{"id": world.need.id, "title": world.need.title_kk}]
    assert body["spheres"] == [world.sphere.code]
    assert (body["responsible"], body["outcome"]) == ("Secretary of council A", "Minutes")
    assert body["start_date"] == f"{YEAR}-02-10"
    assert client.get(f"/api/v1/activities/{joint.id}?lang=en").get_json()["title"] == "Joint hearing (en)"
    postponed = client.get(f"/api/v1/activities/{world.acts['monitoring'].id}").get_json()
    assert (postponed["status"], postponed["status_reason"]) == ("postponed", "Waiting for the campaign")


def test_bad_activity_filters_are_refused_with_each_field_named(client, world):
    response = client.get(
        "/api/v1/activities?year=20x&council=abc&format=party&status=late&topic=0&plan=-1&quarter=5&page=0"
    )
    error = assert_error(response, 422, "validation_error")
    assert set(error["fields"]) == {"year", "council", "format", "status", "topic", "plan", "quarter", "page"}
    assert client.get("/api/v1/activities?quarter=&format=").status_code == 200  # empty means not given


# --- meetings -----------------------------------------------------------------------------------------


def test_anonymous_callers_see_meetings_with_published_minutes_only(client, world):
    assert ids(client.get(f"/api/v1/meetings?year={YEAR}")) == [world.m1.id]
    assert_error(client.get(f"/api/v1/meetings/{world.m2.id}"), 404)
    assert_error(client.get(f"/api/v1/meetings/{world.m3.id}"), 404)


def test_a_member_sees_the_meetings_of_the_council_but_not_unpublished_minutes(client, world, api_token):
    member = bearer(api_token("member1"))
    assert ids(client.get(f"/api/v1/meetings?year={YEAR}", headers=member)) == [world.m2.id, world.m1.id]
    body = client.get(f"/api/v1/meetings/{world.m2.id}", headers=member).get_json()
    assert body["state"] == "held" and body["minutes_shown"] is False
    assert body["agenda"][0]["title"] == "Вопрос"
    assert (body["agenda"][0]["heard"], body["agenda"][0]["decided"]) == (None, None)
    assert body["decisions"] == []
    # not a member of B: its scheduled meeting does not exist for member1
    assert_error(client.get(f"/api/v1/meetings/{world.m3.id}", headers=member), 404)
    other = bearer(api_token("member2"))
    assert ids(client.get(f"/api/v1/meetings?year={YEAR}", headers=other)) == [world.m1.id]


def test_the_keeper_of_the_council_reads_the_minutes_before_they_are_published(client, world, api_token):
    chair = bearer(api_token("chair"))
    body = client.get(f"/api/v1/meetings/{world.m2.id}", headers=chair).get_json()
    assert body["minutes_shown"] is True
    assert (body["agenda"][0]["heard"], body["agenda"][0]["decided"]) == ("Secret heard", "Secret decided")
    assert body["decisions"] == [{"text": "Unpublished decision", "recommendation_ids": []}]


def test_published_minutes_attendance_quorum_and_decisions(client, world, api_token):
    body = client.get(f"/api/v1/meetings/{world.m1.id}?lang=kk").get_json()
    assert body["title"] == "Бірлескен отырыс (тест)" and body["joint"] is True
    assert (body["state"], body["number"], body["place"], body["off_site"]) == (
        "published",
        "1",
        "Astana",
        False,
    )
    assert body["starts_at"] == f"{YEAR}-03-01T05:00:00+00:00"
    assert [c["id"] for c in body["councils"]] == [world.a.id, world.b.id]
    (item,) = body["agenda"]
    assert item["speaker"] == "Head of the city police department"
    assert (item["heard"], item["discussed"], item["decided"]) == (
        "The report of the police",
        "Questions of members",
        "Take note; recommend",
    )
    assert body["attendance"] == [
        {"council_id": world.a.id, "members": 3, "present": 2, "quorum_met": True},
        {"council_id": world.b.id, "members": 3, "present": 1, "quorum_met": False},
    ]
    # the draft recommendation of the decision is not shown to the public, but to the keeper of council A
    published, draft = world.recs["published"].id, world.recs["draft"].id
    assert body["decisions"] == [{"text": "Recommend the akimat", "recommendation_ids": [published]}]
    chair = client.get(f"/api/v1/meetings/{world.m1.id}", headers=bearer(api_token("chair"))).get_json()
    assert chair["decisions"][0]["recommendation_ids"] == [published, draft]


def test_meeting_filters(client, world, api_token):
    admin = bearer(api_token("admin"))
    m1, m2, m3 = world.m1.id, world.m2.id, world.m3.id
    assert ids(client.get(f"/api/v1/meetings?council={world.b.id}", headers=admin)) == [m3, m1]
    assert ids(client.get(f"/api/v1/meetings?council={world.a.id}", headers=admin)) == [m2, m1]
    assert ids(client.get(f"/api/v1/meetings?council={world.a.id}&state=held", headers=admin)) == [m2]
    assert ids(client.get(f"/api/v1/meetings?plan={world.plan.id}", headers=admin)) == [m2, m1]
    assert ids(client.get(f"/api/v1/meetings?year={NEXT}&council={world.b.id}", headers=admin)) == [m3]
    assert ids(client.get(f"/api/v1/meetings?council={world.b.id}&state=cancelled", headers=admin)) == []
    page = client.get(f"/api/v1/meetings?council={world.a.id}&per_page=1&page=2", headers=admin).get_json()
    assert [i["id"] for i in page["items"]] == [m1] and (page["pages"], page["total"]) == (2, 2)


def test_bad_meeting_filters_are_refused_with_each_field_named(client, world):
    error = assert_error(
        client.get("/api/v1/meetings?year=1&council=x&state=adjourned&plan=0&per_page=1000"),
        422,
        "validation_error",
    )
    assert set(error["fields"]) == {"year", "council", "state", "plan", "per_page"}


# --- the OpenAPI document -----------------------------------------------------------------------------


def test_the_endpoints_are_documented_and_answers_match_their_schemas(client, world, api_token):
    document = client.get("/api/v1/openapi.json").get_json()
    for path in (
        "/api/v1/activities",
        "/api/v1/activities/{activity_id}",
        "/api/v1/meetings",
        "/api/v1/meetings/{meeting_id}",
    ):
        assert "get" in document["paths"][path], path
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/activities"]["get"]["parameters"]}
    assert {"year", "council", "format", "status", "topic", "plan", "quarter", "page", "per_page"} <= set(
        parameters
    )
    assert parameters["format"]["schema"]["enum"] == [f.value for f in ActivityFormat]
    states = {p["name"]: p for p in document["paths"]["/api/v1/meetings"]["get"]["parameters"]}["state"]
    assert states["schema"]["enum"] == [s.value for s in MeetingState]
    chair = bearer(api_token("chair"))
    assert conforms(document, "ActivityPage", client.get(f"/api/v1/activities?year={YEAR}").get_json()) == []
    assert (
        conforms(document, "Activity", client.get(f"/api/v1/activities/{world.acts['joint'].id}").get_json())
        == []
    )
    assert (
        conforms(
            document, "MeetingPage", client.get(f"/api/v1/meetings?year={YEAR}", headers=chair).get_json()
        )
        == []
    )
    for meeting in (world.m1, world.m2):
        answer = client.get(f"/api/v1/meetings/{meeting.id}", headers=chair).get_json()
        assert conforms(document, "Meeting", answer) == []
    assert conforms(document, "Error", client.get("/api/v1/meetings?state=x").get_json()) == []
    assert conforms(document, "Meeting", {"id": 1, "joint": "yes"})  # the check really checks
