"""Campaign pages: ministry staff of the organiser set up a round, assign subjects to groups and start it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from grants.accounts.models import User
from grants.core.errors import RuleViolation
from grants.core.permissions import load, require_role
from grants.councils.models import MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus, Sphere
from grants.lots.operations import LotFilters
from grants.monitoring.forms import AssignByFilterForm, AssignFileForm, AssignOneForm, CampaignForm
from grants.monitoring.models import (
    Campaign,
    CampaignStatus,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
)
from grants.monitoring.operations import (
    assign,
    assign_by_filter,
    save_campaign,
    start_campaign,
)
from grants.monitoring.results import campaign_agreement, submitted_counts
from grants.projects.models import Project
from grants.regions.models import Region

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")

# --- list -------------------------------------------------------------------------------------


def _visible_campaigns(user):
    """The campaigns user may view (Campaign.visible_to, the SQL form of Campaign.can_view)."""
    return (
        select(Campaign)
        .options(selectinload(Campaign.organiser))
        .where(Campaign.visible_to(user))
        .order_by(Campaign.period_start.desc(), Campaign.id.desc())
    )


@bp.get("/")
@login_required
def index():
    campaigns = db.session.scalars(_visible_campaigns(current_user)).all()
    counts: dict[int, dict[EvaluationState, int]] = {}
    if campaigns:
        rows = db.session.execute(
            select(Evaluation.campaign_id, Evaluation.state, func.count())
            # the same evaluations the campaign page lists to this user
            .where(Evaluation.campaign_id.in_([c.id for c in campaigns]), Evaluation.visible_to(current_user))
            .group_by(Evaluation.campaign_id, Evaluation.state)
        )
        for campaign_id, state, n in rows:
            counts.setdefault(campaign_id, {})[state] = n
    can_create = current_user.has_role("ministry") and current_user.organisation_id is not None
    return render_template(
        "monitoring/campaigns/index.html",
        campaigns=campaigns,
        counts=counts,
        states=list(EvaluationState),
        can_create=can_create,
    )


# --- create and edit --------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require_role("ministry")
    if current_user.organisation_id is None:
        abort(403)
    return _edit(Campaign(), new=True)


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@login_required
def edit(campaign_id: int):
    return _edit(load(Campaign, campaign_id, "edit"), new=False)


def _methodology_choices(kind: SubjectKind, current: Methodology | None):
    """Active versions of the kind, and the campaign's current one even if superseded since."""
    rows = list(
        db.session.scalars(
            select(Methodology)
            .where(Methodology.kind == kind, Methodology.active.is_(True))
            .order_by(Methodology.code)
        )
    )
    if current is not None and current not in rows:
        rows.append(current)
    choices = [(None, "—")]
    for m in rows:
        label = f"{m.name} ({m.code}, " + _("version %(v)s", v=m.version) + ")"
        if not m.active:
            label += " — " + _("superseded")
        choices.append((m.id, label))
    return choices


def _edit(campaign: Campaign, new: bool):
    form = CampaignForm(obj=None if new else campaign)
    form.project_methodology_id.choices = _methodology_choices(
        SubjectKind.project, campaign.project_methodology
    )
    form.lot_methodology_id.choices = _methodology_choices(SubjectKind.lot, campaign.lot_methodology)
    groups = db.session.scalars(select(MonitoringGroup).order_by(MonitoringGroup.name_ru)).all()
    form.group_ids.choices = [
        (g.id, g.name + (f" ({g.organiser.name})" if g.organiser else "")) for g in groups
    ]
    if not new:
        form.locked_groups = {e.group_id: e.group.name for e in campaign.evaluations}
        if request.method == "GET":
            form.group_ids.data = [g.id for g in campaign.groups]
    status, problem = 200, None
    if form.validate_on_submit():
        try:
            save_campaign(campaign, form.campaign_data(), form.group_ids.data or [], current_user)
        except RuleViolation as exc:
            db.session.rollback()
            status, problem = exc.status, exc
        else:
            db.session.commit()
            flash(_("Campaign saved."), "success")
            return redirect(url_for("campaigns.show", campaign_id=campaign.id))
    elif request.method == "POST":
        status = 422
    title = _("New campaign") if new else _("Edit campaign: %(name)s", name=campaign.name)
    back = url_for("campaigns.index") if new else url_for("campaigns.show", campaign_id=campaign.id)
    return render_template(
        "monitoring/campaigns/form.html", form=form, title=title, back=back, problem=problem
    ), status


