"""What each person sees first: the things they have to do, by role."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from grants.accounts.models import User
from grants.cooperation import recommendations as recommendation_ops
from grants.core.cache import FigureCache
from grants.core.db import current_language
from grants.core.errors import today_local
from grants.councils.models import Council, GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus
from grants.monitoring.models import Evaluation
from grants.monitoring.results import evaluation_result
from grants.needs.models import PublicNeed
from grants.organisations.models import Organisation
from grants.portal.results import published_for_projects
from grants.projects.models import Indicator, Project
from grants.replies.models import Reply
from grants.replies.operations import can_reply
from grants.replies.window import reply_deadline
from grants.scoring.models import Scorecard

# What a task line reads of each evaluation (its progress, subject and group), loaded in a few
# queries for the whole list instead of several per evaluation.
TASK_LOADING = (
    selectinload(Evaluation.scorecards).selectinload(Scorecard.scores),
    selectinload(Evaluation.group).selectinload(MonitoringGroup.memberships),
    selectinload(Evaluation.methodology),
    selectinload(Evaluation.lot),
    selectinload(Evaluation.project),
)


# The public home page's totals and latest lots (docs/performance.md#cached-totals): computed once per
# change of lots, projects or needs, per language, not on every request.
OVERVIEW = FigureCache("home", ("lots", "projects", "public_needs"), size=8)


@dataclass(frozen=True)
class LatestLot:
    id: int
    title: str
    budget: Decimal


def public_overview() -> dict:
    lang = current_language()
    return dict(OVERVIEW.get(db.session, lang, lambda: _overview(lang)))


def _overview(lang: str) -> tuple:
    """The totals in one query, the six latest lots in another (as plain values: the cache outlives the
    session)."""
    count = lambda model: select(func.count()).select_from(model).scalar_subquery()  # noqa: E731
    lots, projects, needs, budget = db.session.execute(
        select(
            count(Lot),
            count(Project),
            count(PublicNeed),
            select(func.coalesce(func.sum(Lot.budget), 0)).scalar_subquery(),
        )
    ).one()
    latest = db.session.scalars(select(Lot).order_by(Lot.year.desc(), Lot.id.desc()).limit(6)).all()
    return tuple(
        {
            "lot_count": lots,
            "project_count": projects,
            "need_count": needs,
            "total_budget": budget,
            "latest_lots": tuple(
                LatestLot(lot.id, lot.localized("title", lang), lot.budget) for lot in latest
            ),
        }.items()
    )


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
    _add_recommendations(user, panels)
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
    tasks = []
    for e in db.session.scalars(
        select(Evaluation)
        .where(Evaluation.managed_by(user), Evaluation.in_review | Evaluation.is_accepted)
        .order_by(Evaluation.deadline, Evaluation.id)
    ):
        url = url_for("reports.show", evaluation_id=e.id)
        if e.in_review:
            tasks.append(
                _task(_("Review the assessment"), _subject(e), url, deadline=e.campaign.review_deadline)
            )
        else:
            tasks.append(_task(_("Accepted: publish the result"), _subject(e), url))
    return {
        "role": "ministry",
        "tasks": _ordered(tasks),
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


def _progress(evaluation: Evaluation) -> str:
    """'3/4 submitted, quorum reached': the group's scorecards against its members and the quorum."""
    result = evaluation_result(evaluation)
    members = len(evaluation.group.memberships)
    submitted = _("%(submitted)s/%(members)s submitted", submitted=result.submitted, members=members)
    if result.quorum_met:
        return _("%(progress)s, quorum reached", progress=submitted)
    return _("%(progress)s, quorum %(quorum)s", progress=submitted, quorum=result.quorum)


def _task(label, subject, url, *, deadline=None, detail="", done=False) -> dict:
    """One line of a to-do list: what to do, on what, the exact link, its deadline and progress."""
    today = today_local()
    return {
        "label": label,
        "subject": subject,
        "url": url,
        "deadline": deadline,
        "overdue": bool(deadline and not done and deadline < today),
        "detail": detail,
        "done": done,
    }


def _ordered(tasks: list[dict]) -> list[dict]:
    """Open tasks first, the most urgent deadline first; finished ones after them."""
    return sorted(tasks, key=lambda t: (t["done"], t["deadline"] is None, t["deadline"] or date.max))


