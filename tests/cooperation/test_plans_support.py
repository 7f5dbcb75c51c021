"""Builders for the joint activity plan's tests (no tests here): councils with known keepers, a plan with
activities, a held joint meeting. Everything is created inside the test's transaction (or a live app's)."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from grants.cooperation import plans
from grants.cooperation.models import Meeting, MeetingState
from grants.councils.models import Council
from grants.extensions import db
from grants.lots.models import Sphere
from tests.factories import need_of
from tests.helpers import user

YEAR = 2026


def council(name_ru: str) -> Council:
    found = db.session.scalar(
        select(Council).where(Council.name_ru.like(f"%{name_ru}%")).order_by(Council.id)
    )
    assert found is not None, f"the demo has no council named like {name_ru}"
    return found


def councils() -> tuple[Council, Council, Council]:
    """(Astana city council, MVD council, MCI council) with known keepers: chair@ keeps Astana's, member3@
    keeps MVD's, member2@ keeps MCI's (which is not a council of the plans built here)."""
    astana = council("города Астаны")
    mvd = council("Министерства внутренних дел")
    mci = council("Министерстве культуры и информации")
    chair, member3, member2 = user("chair"), user("member3"), user("member2")
    for other in db.session.scalars(select(Council)):  # nobody else keeps a council in these tests
        other.chair_id = other.secretary_id = None
    for membership in list(astana.memberships) + list(mvd.memberships):
        if membership.user_id == member2.id:  # member2 has no part in the plans built here
            db.session.delete(membership)
    astana.chair_id = astana.secretary_id = chair.id
    mvd.chair_id = mvd.secretary_id = member3.id
    mci.chair_id = mci.secretary_id = member2.id
    db.session.flush()
    return astana, mvd, mci


def activity_data(owners, title: str, start: date, end: date | None = None, **more) -> dict:
    need = need_of()
    sphere = db.session.scalar(select(Sphere).order_by(Sphere.id))
    data = {
        "title_ru": f"{title} (ру)",
        "title_kk": f"{title} (қаз)",
        "title_en": f"{title} (en)",
        "format": "joint_meeting",
        "councils": list(owners),
        "needs": [need],
        "spheres": [sphere] if sphere is not None else [],
        "start_date": start,
        "end_date": end or start,
        "responsible": "Иванов И. И., секретарь",
        "outcome": None,
    }
    data.update(more)
    return data


def build_plan(activities: int = 3, year: int = YEAR):
    """A draft plan of the Astana and MVD councils with `activities` activities, one per month from
    February; returns (plan, astana, mvd, mci)."""
    astana, mvd, mci = councils()
    keeper = user("chair")
    plan = plans.create_plan(
        keeper,
        {
            "year": year,
            "title_ru": "Совместный план тестовый",
            "title_kk": "Бірлескен жоспар сынақ",
            "title_en": "Joint plan test",
            "councils": [astana, mvd],
        },
    )
    formats = ["joint_meeting", "working_group", "expert_support", "monitoring", "information_work"]
    for i in range(activities):
        plans.add_activity(
            plan,
            keeper,
            activity_data(
                [astana, mvd] if i % 2 == 0 else [mvd],
                f"Мероприятие номер {i + 1}",
                date(year, 2 + i % 10, 10),
                format=formats[i % 5],
            ),
        )
    db.session.flush()
    return plan, astana, mvd, mci


def held_meeting(councils_, state: MeetingState = MeetingState.held) -> Meeting:
    meeting = Meeting(
        title_ru="Совместное заседание (тест)",
        title_kk="Бірлескен отырыс (сынақ)",
        starts_at=datetime(YEAR, 1, 20, 10, tzinfo=UTC),
        state=state,
        councils=list(councils_),
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting
