"""Helpers for the page tests: demo objects looked up in the database and form payloads.

Everything here reads the seeded demo data (tests/conftest.py); where the demo has no object
of the kind a test needs, a helper creates one inside the test's transaction (rolled back).
"""

import html
import re
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from grants.accounts.models import Role, User, UserRole
from grants.councils.models import Council, CouncilLevel, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot
from grants.needs.models import NeedSource, Priority, PublicNeed
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project
from grants.regions.models import Region
from tests.helpers import user

ASTANA_KATO = "710000000"
ROLES = ("anonymous", "admin", "ministry", "chair", "member1", "member4", "ngo", "secretary", "official")


def text_of(response) -> str:
    """The response body with HTML entities decoded (for comparing with plain strings)."""
    return html.unescape(response.get_data(as_text=True))


def redirect_path(response) -> str:
    location = response.headers.get("Location", "")
    return re.sub(r"^https?://[^/]+", "", location)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- people -------------------------------------------------------------------------------


def ministry() -> User:
    person = user("ministry")
    assert person.organisation_id is not None, "the demo ministry user must work for an administrator"
    return person


def member_ids(n: int = 3) -> list[int]:
    rows = db.session.scalars(
        select(User.id)
        .where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_([Role.member, Role.chair]))))
        .order_by(User.id)
    ).all()
    assert len(rows) >= n, "the demo needs council members"
    return list(rows[:n])


# --- lots and projects --------------------------------------------------------------------


def own_lot() -> Lot:
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id == ministry().organisation_id).order_by(Lot.id).limit(1)
    )
    assert lot is not None, "the demo ministry user's organisation administers no lot"
    return lot


def other_lot() -> Lot:
    lot = db.session.scalar(
        select(Lot).where(Lot.administrator_id != ministry().organisation_id).order_by(Lot.id).limit(1)
    )
    assert lot is not None, "the demo has no lot of another administrator"
    return lot


def own_project() -> Project:
    project = db.session.scalar(
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Lot.administrator_id == ministry().organisation_id)
        .order_by(Project.id)
        .limit(1)
    )
    assert project is not None, "the demo ministry user's organisation has no project"
    return project


def other_project() -> Project:
    project = db.session.scalar(
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Lot.administrator_id != ministry().organisation_id)
        .order_by(Project.id)
        .limit(1)
    )
    assert project is not None, "the demo has no project of another administrator"
    return project


def any_of(model):
    obj = db.session.scalar(select(model).order_by(model.id).limit(1))
    assert obj is not None, f"the demo has no {model.__name__}"
    return obj


def astana() -> Region:
    region = db.session.scalar(select(Region).where(Region.kato == ASTANA_KATO))
    assert region is not None
    return region


def ngo() -> Organisation:
    org = db.session.scalar(
        select(Organisation)
        .where(Organisation.kind == OrganisationKind.ngo)
        .order_by(Organisation.id)
        .limit(1)
    )
    assert org is not None, "the demo has no NGO"
    return org


def unused_lot_number(year: int, prefix: str = "T") -> str:
    for n in range(1, 10000):
        number = f"{prefix}-{n:04d}"
        if db.session.scalar(select(Lot.id).where(Lot.number == number, Lot.year == year)) is None:
            return number
    raise AssertionError("no free lot number")


def lot_form(lot: Lot | None = None, **overrides) -> dict:
    """A valid lot form payload: a copy of `lot`, or a new lot in Astana."""
    if lot is not None:
        data = {
            "number": lot.number,
            "year": str(lot.year),
            "title_ru": lot.title_ru,
            "title_kk": lot.title_kk or lot.title_ru,
            "title_en": lot.title_en or "",
            "region_id": str(lot.region_id),
            "kato": lot.kato or "",
            "sphere_id": str(lot.sphere_id) if lot.sphere_id else "",
            "budget": f"{lot.budget:.2f}",
            "start_date": lot.start_date.isoformat() if lot.start_date else "",
            "end_date": lot.end_date.isoformat() if lot.end_date else "",
            "status": lot.status.value,
        }
    else:
        year = 2031
        data = {
            "number": unused_lot_number(year),
            "year": str(year),
            "title_ru": "Профилактика наркомании среди молодёжи (тест)",
            "title_kk": "Жастар арасында нашақорлықтың алдын алу (тест)",
            "title_en": "",
            "region_id": str(astana().id),
            "kato": "",
            "sphere_id": "",
            "budget": "8 250 000,00",
            "start_date": "2031-03-01",
            "end_date": "2031-11-30",
            "status": "planned",
        }
    data.update(overrides)
    return data


def unused_contract_number() -> str:
    for n in range(1, 10000):
        number = f"TEST-{n:04d}"
        if db.session.scalar(select(Project.id).where(Project.contract_number == number)) is None:
            return number
    raise AssertionError("no free contract number")


def project_form(lot: Lot, **overrides) -> dict:
    start = lot.start_date or date(2031, 3, 1)
    data = {
        "ngo_id": str(ngo().id),
        "contract_number": unused_contract_number(),
        "contract_date": start.isoformat(),
        "amount": f"{(Decimal(lot.budget) / 2):.2f}",
        "start_date": start.isoformat(),
        "end_date": date(start.year, 12, 31).isoformat(),
        "status": "contracted",
    }
    data.update(overrides)
    return data


# --- needs, groups, councils --------------------------------------------------------------


def need_of(organisation_id: int | None = None, other_than: int | None = None) -> PublicNeed:
    """A need recorded by the organisation (or by any other), created when the demo has none."""
    query = select(PublicNeed).order_by(PublicNeed.id).limit(1)
    if organisation_id is not None:
        query = query.where(PublicNeed.organisation_id == organisation_id)
    if other_than is not None:
        query = query.where((PublicNeed.organisation_id != other_than) | PublicNeed.organisation_id.is_(None))
    need = db.session.scalar(query)
    if need is None:
        need = PublicNeed(
            title_ru="Безопасность школьников на дорогах (тест)",
            title_kk="Оқушылардың жолдағы қауіпсіздігі (тест)",
            source=NeedSource.citizen_appeal,
            priority=Priority.high,
            year_raised=2030,
            organisation_id=organisation_id,
        )
        db.session.add(need)
        db.session.flush()
    return need


def group_of(organiser_id: int | None = None, other_than: int | None = None) -> MonitoringGroup:
    """A monitoring group organised by the organisation (or by another), created when the demo has none."""
    query = select(MonitoringGroup).order_by(MonitoringGroup.id).limit(1)
    if organiser_id is not None:
        query = query.where(MonitoringGroup.organiser_id == organiser_id)
    if other_than is not None:
        query = query.where(
            (MonitoringGroup.organiser_id != other_than) | MonitoringGroup.organiser_id.is_(None)
        )
    group = db.session.scalar(query)
    if group is None:
        group = MonitoringGroup(name_ru="Тестовая группа", name_kk="Сынақ тобы", organiser_id=organiser_id)
        group.councils = list(db.session.scalars(select(Council).order_by(Council.id).limit(2)))
        db.session.add(group)
        db.session.flush()
    return group


def councils_of_both_levels() -> list[int]:
    ids = []
    for level in (CouncilLevel.local, CouncilLevel.republican):
        council = db.session.scalar(
            select(Council).where(Council.level == level).order_by(Council.id).limit(1)
        )
        assert council is not None, f"the demo has no {level.value} council"
        ids.append(council.id)
    return ids


def lot_ids_in(response) -> list[int]:
    """Lot ids linked from a registry page, in page order."""
    return [int(n) for n in re.findall(r'href="/lots/(\d+)"', response.get_data(as_text=True))]