def _subject(evaluation: Evaluation) -> str:
    """The evaluated project's contract number or the lot's number/year, then its title."""
    if evaluation.project is not None:
        return f"{evaluation.project.contract_number} — {evaluation.title}"
    return f"{evaluation.lot.number}/{evaluation.lot.year} — {evaluation.title}"


def _chair_panel(user) -> dict:
    groups = db.session.scalars(select(MonitoringGroup).where(MonitoringGroup.chair_id == user.id)).all()
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.chaired_by(user), ~Evaluation.is_draft)
        .options(*TASK_LOADING)
        .order_by(Evaluation.deadline, Evaluation.id)
    ).all()
    waiting = _pending_replies(groups)
    tasks = []
    for e in evaluations:
        subject = _subject(e)
        if waiting.get(e.id):
            tasks.append(
                _task(
                    _("NGO replies waiting for your ruling: %(n)s", n=waiting[e.id]),
                    subject,
                    url_for("replies.evaluation_replies", evaluation_id=e.id) + "#replies",
                )
            )
        if e.in_scoring:
            tasks.append(
                _task(
                    _("Scoring in progress"),
                    subject,
                    url_for("evaluations.show", evaluation_id=e.id),
                    deadline=e.deadline,
                    detail=_progress(e),
                )
            )
        elif e.awaits_consolidation:
            tasks.append(
                _task(
                    _("Returned by the ministry: consolidate again")
                    if e.is_returned
                    else _("Consolidate the group's assessment"),
                    subject,
                    url_for("evaluations.consolidate", evaluation_id=e.id),
                    deadline=e.campaign.review_deadline,
                    detail=_progress(e),
                )
            )
        else:
            tasks.append(
                _task(e.state.title, subject, url_for("evaluations.show", evaluation_id=e.id), done=True)
            )
    return {
        "role": "chair",
        "title": _l("Groups I chair"),
        "groups": groups,
        "stats": [],
        "todo": [
            (
                _l("Evaluations to consolidate"),
                sum(bool(e.awaits_consolidation) for e in evaluations),
                "evaluations.queue",
            ),
            (
                _l("Evaluations still in scoring"),
                sum(bool(e.in_scoring) for e in evaluations),
                "evaluations.queue",
            ),
            # the tasks below name each evaluation and link to its replies page
            (_l("NGO replies awaiting your ruling"), sum(waiting.values()), "#tasks-chair"),
        ],
        "tasks": _ordered(tasks),
    }


def _pending_replies(groups) -> dict[int, int]:
    """Evaluation id → number of its NGO replies still without the chair's ruling."""
    if not groups:
        return {}
    rows = db.session.execute(
        select(Reply.evaluation_id, func.count(Reply.id))
        .join(Evaluation, Evaluation.id == Reply.evaluation_id)
        .where(Evaluation.group_id.in_([g.id for g in groups]), Reply.ruling.is_(None))
        .group_by(Reply.evaluation_id)
    ).all()
    return {evaluation_id: n for evaluation_id, n in rows}


def _member_panel(user) -> dict:
    groups = db.session.scalars(
        select(MonitoringGroup).join(GroupMember).where(GroupMember.user_id == user.id)
    ).all()
    in_scoring = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.in_groups_of(user), Evaluation.in_scoring)
        .options(*TASK_LOADING)
        .order_by(Evaluation.deadline, Evaluation.id)
    ).all()
    tasks = []
    for e in in_scoring:
        card = e.scorecard_of(user)
        url = url_for("evaluations.show", evaluation_id=e.id)
        if e.can_score(user):
            label = _("Continue your scorecard") if card and card.scores else _("Fill in your scorecard")
            tasks.append(_task(label, _subject(e), url, deadline=e.deadline, detail=_progress(e)))
        elif e.is_recused(user):
            tasks.append(_task(_("You stepped aside (conflict of interest)"), _subject(e), url, done=True))
        elif card and card.submitted_at:
            tasks.append(
                _task(_("Your scorecard is submitted"), _subject(e), url, detail=_progress(e), done=True)
            )
        else:
            tasks.append(_task(_("Scoring closed for you"), _subject(e), url, detail=_progress(e), done=True))
    open_count = sum(not t["done"] for t in tasks)
    return {
        "role": "member",
        "title": _l("My monitoring groups"),
        "groups": groups,
        "stats": [],
        "todo": [(_l("Evaluations waiting for my scorecard"), open_count, "evaluations.queue")],
        "tasks": _ordered(tasks),
    }


