"""The cooperation models' access rules written twice, in Python (can_view) for one object and in SQL
(visible_to) for lists and the API, name the same rows for every kind of person (docs/cooperation.md#who-may-do-what).
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from grants.accounts.models import AnonymousUser, Role, User, UserRole
from grants.cooperation.models import (
    ActivityPlan,
    Meeting,
    MeetingState,
    Participant,
    PlanState,
    Recommendation,
    RecommendationStatus,
)
from grants.councils.models import Council, CouncilLevel, CouncilMember
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _user(email: str, roles=(), organisation=None) -> User:
    person = User(email=email, full_name=email, password_hash="!", organisation=organisation)
    person.role_rows = [UserRole(role=Role(r)) for r in roles]
    db.session.add(person)
    return person


def _org(name: str, bin_: str, kind=OrganisationKind.government) -> Organisation:
    org = Organisation(name_ru=name, bin=bin_, kind=kind)
    db.session.add(org)
    return org


@pytest.fixture
def world(db):
    police = _org("Полиция (тест)", "990140000011")
    education = _org("Управление образования (тест)", "990140000022")
    ngo_org = _org("ОФ (тест)", "990140000033", OrganisationKind.ngo)
    people = {
        "secretary_a": _user("sec-a@test.kz", ["secretary"]),
        "chair_a": _user("chair-a@test.kz", ["chair"]),
        "member_a": _user("mem-a@test.kz", ["member"]),
        "member_b": _user("mem-b@test.kz", ["member"]),
        "secretary_b": _user("sec-b@test.kz", ["secretary"]),
        "police": _user("police@test.kz", ["official"], police),
        "education": _user("edu@test.kz", ["official"], education),
        "ngo": _user("ngo@test.kz", ["ngo"], ngo_org),
        "official_without_body": _user("lost@test.kz", ["official"]),
        "admin": _user("adm@test.kz", ["admin"]),
        "invited": _user("guest@test.kz", []),
    }
    a = Council(name_ru="Совет А (тест)", level=CouncilLevel.local)
    b = Council(name_ru="Совет Б (тест)", level=CouncilLevel.republican)
    c = Council(name_ru="Совет В (тест)", level=CouncilLevel.republican)
    db.session.add_all([a, b, c])
    db.session.flush()
    a.secretary_id, a.chair_id = people["secretary_a"].id, people["chair_a"].id
    b.secretary_id = people["secretary_b"].id
    db.session.add_all(
        [
            CouncilMember(council_id=a.id, user_id=people["member_a"].id),
            CouncilMember(council_id=b.id, user_id=people["member_b"].id),
        ]
    )
    plans = [
        ActivityPlan(year=2026, title_ru="План АБ черновик", state=PlanState.draft, councils=[a, b]),
        ActivityPlan(year=2026, title_ru="План АБ опубликован", state=PlanState.published, councils=[a, b]),
        ActivityPlan(year=2026, title_ru="План В утверждён", state=PlanState.approved, councils=[c]),
    ]
    meetings = [
        Meeting(title_ru="Заседание А", starts_at=NOW, state=MeetingState.scheduled, councils=[a]),
        Meeting(title_ru="Заседание АБ", starts_at=NOW, state=MeetingState.published, councils=[a, b]),
        Meeting(title_ru="Заседание В", starts_at=NOW, state=MeetingState.held, councils=[c]),
    ]
    meetings[2].participants.append(Participant(user=people["invited"], name="guest"))
    recommendations = []
    for council in (a, b, c):
        for addressee in (police, education, ngo_org):
            for status in RecommendationStatus:
                for published in (False, True):
                    if status == RecommendationStatus.draft and published:
                        continue
                    recommendations.append(
                        Recommendation(
                            council=council,
                            addressee=addressee,
                            text=f"{council.name_ru} → {addressee.name_ru}: {status.value}",
                            due_date=date(2026, 7, 1),
                            status=status,
                            published_at=NOW if published else None,
                        )
                    )
    db.session.add_all(plans + meetings + recommendations)
    db.session.flush()
    db.session.expire_all()
    everyone = [db.session.get(User, p.id) for p in people.values()] + [AnonymousUser()]
    return everyone, {
        ActivityPlan: [p.id for p in plans],
        Meeting: [m.id for m in meetings],
        Recommendation: [r.id for r in recommendations],
    }


@pytest.mark.parametrize("model", [ActivityPlan, Meeting, Recommendation], ids=lambda m: m.__name__)
def test_sql_and_python_rules_agree_for_every_person(world, model):
    everyone, ids = world
    rows = db.session.scalars(select(model).where(model.id.in_(ids[model]))).all()
    for person in everyone:
        by_sql = set(
            db.session.scalars(select(model.id).where(model.id.in_(ids[model]), model.visible_to(person)))
        )
        by_python = {row.id for row in rows if row.can_view(person)}
        assert by_sql == by_python, getattr(person, "email", "anonymous")


def test_what_each_person_sees_of_the_recommendations(world):
    everyone, ids = world
    people = {getattr(p, "email", "anonymous"): p for p in everyone}
    rows = db.session.scalars(select(Recommendation).where(Recommendation.id.in_(ids[Recommendation]))).all()
    published = {r.id for r in rows if r.published_at is not None}

    def seen(email):
        return {r.id for r in rows if r.can_view(people[email])}

    assert seen("anonymous") == published
    assert seen("adm@test.kz") == {r.id for r in rows}
    # an official sees the published ones, and what was sent to the own body; never another body's unpublished
    police_seen = seen("police@test.kz")
    assert police_seen == published | {
        r.id
        for r in rows
        if r.addressee.name_ru.startswith("Полиция") and r.status != RecommendationStatus.draft
    }
    assert not any(
        r.id in police_seen and r.published_at is None and not r.addressee.name_ru.startswith("Полиция")
        for r in rows
    )
    assert seen("lost@test.kz") == published
    # the council's people see all of their council's, drafts included, and only the published of others
    assert seen("mem-a@test.kz") == published | {r.id for r in rows if r.council.name_ru == "Совет А (тест)"}


def test_only_the_addressee_answers_and_only_keepers_assess(world):
    everyone, ids = world
    people = {getattr(p, "email", "anonymous"): p for p in everyone}
    sent_to_police = db.session.scalars(
        select(Recommendation).where(
            Recommendation.id.in_(ids[Recommendation]),
            Recommendation.status == RecommendationStatus.sent,
            Recommendation.addressee.has(Organisation.name_ru.startswith("Полиция")),
        )
    ).first()
    assert sent_to_police.can_respond(people["police@test.kz"])
    for email in ("edu@test.kz", "sec-a@test.kz", "adm@test.kz", "anonymous", "lost@test.kz"):
        assert not sent_to_police.can_respond(people[email]), email
    answered = db.session.scalars(
        select(Recommendation).where(
            Recommendation.id.in_(ids[Recommendation]),
            Recommendation.status == RecommendationStatus.answered,
            Recommendation.council.has(Council.name_ru == "Совет А (тест)"),
        )
    ).first()
    assert answered.can_assess(people["sec-a@test.kz"]) and answered.can_assess(people["chair-a@test.kz"])
    for email in ("sec-b@test.kz", "mem-a@test.kz", "police@test.kz", "anonymous"):
        assert not answered.can_assess(people[email]), email
