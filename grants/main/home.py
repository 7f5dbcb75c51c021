"""What each person sees first: the things they have to do, by role."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.councils.models import Council, GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus
from grants.monitoring.models import Evaluation
from grants.needs.models import PublicNeed
from grants.organisations.models import Organisation
from grants.portal.results import published_for_projects
from grants.projects.models import Indicator, Project
from grants.replies.models import Reply


def public_overview() -> dict:
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    total_budget = db.session.scalar(select(func.coalesce(func.sum(Lot.budget), 0)))
    latest = db.session.scalars(select(Lot).order_by(Lot.year.desc(), Lot.id.desc()).limit(6)).all()
    return {
        "lot_count": count(Lot),
        "project_count": count(Project),
        "need_count": count(PublicNeed),
        "total_budget": total_budget,
        "latest_lots": latest,
    }


def panels_for(user) -> list[dict]:
    """One panel per role the user holds, each with counts and a to-do list."""
    panels = []
    if user.has_role("admin"):
        panels.append(_admin_panel())
    if user.has_role("ministry"):
        panels.append(_ministry_panel(user))
    if user.has_role("chair"):
        panels.append(_chair_panel(user))
    if user.has_role("member"):
        panels.append(_member_panel(user))
    if user.has_role("ngo"):
        panels.append(_ngo_panel(user))
    return panels


def _admin_panel() -> dict:
    count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
    inactive = db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(False)))
    single_level = [g for g in db.session.scalars(select(MonitoringGroup)).all() if not g.is_joint]
    todo = []
    if inactive:
        todo.append((_l("Deactivated accounts"), inactive, "accounts.users"))
    if single_level:
        todo.append(
            (_l("Groups drawn from one level of councils only"), len(single_level), "councils.groups")
        )
    return {
        "role": "admin",
        "title": _l("Administration"),
        "stats": [
            (_l("Users"), count(User), "accounts.users"),
            (_l("Organisations"), count(Organisation), "organisations.index"),
            (_l("Councils"), count(Council), "councils.index"),
            (_l("Monitoring groups"), count(MonitoringGroup), "councils.groups"),
        ],
        "todo": todo,
    }


def _ministry_panel(user) -> dict:
    org_id = user.organisation_id
    lots = select(Lot).where(Lot.administrator_id == org_id)
    lot_count = db.session.scalar(select(func.count()).select_from(lots.subquery()))
    without_need = db.session.scalar(
        select(func.count()).select_from(Lot).where(Lot.administrator_id == org_id, ~Lot.need_links.any())
    )
    projects_missing = db.session.scalar(
        select(func.count(func.distinct(Project.id)))
        .join(Lot)
        .join(Indicator)
        .where(Lot.administrator_id == org_id, Indicator.actual.is_(None))
    )
    in_review = db.session.scalar(
        select(func.count()).select_from(Evaluation).where(Evaluation.managed_by(user), Evaluation.in_review)
    )
    announced = db.session.scalar(
        select(func.count())
        .select_from(Lot)
        .where(Lot.administrator_id == org_id, Lot.status == LotStatus.announced)
    )
    return {
        "role": "ministry",
        "title": _l("My organisation's lots and projects"),
        "subtitle": user.organisation.name if user.organisation else "",
        "stats": [(_l("Lots"), lot_count, "lots.index")],
        "todo": [
            (_l("Evaluations waiting for my review"), in_review, "reports.queue"),
            (_l("Lots not linked to any public need"), without_need, "lots.index"),
            (_l("Projects with indicators lacking actual values"), projects_missing, "lots.index"),
            (_l("Announced lots awaiting a contract"), announced, "lots.index"),
        ],
        "org_id": org_id,
        "recent": db.session.scalars(lots.order_by(Lot.updated_at.desc()).limit(5)).all(),
    }


def _chair_panel(user) -> dict:
    groups = db.session.scalars(select(MonitoringGroup).where(MonitoringGroup.chair_id == user.id)).all()
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.chaired_by(user), Evaluation.with_group)
        .order_by(Evaluation.deadline)
    ).all()
    return {
        "role": "chair",
        "title": _l("Groups I chair"),
        "groups": groups,
        "evaluations": evaluations,
        "stats": [],
        "todo": [
            (
                _l("Evaluations to consolidate"),
                sum(not e.in_scoring for e in evaluations),
                "evaluations.queue",
            ),
            (
                _l("Evaluations still in scoring"),
                sum(e.in_scoring for e in evaluations),
                "evaluations.queue",
            ),
            (_l("NGO replies awaiting your ruling"), _pending_replies(groups), "evaluations.queue"),
        ],
    }


def _pending_replies(groups) -> int:
    return db.session.scalar(
        select(func.count(Reply.id))
        .join(Evaluation, Evaluation.id == Reply.evaluation_id)
        .where(Evaluation.group_id.in_([g.id for g in groups]), Reply.ruling.is_(None))
    )


def _member_panel(user) -> dict:
    groups = db.session.scalars(
        select(MonitoringGroup).join(GroupMember).where(GroupMember.user_id == user.id)
    ).all()
    open_evaluations = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.in_groups_of(user), Evaluation.in_scoring)
        .order_by(Evaluation.deadline)
    ).all()
    to_score = [e for e in open_evaluations if e.can_score(user)]
    return {
        "role": "member",
        "title": _l("My monitoring groups"),
        "groups": groups,
        "evaluations": to_score,
        "stats": [],
        "todo": [(_l("Evaluations waiting for my scorecard"), len(to_score), "evaluations.queue")],
    }


def _ngo_panel(user) -> dict:
    projects = db.session.scalars(
        select(Project).where(Project.ngo_id == user.organisation_id).order_by(Project.start_date.desc())
    ).all()
    missing = sum(1 for p in projects if any(i.actual is None for i in p.indicators))
    evaluations = published_for_projects(p.id for p in projects)
    return {
        "role": "ngo",
        "title": _l("My organisation's projects"),
        "subtitle": user.organisation.name if user.organisation else "",
        "projects": projects,
        "latest": {project_id: found[0] for project_id, found in evaluations.items()},
        "stats": [
            (_l("Projects"), len(projects), "portal.my_projects"),
            (
                _l("Published evaluations"),
                sum(len(found) for found in evaluations.values()),
                "portal.my_projects",
            ),
        ],
        "todo": [(_l("Projects with indicators lacking actual values"), missing, "portal.my_projects")],
    }
