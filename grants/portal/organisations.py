"""The organisations' pages (blueprint "organisations", /organisations/...).

An organisation's page lists the lots it administers and the contracts it holds, which lie above
grants.organisations, so the pages live in the portal (docs/architecture.md, "Layers").
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from grants.audit.operations import record, snapshot
from grants.core.db import text_search
from grants.core.permissions import load, require_role
from grants.extensions import db
from grants.lots.models import Lot
from grants.organisations.forms import OrganisationForm
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project
from grants.regions.models import Region

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


@bp.get("/")
def index():
    query = select(Organisation).order_by(Organisation.name_ru)
    kind = request.args.get("kind")
    if kind in {k.value for k in OrganisationKind}:
        query = query.where(Organisation.kind == OrganisationKind(kind))
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        query = query.where(
            text_search(
                (Organisation.name_ru, Organisation.name_kk, Organisation.name_en, Organisation.bin), q
            )
        )
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template(
        "organisations/index.html", page=page, kind=kind, q=q, kinds=list(OrganisationKind)
    )


@bp.get("/<int:org_id>")
def show(org_id: int):
    org = load(Organisation, org_id)
    lots = db.session.scalars(
        select(Lot).where(Lot.administrator_id == org.id).order_by(Lot.year.desc()).limit(50)
    ).all()
    projects = db.session.scalars(
        select(Project).where(Project.ngo_id == org.id).order_by(Project.start_date.desc())
    ).all()
    return render_template("organisations/show.html", org=org, lots=lots, projects=projects)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require_role("admin")
    return _edit(Organisation(), new=True)


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@login_required
def edit(org_id: int):
    return _edit(load(Organisation, org_id, "edit"), new=False)


def _edit(org: Organisation, new: bool):
    form = OrganisationForm(obj=None if new else org)
    form.region_id.choices = [(None, "—")] + [
        (r.id, r.name) for r in db.session.scalars(select(Region).order_by(Region.name_ru))
    ]
    if request.method == "GET" and not new:
        form.kind.data = org.kind.value
    if form.validate_on_submit():
        clash = db.session.scalar(
            select(Organisation).where(Organisation.bin == form.bin.data, Organisation.id != org.id)
        )
        if clash is not None:
            form.bin.errors.append(_("An organisation with this BIN already exists."))
        else:
            before = None if new else snapshot(org)
            form.populate_obj(org)
            org.kind = OrganisationKind(form.kind.data)
            if new:
                db.session.add(org)
            db.session.flush()
            record("organisation.create" if new else "organisation.update", org, before=before)
            db.session.commit()
            flash(_("Organisation saved."), "success")
            return redirect(url_for("organisations.show", org_id=org.id))
    title = _("New organisation") if new else org.name
    return render_template("form.html", form=form, title=title, back=url_for("organisations.index"))
