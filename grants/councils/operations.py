from sqlalchemy import select

from grants.accounts.models import Role, User, UserRole
from grants.audit.operations import record
from grants.councils.models import Council, CouncilMember, GroupMember, MonitoringGroup
from grants.extensions import db


def describe_group(group: MonitoringGroup) -> dict:
    return {
        "name_ru": group.name_ru,
        "chair_id": group.chair_id,
        "organiser_id": group.organiser_id,
        "councils": sorted(c.id for c in group.councils),
        "members": sorted(m.user_id for m in group.memberships),
    }


def save_group(
    group: MonitoringGroup, data: dict, council_ids: list[int], member_ids: list[int]
) -> MonitoringGroup:
    """Create or update a monitoring group, its councils and members; the chair gets the chair role."""
    before = describe_group(group) if group.id else None
    for name in ("name_ru", "name_kk", "name_en", "chair_id", "organiser_id", "period_start", "period_end"):
        setattr(group, name, data.get(name) or None)
    group.councils = list(db.session.scalars(select(Council).where(Council.id.in_(council_ids))))
    keep = set(member_ids)
    group.memberships = [m for m in group.memberships if m.user_id in keep]
    present = {m.user_id for m in group.memberships}
    group.memberships.extend(GroupMember(user_id=uid) for uid in keep - present)
    if group.id is None:
        db.session.add(group)
    db.session.flush()
    for user in db.session.scalars(select(User).where(User.id.in_(keep))):
        roles = {r.value for r in user.roles} | {Role.member.value}
        if user.id == group.chair_id:
            roles.add(Role.chair.value)
        user.set_roles(roles)
    record(
        "group.create" if before is None else "group.update",
        group,
        before=before,
        after=describe_group(group),
    )
    return group


def save_council(council: Council, data: dict, member_ids: list[int]) -> Council:
    before = (
        {"name_ru": council.name_ru, "members": sorted(m.user_id for m in council.memberships)}
        if council.id
        else None
    )
    for name in (
        "name_ru",
        "name_kk",
        "name_en",
        "level",
        "body_id",
        "region_id",
        "description_ru",
        "description_kk",
    ):
        setattr(council, name, data.get(name) or None)
    keep = set(member_ids)
    council.memberships = [m for m in council.memberships if m.user_id in keep]
    present = {m.user_id for m in council.memberships}
    council.memberships.extend(CouncilMember(user_id=uid) for uid in keep - present)
    if council.id is None:
        db.session.add(council)
    db.session.flush()
    after = {"name_ru": council.name_ru, "members": sorted(m.user_id for m in council.memberships)}
    record("council.create" if before is None else "council.update", council, before=before, after=after)
    return council


def member_candidates():
    """People who can sit on councils and groups (members and chairs)."""
    return db.session.scalars(
        select(User)
        .where(User.id.in_(select(UserRole.user_id).where(UserRole.role.in_([Role.member, Role.chair]))))
        .order_by(User.full_name)
    ).all()
