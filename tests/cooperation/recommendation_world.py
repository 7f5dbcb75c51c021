"""Builders shared by the recommendation tests: two addressee bodies with an official each, a council with
its chair and secretary, and recommendations sent to each body."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from grants.accounts.models import Role, User, UserRole
from grants.cooperation import recommendations as ops
from grants.cooperation.models import Recommendation
from grants.core.errors import today_local
from grants.councils.models import Council
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind
from tests.helpers import DEMO_PASSWORD
from tests.helpers import user as demo_user


def make_org(bin_: str, name: str, kind=OrganisationKind.government) -> Organisation:
    org = Organisation(bin=bin_, name_ru=name, name_kk=name, kind=kind)
    db.session.add(org)
    db.session.flush()
    return org


def make_user(email: str, name: str, role: str, organisation=None) -> User:
    person = User(email=email, full_name=name, organisation_id=organisation.id if organisation else None)
    person.set_password(DEMO_PASSWORD)
    person.role_rows = [UserRole(role=Role(role))]
    db.session.add(person)
    db.session.flush()
    return person


@dataclass
class World:
    council: Council
    body_a: Organisation
    body_b: Organisation
    official_a: User
    official_b: User
    chair: User
    secretary: User


def build_world() -> World:
    council = db.session.scalars(select(Council).order_by(Council.id)).first()
    chair = demo_user("chair")
    secretary = make_user("rec-secretary@example.kz", "Секретарь Совета", "secretary")
    council.chair_id, council.secretary_id = chair.id, secretary.id
    body_a = make_org("990140000111", "Управление полиции (тест А)")
    body_b = make_org("990140000222", "Управление образования (тест Б)")
    official_a = make_user("rec-official-a@example.kz", "Официальное Лицо А", "official", body_a)
    official_b = make_user("rec-official-b@example.kz", "Официальное Лицо Б", "official", body_b)
    db.session.flush()
    return World(council, body_a, body_b, official_a, official_b, chair, secretary)


def sent(world: World, addressee, text: str, due_in: int = 10, publish: bool = False) -> Recommendation:
    rec = ops.draft(world.council, addressee, text, today_local() + timedelta(days=due_in), world.secretary)
    ops.send(rec, world.secretary, publish=publish)
    db.session.flush()
    return rec
