"""Load the regions (also for production set-up) and the demo data set (README.md, "Demo accounts").

Idempotent: every object is upserted by its natural key (region KATO, sphere code,
organisation BIN, lot number and year, contract number, user email, need, council and group
name in Russian; child rows by position; the councils' joint work in grants/seed/cooperation.py), and a row whose values already match is not
touched, so a second run changes nothing. Helpers only flush; `seed_demo` commits once.
"""

import csv
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from grants.accounts.models import Affiliation, Role, User
from grants.councils.models import Council, CouncilLevel, CouncilMember, GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotIndicator, LotNeed, LotStatus, Sphere, Unit
from grants.needs.models import NeedSource, Priority, PublicNeed
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Indicator, Project, ProjectStatus
from grants.regions.models import Region
from grants.reports.rendering import render_committed
from grants.seed.campaign import seed_campaign
from grants.seed.cooperation import seed_cooperation
from grants.seed.data.administrators import ADMINISTRATORS
from grants.seed.data.bins import demo_bin
from grants.seed.data.lot_plan import build_lots
from grants.seed.data.needs import NEEDS
from grants.seed.data.ngos import NGOS
from grants.seed.data.people import COUNCIL_MEMBERS, COUNCILS, DEMO_EMAILS, GROUPS, USERS
from grants.seed.data.spheres import SPHERES
from grants.seed.published import seed_published_campaign

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCALISED = ("ru", "kk", "en")


def _assign(obj, values: dict) -> None:
    """Set only the fields whose value differs, so unchanged rows get no UPDATE."""
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)


def _upsert(model, key: dict, values: dict):
    """The row with this natural key, created or brought up to `values`."""
    obj = db.session.execute(select(model).filter_by(**key)).scalar_one_or_none()
    if obj is None:
        obj = model(**key, **values)
        db.session.add(obj)
    else:
        _assign(obj, values)
    return obj


def _sync_positions(children: list, model, rows: list[dict]) -> None:
    """Child rows (indicators) keyed by position within their parent."""
    by_position = {child.position: child for child in children}
    for position, values in enumerate(rows):
        child = by_position.get(position)
        if child is None:
            children.append(model(position=position, **values))
        else:
            _assign(child, values)


def _pick(row: dict, *fields: str, langs=LOCALISED) -> dict:
    return {f"{field}_{lang}": row[f"{field}_{lang}"] for field in fields for lang in langs}