def _ngo_panel(user) -> dict:
    projects = db.session.scalars(
        select(Project).where(Project.ngo_id == user.organisation_id).order_by(Project.start_date.desc())
    ).all()
    evaluations = published_for_projects(p.id for p in projects)
    # Indicator values are kept by the lot's administrator (Project.can_edit), not by the NGO: the
    # NGO's work here is to answer the published evaluations of its projects while the window is open.
    tasks = []
    for found in evaluations.values():
        for e in found:
            url = url_for("replies.evaluation_replies", evaluation_id=e.id)
            deadline = reply_deadline(e)
            if can_reply(e, user):
                tasks.append(_task(_("You may reply to the assessment"), _subject(e), url, deadline=deadline))
            else:
                tasks.append(_task(_("Published assessment"), _subject(e), url, done=True))
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
        "todo": [],
        "tasks": _ordered(tasks),
    }


def _short(text: str) -> str:
    return text if len(text) <= 160 else text[:159] + "…"


def _recommendation_task(rec, label, url, **kwargs) -> dict:
    task = _task(label, _short(rec.text), url, **kwargs)
    task["recommendation_id"] = rec.id
    return task


def _answer_tasks(user) -> list[dict]:
    """For the addressee's officials and NGO users: the recommendations to answer, due (or overdue) first."""
    return [
        _recommendation_task(
            rec,
            _("Answer the recommendation of %(council)s", council=rec.council.name),
            url_for("recommendations.show", rec_id=rec.id) + "#response",
            deadline=rec.due_date,
        )
        for rec in recommendation_ops.to_answer(user)
    ]


def _keeper_tasks(user) -> list[dict]:
    """For the chair and the secretary of councils: overdue recommendations and responses to assess."""
    kept = recommendation_ops.kept_waiting(user, today_local())
    tasks = [
        _recommendation_task(
            rec,
            _("No response from %(addressee)s", addressee=rec.addressee.name),
            url_for("recommendations.show", rec_id=rec.id),
            deadline=rec.due_date,
            detail=rec.council.name,
        )
        for rec in kept["overdue"]
    ]
    tasks += [
        _recommendation_task(
            rec,
            _("Assess the response of %(addressee)s", addressee=rec.addressee.name),
            url_for("recommendations.show", rec_id=rec.id) + "#assessment",
            detail=rec.council.name,
        )
        for rec in kept["to_assess"]
    ]
    return tasks


def _add_recommendations(user, panels: list[dict]) -> None:
    """Recommendations waiting for this person (docs/cooperation.md#recommendations), in the panel of the
    role that answers or keeps them: the NGO's panel or an official's own; the secretary's own panel, or
    the chair's (administrator's) for a council chair."""
    by_role = {panel["role"]: panel for panel in panels}
    answer = _answer_tasks(user)
    if answer:
        if "ngo" in by_role:
            _extend(by_role["ngo"], answer)
        else:
            by_role["official"] = _own_panel(
                panels, "official", _l("Recommendations to answer"), user.organisation
            )
            _extend(by_role["official"], answer)
    elif user.has_role("official") and "official" not in by_role:
        by_role["official"] = _own_panel(
            panels, "official", _l("Recommendations to answer"), user.organisation
        )
    keep = _keeper_tasks(user)
    if user.has_role("secretary"):
        by_role["secretary"] = _own_panel(panels, "secretary", _l("Councils I keep"), None)
        _extend(by_role["secretary"], keep)
    elif keep:
        for role in ("chair", "admin", "official", "ngo", "ministry", "member"):
            if role in by_role:
                _extend(by_role[role], keep)
                break
        else:
            _extend(_own_panel(panels, "recommendations", _l("Recommendations"), None), keep)


def _own_panel(panels: list[dict], role: str, title, organisation) -> dict:
    panel = {
        "role": role,
        "title": title,
        "subtitle": organisation.name if organisation is not None else "",
        "stats": [],
        "todo": [],
        "tasks": [],
    }
    panels.append(panel)
    return panel


def _extend(panel: dict, tasks: list[dict]) -> None:
    panel["tasks"] = _ordered([*panel.get("tasks", []), *tasks])
    panel["recommendations"] = True
