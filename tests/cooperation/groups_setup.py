"""People and councils for the working group, expert and information tests (tests/cooperation/test_groups*.py,
test_experts*.py, test_information*.py): two councils, each with its own secretary and a member, and an
outsider. Built inside the test's transaction (rolled back), or committed on a live server's database."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from grants.accounts.models import User
from grants.cooperation.models import (
    Activity,
    ActivityFormat,
    ActivityPlan,
    Meeting,
    PlanState,
    WorkingGroup,
    WorkingGroupMember,
    WorkingGroupTask,
)
from grants.core.db import utcnow
from grants.councils.models import Council, CouncilLevel, CouncilMember
from grants.extensions import db
from tests.helpers import DEMO_PASSWORD


@dataclass
class People:
    council_a: Council
    council_b: Council
    secretary_a: User  # secretary of council A
    secretary_b: User  # secretary of council B (the other council's secretary)
    member_a: User  # a member of council A
    member_b: User  # a member of council B
    outsider: User  # an account of no council

    def email(self, who: str) -> str:
        return getattr(self, who).email


def make_user(email: str, name: str, *roles: str) -> User:
    found = db.session.scalar(select(User).where(User.email == email))
    if found is not None:
        return found
    person = User(email=email, full_name=name)
    person.set_password(DEMO_PASSWORD)
    person.set_roles(roles)
    db.session.add(person)
    db.session.flush()
    return person


def make_people() -> People:
    council_a = Council(name_ru="Совет А", name_kk="А кеңесі", name_en="Council A", level=CouncilLevel.local)
    council_b = Council(
        name_ru="Совет Б", name_kk="Б кеңесі", name_en="Council B", level=CouncilLevel.republican
    )
    db.session.add_all([council_a, council_b])
    people = People(
        council_a=council_a,
        council_b=council_b,
        secretary_a=make_user("wg-sec-a@example.kz", "Секретарь А", "secretary", "member"),
        secretary_b=make_user("wg-sec-b@example.kz", "Секретарь Б", "secretary", "member"),
        member_a=make_user("wg-member-a@example.kz", "Член А", "member"),
        member_b=make_user("wg-member-b@example.kz", "Член Б", "member"),
        outsider=make_user("wg-outsider@example.kz", "Посторонний", "member"),
    )
    council_a.secretary_id = people.secretary_a.id
    council_b.secretary_id = people.secretary_b.id
    db.session.add_all(
        [
            CouncilMember(council=council_a, user_id=people.member_a.id),
            CouncilMember(council=council_b, user_id=people.member_b.id),
        ]
    )
    db.session.flush()
    return people


def make_group(people: People, lead: User | None = None, councils=None) -> WorkingGroup:
    group = WorkingGroup(
        name_ru="Рабочая группа по профилактике",
        name_kk="Алдын алу жөніндегі жұмыс тобы",
        name_en="Prevention working group",
        mandate="Prevent drug use among young people.",
        lead_id=lead.id if lead else None,
        councils=list(councils if councils is not None else [people.council_a, people.council_b]),
    )
    db.session.add(group)
    db.session.flush()
    if lead is not None:
        db.session.add(WorkingGroupMember(group=group, user_id=lead.id, council_id=people.council_a.id))
    db.session.flush()
    return group


def make_task(
    group: WorkingGroup, due: date, responsible: User | None = None, title="Prepare a review"
) -> WorkingGroupTask:
    task = WorkingGroupTask(
        group=group, title=title, due_date=due, responsible_id=responsible.id if responsible else None
    )
    db.session.add(task)
    db.session.flush()
    return task


def make_plan(people: People, published: bool = False) -> tuple[ActivityPlan, Activity]:
    plan = ActivityPlan(
        year=2026,
        title_ru="Совместный план",
        title_kk="Бірлескен жоспар",
        title_en="Joint plan",
        councils=[people.council_a, people.council_b],
    )
    if published:
        plan.state = PlanState.published
        plan.published_at = utcnow()
    activity = Activity(
        plan=plan,
        title_ru="Мониторинг школ",
        title_kk="Мектептер мониторингі",
        title_en="Schools monitoring",
        format=ActivityFormat.monitoring,
        position=1,
    )
    db.session.add_all([plan, activity])
    db.session.flush()
    return plan, activity


def make_meeting(people: People, councils=None) -> Meeting:
    meeting = Meeting(
        title_ru="Заседание",
        title_kk="Отырыс",
        title_en="Meeting",
        starts_at=utcnow(),
        councils=list(councils if councils is not None else [people.council_a]),
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting
