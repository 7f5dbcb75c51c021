from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core.permissions import load, require_role
from grants.councils.forms import CouncilForm, GroupForm
from grants.councils.models import Council, CouncilLevel, MonitoringGroup
from grants.councils.operations import member_candidates, save_council, save_group
from grants.extensions import db
from grants.organisations.models import Organisation, OrganisationKind
from grants.regions.models import Region

bp = Blueprint("councils", __name__)


def _government_choices():
    return [(None, "—")] + [
        (o.id, o.name)
        for o in db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.government)
            .order_by(Organisation.name_ru)
        )
    ]


@bp.get("/councils/")
def index():
    councils = db.session.scalars(select(Council).order_by(Council.level.desc(), Council.name_ru)).all()
    return render_template("councils/index.html", councils=councils)


@bp.get("/councils/<int:council_id>")
def show(council_id: int):
    council = load(Council, council_id)
    groups = db.session.scalars(
        select(MonitoringGroup).where(MonitoringGroup.councils.any(Council.id == council.id))
    ).all()
    return render_template("councils/show.html", council=council, groups=groups)


@bp.route("/councils/new", methods=["GET", "POST"])
@login_required
def new():
    require_role("admin")
    return _edit_council(Council(), new=True)


@bp.route("/councils/<int:council_id>/edit", methods=["GET", "POST"])
@login_required
def edit(council_id: int):
    return _edit_council(load(Council, council_id, "edit"), new=False)


def _edit_council(council: Council, new: bool):
    form = CouncilForm(obj=None if new else council)
    form.body_id.choices = _government_choices()
    form.region_id.choices = [(None, "—")] + [
        (r.id, r.name) for r in db.session.scalars(select(Region).order_by(Region.name_ru))
    ]
    form.members.choices = [(u.id, u.full_name) for u in member_candidates()]
    if request.method == "GET" and not new:
        form.level.data = council.level.value
        form.members.data = [m.user_id for m in council.memberships]
    if form.validate_on_submit():
        data = dict(form.data, level=CouncilLevel(form.level.data))
        save_council(council, data, form.members.data or [])
        db.session.commit()
        flash(_("Council saved."), "success")
        return redirect(url_for("councils.show", council_id=council.id))
    title = _("New council") if new else council.name
    return render_template("form.html", form=form, title=title, back=url_for("councils.index"))


@bp.get("/groups/")
def groups():
    rows = db.session.scalars(select(MonitoringGroup).order_by(MonitoringGroup.name_ru)).all()
    return render_template("councils/groups.html", groups=rows)


@bp.get("/groups/<int:group_id>")
def group(group_id: int):
    return render_template("councils/group.html", group=load(MonitoringGroup, group_id))


@bp.route("/groups/new", methods=["GET", "POST"])
@login_required
def group_new():
    require_role("admin", "ministry")
    if not current_user.has_role("admin") and current_user.organisation_id is None:
        abort(403)
    organiser = None if current_user.has_role("admin") else current_user.organisation_id
    return _edit_group(MonitoringGroup(organiser_id=organiser), new=True)


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@login_required
def group_edit(group_id: int):
    return _edit_group(load(MonitoringGroup, group_id, "edit"), new=False)


def _edit_group(group: MonitoringGroup, new: bool):
    form = GroupForm(obj=None if new else group)
    people = member_candidates()
    form.members.choices = [(u.id, u.full_name) for u in people]
    form.chair_id.choices = [(None, "—")] + [(u.id, u.full_name) for u in people]
    form.councils.choices = [
        (c.id, f"{c.name} ({c.level.title})")
        for c in db.session.scalars(select(Council).order_by(Council.name_ru))
    ]
    form.organiser_id.choices = _government_choices()
    if not current_user.has_role("admin"):
        # Ministry staff organise groups for their own body only.
        form.organiser_id.choices = [(current_user.organisation_id, current_user.organisation.name)]
        form.organiser_id.data = current_user.organisation_id
    if request.method == "GET" and not new:
        form.members.data = [m.user_id for m in group.memberships]
        form.councils.data = [c.id for c in group.councils]
    if form.validate_on_submit():
        save_group(group, form.data, form.councils.data or [], form.members.data or [])
        db.session.commit()
        if not group.is_joint:
            flash(_("Note: this group is drawn from councils of one level only."), "warning")
        flash(_("Monitoring group saved."), "success")
        return redirect(url_for("councils.group", group_id=group.id))
    title = _("New monitoring group") if new else group.name
    return render_template("form.html", form=form, title=title, back=url_for("councils.groups"))