# --- the campaign page ------------------------------------------------------------------------


def _subject_choices(campaign: Campaign) -> dict:
    """The organiser's projects and lots, grouped by kind, for the one-by-one assignment."""
    projects = db.session.scalars(
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Lot.administrator_id == campaign.organiser_id)
        .options(selectinload(Project.lot))
        .order_by(Lot.year.desc(), Project.contract_number)
    ).all()
    lots = db.session.scalars(
        select(Lot).where(Lot.administrator_id == campaign.organiser_id).order_by(Lot.year.desc(), Lot.number)
    ).all()
    taken = {e.subject_key for e in campaign.evaluations}
    mark = " · " + _("assigned")

    def label(key: str, text: str) -> str:
        return text + (mark if key in taken else "")

    return {
        _("Projects"): [
            (f"project:{p.id}", label(f"project:{p.id}", f"{p.contract_number} — {p.title}"))
            for p in projects
        ],
        _("Lots"): [
            (f"lot:{lot.id}", label(f"lot:{lot.id}", f"{lot.number}/{lot.year} — {lot.title}"))
            for lot in lots
        ],
    }


def _tools(campaign: Campaign, posted: str | None = None) -> dict:
    """The assignment forms; only the posted one reads the request (a file is posted to the imports)."""
    group_choices = [(None, "—")] + [(g.id, g.name) for g in campaign.groups]

    def build(cls, name):
        return cls(prefix=name) if name == posted else cls(prefix=name, formdata=None)

    one = build(AssignOneForm, "one")
    one.group_id.choices = group_choices
    one.subject.choices = _subject_choices(campaign)

    by_filter = build(AssignByFilterForm, "filter")
    by_filter.group_id.choices = group_choices
    years = db.session.scalars(
        select(Lot.year)
        .where(Lot.administrator_id == campaign.organiser_id)
        .distinct()
        .order_by(Lot.year.desc())
    ).all()
    by_filter.year.choices = [(None, _("All"))] + [(y, str(y)) for y in years]
    by_filter.region.choices = [("", _("All"))] + [
        (r.kato, r.name) for r in db.session.scalars(select(Region).order_by(Region.name_ru))
    ]
    by_filter.sphere.choices = [("", _("All"))] + [
        (s.code, s.name) for s in db.session.scalars(select(Sphere).order_by(Sphere.name_ru))
    ]

    upload = build(AssignFileForm, "assign")
    return {"one": one, "filter": by_filter, "file": upload}


def _visible_evaluations(campaign: Campaign) -> list[Evaluation]:
    """The campaign's evaluations user may view (Evaluation.visible_to): managers and admins see every
    one, group members and chairs their own groups'."""
    query = (
        select(Evaluation)
        .where(Evaluation.campaign_id == campaign.id, Evaluation.visible_to(current_user))
        .options(
            joinedload(Evaluation.project),  # its lot is the evaluation's, loaded with it
            joinedload(Evaluation.lot),
            joinedload(Evaluation.group).selectinload(MonitoringGroup.memberships),
        )
        .order_by(Evaluation.group_id, Evaluation.kind, Evaluation.id)
    )
    return list(db.session.scalars(query))


def _render_show(
    campaign: Campaign,
    tools: dict | None = None,
    problem: RuleViolation | None = None,
    tool: str | None = None,
    status: int = 200,
):
    evaluations = _visible_evaluations(campaign)
    manager = campaign.can_edit(current_user)
    if manager and tools is None:
        tools = _tools(campaign)
    return render_template(
        "monitoring/campaigns/show.html",
        campaign=campaign,
        evaluations=evaluations,
        submitted=submitted_counts(evaluations),
        manager=manager,
        can_assign=manager and campaign.status != CampaignStatus.closed,
        tools=tools,
        problem=problem,
        problem_items=sorted(problem.fields.items()) if problem else [],
        tool=tool,
        agreement=campaign_agreement(campaign.id),
    ), status


