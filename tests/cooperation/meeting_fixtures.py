"""Builders for the meetings tests: two demo councils kept by the demo chair, a joint meeting taken to a
state, form payloads."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from grants.cooperation import meetings as ops
from grants.councils.models import Council
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind
from tests.helpers import user

ASTANA = "Общественный совет города Астаны"
MVD = "Общественный совет по вопросам деятельности Министерства внутренних дел Республики Казахстан"
STARTS = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 10:00 in Astana


def council(name_ru: str) -> Council:
    found = db.session.scalar(select(Council).where(Council.name_ru == name_ru))
    assert found is not None, f"demo council {name_ru} is missing"
    return found


def kept_councils() -> tuple[Council, Council]:
    """The Astana city council (4 demo members) and the MVD council (3), both kept by the demo chair:
    secretary of the first, chair of the second."""
    astana, mvd = council(ASTANA), council(MVD)
    chair = user("chair")
    astana.secretary_id = chair.id
    mvd.chair_id = chair.id
    astana.chair_id = None
    mvd.secretary_id = None
    db.session.flush()
    return astana, mvd


def government_bodies(n: int = 2) -> list[Organisation]:
    rows = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.government)
            .order_by(Organisation.id)
            .limit(n)
        )
    )
    assert len(rows) == n, "the demo needs state bodies"
    return rows


def meeting_data(councils, **overrides) -> dict:
    data = {
        "title_kk": "Кәмелетке толмағандар арасындағы құқық бұзушылықтардың алдын алу",
        "title_ru": "О профилактике правонарушений среди несовершеннолетних",
        "title_en": "Offence prevention among minors",
        "starts_at": STARTS,
        "place": "Астана, Бейбітшілік к-сі, 11",
        "off_site": False,
        "councils": list(councils),
    }
    data.update(overrides)
    return data


POLICE_SPEAKER = {
    "title_kk": "Полиция департаментінің есебі",
    "title_ru": "Отчёт департамента полиции",
    "title_en": "Report of the police department",
    "speaker": None,
    "speaker_name": "Ахметов Ерлан Сапарович",
    "speaker_position": "Начальник департамента полиции города Астаны",
}


def meeting_in(state: str, with_recommendations: int = 0):
    """A joint meeting of the two kept councils in state scheduled | held | ready (held, attendance and
    minutes recorded) | published; with_recommendations draft recommendations on one decision."""
    astana, mvd = kept_councils()
    chair = user("chair")
    meeting = ops.schedule(chair, meeting_data([astana, mvd]))
    item = ops.add_agenda_item(meeting, chair, POLICE_SPEAKER)
    if state == "scheduled":
        return meeting
    ops.mark_held(meeting, chair)
    if state == "held":
        return meeting
    ops.record_attendance(meeting, chair, [p.id for p in meeting.participants])
    ops.save_minutes(item, chair, "Заслушан отчёт.", "Обсуждены меры.", "Принять к сведению.")
    bodies = government_bodies(2)
    rows = [
        {
            "council": astana,
            "addressee": bodies[i % 2],
            "text": f"Рекомендация {i + 1}",
            "due_date": date(2027, 3, 1),
        }
        for i in range(with_recommendations)
    ]
    ops.add_decision(meeting, chair, "Рекомендовать органам…", item, rows)
    if state == "ready":
        return meeting
    ops.publish(meeting, chair)
    return meeting