def load_regions() -> dict[str, Region]:
    """Upsert the 20 top-level regions and cities by KATO; flushes, the caller commits."""
    with (DATA_DIR / "regions.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    regions = {}
    for row in rows:
        values = {"iso": row["iso"], **_pick(row, "name"), "center_ru": row["center_ru"] or None}
        regions[row["kato"]] = _upsert(Region, {"kato": row["kato"]}, values)
    db.session.flush()
    return regions


def database_is_empty() -> bool:
    """No users, organisations or lots yet (regions alone do not count)."""
    return not any(db.session.scalar(select(func.count()).select_from(m)) for m in (User, Organisation, Lot))


def demo_accounts() -> list[tuple[str, str, str]]:
    """(email, roles, full name) of the seeded people, the documented demo accounts first."""
    order = {email: i for i, email in enumerate(DEMO_EMAILS)}
    rows = sorted(USERS, key=lambda u: order.get(u["email"], len(order)))
    return [(u["email"], "+".join(u["roles"]), u["full_name"]) for u in rows]


def seed_demo(password: str) -> dict[str, int]:
    """Load the demo data set with `password` for every account; returns counts of seeded rows."""
    if not password:
        raise ValueError("the demo password must not be empty")
    regions = load_regions()
    spheres = _seed_spheres()
    orgs = _seed_organisations(regions)
    users = _seed_users(password, orgs)
    plan = build_lots()
    lots = _seed_lots(plan, regions, spheres, orgs)
    projects = _seed_projects(plan, lots, orgs)
    needs, links = _seed_needs(plan, lots, regions, orgs, users["ministry@example.kz"])
    councils, council_members = _seed_councils(regions, orgs, users)
    groups, group_members = _seed_groups(councils, orgs, users)
    campaign = seed_campaign(users, groups)
    published = seed_published_campaign(users, groups)
    cooperation = seed_cooperation(users, orgs, councils, regions, campaign, published)
    db.session.commit()
    render_committed()  # the published campaign's reports (grants/reports/rendering.py)
    return {
        "regions": len(regions),
        "spheres": len(spheres),
        "administrators": len(ADMINISTRATORS),
        "ngos": len(NGOS),
        "users": len(users),
        "lots": len(lots),
        "lot_indicators": sum(len(row["indicators"]) for row in plan),
        "projects": len(projects),
        "indicators": sum(len(p.indicators) for p in projects),
        "needs": len(needs),
        "lot_needs": links,
        "councils": len(councils),
        "council_members": council_members,
        "campaign_evaluations": len(campaign.evaluations) if campaign else 0,
        "published_evaluations": len(published.evaluations) if published else 0,
        "groups": len(groups),
        "group_members": group_members,
        **cooperation,
    }


def _seed_spheres() -> dict[str, Sphere]:
    spheres = {row["code"]: _upsert(Sphere, {"code": row["code"]}, _pick(row, "name")) for row in SPHERES}
    db.session.flush()
    return spheres


def _seed_organisations(regions: dict[str, Region]) -> dict[str, Organisation]:
    orgs = {}
    for kind, rows in ((OrganisationKind.government, ADMINISTRATORS), (OrganisationKind.ngo, NGOS)):
        for row in rows:
            values = {
                **_pick(row, "name"),
                "kind": kind,
                "region_id": regions[row["region"]].id,
                "address": row["address"],
            }
            orgs[row["key"]] = _upsert(Organisation, {"bin": demo_bin(row["yymm"], row["serial"])}, values)
    if len({org.bin for org in orgs.values()}) != len(orgs):
        raise ValueError("two demo organisations share a BIN: change a serial in grants/seed/data")
    db.session.flush()
    return orgs


def _seed_users(password: str, orgs: dict[str, Organisation]) -> dict[str, User]:
    users = {}
    for row in USERS:
        user = db.session.execute(select(User).filter_by(email=row["email"])).scalar_one_or_none()
        if user is None:
            user = User(email=row["email"])
            user.set_password(password)
            db.session.add(user)
        elif not user.check_password(password):
            user.set_password(password)
        organisation = orgs[row["organisation"]] if row["organisation"] else None
        _assign(
            user,
            {
                "full_name": row["full_name"],
                "position": row["position"],
                "language": row["language"],
                "organisation_id": organisation.id if organisation else None,
                "active": True,
            },
        )
        wanted = {Role(role) for role in row["roles"]}
        if user.roles != wanted:
            user.set_roles(wanted)
        for org_key, note in row.get("affiliations", ()):
            if orgs[org_key].bin not in user.affiliated_bins:
                user.affiliations.append(Affiliation(bin=orgs[org_key].bin, note=note))
        users[row["email"]] = user
    db.session.flush()
    return users


def _seed_lots(plan, regions, spheres, orgs) -> dict[tuple[str, int], Lot]:
    lots = {}
    for row in plan:
        values = {
            **_pick(row, "title"),
            **_pick(
                row, "description", "goal", "tasks", "expected_results", "target_group", langs=("ru", "kk")
            ),
            "administrator_id": orgs[row["administrator"]].id,
            "region_id": regions[row["kato"]].id,
            "kato": row["kato"],
            "sphere_id": spheres[row["sphere"]].id,
            "budget": row["budget"],
            "start_date": row["start_date"],
            "end_date": row["end_date"],
            "beneficiaries": row["beneficiaries"],
            "applicants": row["applicants"],
            "status": LotStatus(row["status"]),
        }
        lot = _upsert(Lot, {"number": row["number"], "year": row["year"]}, values)
        indicators = [
            {**_pick(ind, "name"), "unit": Unit(ind["unit"]), "target": Decimal(ind["target"])}
            for ind in row["indicators"]
        ]
        _sync_positions(lot.indicators, LotIndicator, indicators)
        lots[(row["number"], row["year"])] = lot
    db.session.flush()
    return lots


def _seed_projects(plan, lots, orgs) -> list[Project]:
    projects = []
    for row in plan:
        contract = row["project"]
        if contract is None:
            continue
        values = {
            "lot_id": lots[(row["number"], row["year"])].id,
            "ngo_id": orgs[contract["ngo"]].id,
            "status": ProjectStatus(contract["status"]),
            **{
                field: contract[field]
                for field in (
                    "contract_date",
                    "amount",
                    "actual_amount",
                    "start_date",
                    "end_date",
                    "actual_end_date",
                    "beneficiaries_actual",
                    "summary_ru",
                    "summary_kk",
                )
            },
        }
        project = _upsert(Project, {"contract_number": contract["contract_number"]}, values)
        indicators = [
            {
                **_pick(ind, "name"),
                "unit": Unit(ind["unit"]),
                "baseline": ind["baseline"],
                "target": ind["target"],
                "actual": ind["actual"],
                "period_start": contract["start_date"],
                "period_end": contract["end_date"],
            }
            for ind in contract["indicators"]
        ]
        _sync_positions(project.indicators, Indicator, indicators)
        projects.append(project)
    db.session.flush()
    return projects


def _seed_needs(plan, lots, regions, orgs, ministry_user: User) -> tuple[list[PublicNeed], int]:
    """Upsert the needs, then link each to its administrator's lots on the topic placed after it was raised."""
    needs = []
    for row in NEEDS:
        values = {
            "title_kk": row["title_kk"],
            "title_en": row["title_en"],
            **_pick(row, "description", langs=("ru", "kk")),
            "region_id": regions[row["region"]].id,
            "source": NeedSource(row["source"]),
            "evidence": row["evidence"],
            "priority": Priority(row["priority"]),
            "year_raised": row["year_raised"],
            "organisation_id": orgs[row["organisation"]].id if row["organisation"] else None,
        }
        needs.append(_upsert(PublicNeed, {"title_ru": row["title_ru"]}, values))
    db.session.flush()
    links = 0
    for row, need in zip(NEEDS, needs, strict=True):
        if row["link"] is None:
            continue
        admin, topic = row["link"]
        linked_by = ministry_user.id if ministry_user.organisation_id == orgs[admin].id else None
        for lot_row in plan:
            if (lot_row["administrator"], lot_row["topic"]) != (admin, topic):
                continue
            if lot_row["year"] <= row["year_raised"] or lot_row["status"] == "cancelled":
                continue
            lot = lots[(lot_row["number"], lot_row["year"])]
            _upsert(
                LotNeed,
                {"lot_id": lot.id, "need_id": need.id},
                {"reason": row["reason"], "linked_by_id": linked_by},
            )
            links += 1
    db.session.flush()
    return needs, links


def _seed_councils(regions, orgs, users) -> tuple[dict[str, Council], int]:
    councils = {}
    for row in COUNCILS:
        values = {
            "name_kk": row["name_kk"],
            "name_en": row["name_en"],
            **_pick(row, "description", langs=("ru", "kk")),
            "level": CouncilLevel(row["level"]),
            "body_id": orgs[row["body"]].id,
            "region_id": regions[row["region"]].id if row["region"] else None,
            "chair_id": users[row["chair"]].id if row.get("chair") else None,
            "secretary_id": users[row["secretary"]].id if row.get("secretary") else None,
        }
        councils[row["key"]] = _upsert(Council, {"name_ru": row["name_ru"]}, values)
    db.session.flush()
    for council_key, email, position in COUNCIL_MEMBERS:
        _upsert(
            CouncilMember,
            {"council_id": councils[council_key].id, "user_id": users[email].id},
            {"position": position},
        )
    db.session.flush()
    return councils, len(COUNCIL_MEMBERS)


def _seed_groups(councils, orgs, users) -> tuple[list[MonitoringGroup], int]:
    groups, members = [], 0
    for row in GROUPS:
        values = {
            "name_kk": row["name_kk"],
            "name_en": row["name_en"],
            "chair_id": users[row["chair"]].id,
            "organiser_id": orgs[row["organiser"]].id,
            "period_start": row["period_start"],
            "period_end": row["period_end"],
        }
        group = _upsert(MonitoringGroup, {"name_ru": row["name_ru"]}, values)
        for council_key in row["councils"]:
            if councils[council_key] not in group.councils:
                group.councils.append(councils[council_key])
        db.session.flush()
        for email, council_key in row["members"]:
            _upsert(
                GroupMember,
                {"group_id": group.id, "user_id": users[email].id},
                {"council_id": councils[council_key].id},
            )
            members += 1
        groups.append(group)
    db.session.flush()
    return groups, members