# What the campaign's page reads of it beside its evaluations, in four queries. A chair is named only:
# the roles and affiliations every account loads with it are left to load if ever asked for.
CAMPAIGN_PAGE = (
    joinedload(Campaign.organiser),
    joinedload(Campaign.project_methodology),
    joinedload(Campaign.lot_methodology),
    selectinload(Campaign.groups).options(
        joinedload(MonitoringGroup.chair).options(lazyload(User.role_rows), lazyload(User.affiliations)),
        selectinload(MonitoringGroup.memberships),
        selectinload(MonitoringGroup.councils),  # is_joint: the levels of its councils
    ),
)


@bp.get("/<int:campaign_id>")
@login_required
def show(campaign_id: int):
    return _render_show(load(Campaign, campaign_id, options=CAMPAIGN_PAGE))


@bp.post("/<int:campaign_id>/start")
@login_required
def start(campaign_id: int):
    campaign = load(Campaign, campaign_id, "edit")
    try:
        start_campaign(campaign, current_user)
    except RuleViolation as exc:
        db.session.rollback()
        return _render_show(campaign, problem=exc, tool="start", status=exc.status)
    opened = sum(1 for e in campaign.evaluations if e.state == EvaluationState.scoring)
    db.session.commit()
    flash(
        ngettext(
            "The campaign has started: %(num)s evaluation is open for scoring.",
            "The campaign has started: %(num)s evaluations are open for scoring.",
            opened,
        ),
        "success",
    )
    return redirect(url_for("campaigns.show", campaign_id=campaign.id))


# --- assignments ------------------------------------------------------------------------------


def _assigned(campaign: Campaign, n: int):
    db.session.commit()
    if n:
        flash(ngettext("%(num)s evaluation assigned.", "%(num)s evaluations assigned.", n), "success")
    else:
        flash(_("Nothing new to assign: every matching subject is already in the campaign."), "warning")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id) + "#evaluations")


def _failed(campaign: Campaign, tools: dict, tool: str, exc: RuleViolation):
    db.session.rollback()
    return _render_show(campaign, tools=tools, problem=exc, tool=tool, status=exc.status)


@bp.post("/<int:campaign_id>/assign")
@login_required
def assign_one(campaign_id: int):
    campaign = load(Campaign, campaign_id, "edit")
    tools = _tools(campaign, posted="one")
    form = tools["one"]
    if not form.validate_on_submit():
        return _render_show(campaign, tools=tools, tool="one", status=422)
    kind, ident = form.subject_key()
    subject = db.session.get(Project if kind == SubjectKind.project else Lot, ident)
    group = db.session.get(MonitoringGroup, form.group_id.data)
    if subject is None or group is None:
        abort(404)
    try:
        assign(campaign, group, subject, current_user)
    except RuleViolation as exc:
        if "group" in exc.fields:
            form.group_id.errors = [*form.group_id.errors, exc.fields["group"]]
        return _failed(campaign, tools, "one", exc)
    return _assigned(campaign, 1)


@bp.post("/<int:campaign_id>/assign-filter")
@login_required
def assign_filtered(campaign_id: int):
    campaign = load(Campaign, campaign_id, "edit")
    tools = _tools(campaign, posted="filter")
    form = tools["filter"]
    if not form.validate_on_submit():
        return _render_show(campaign, tools=tools, tool="filter", status=422)
    group = db.session.get(MonitoringGroup, form.group_id.data)
    if group is None:
        abort(404)
    filters = LotFilters(
        year=form.year.data,
        region=form.region.data or None,
        sphere=form.sphere.data or None,
        status=form.status.data if form.status.data in {s.value for s in LotStatus} else None,
    )
    try:
        created = assign_by_filter(campaign, group, SubjectKind(form.kind.data), filters, current_user)
    except RuleViolation as exc:
        return _failed(campaign, tools, "filter", exc)
    return _assigned(campaign, len(created))
