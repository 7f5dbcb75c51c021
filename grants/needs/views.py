from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.audit.operations import record, snapshot
from grants.core.db import text_search
from grants.core.permissions import load, require_role
from grants.extensions import db
from grants.needs.forms import NeedForm
from grants.needs.models import NeedSource, Priority, PublicNeed
from grants.regions.models import Region

bp = Blueprint("needs", __name__, url_prefix="/needs")


@bp.get("/")
def index():
    query = select(PublicNeed).order_by(PublicNeed.year_raised.desc(), PublicNeed.id.desc())
    region = request.args.get("region")
    if region:
        query = query.join(Region, PublicNeed.region_id == Region.id).where(Region.kato == region)
    q = (request.args.get("q") or "").strip()[:200]
    if q:
        query = query.where(text_search((PublicNeed.title_ru, PublicNeed.title_kk, PublicNeed.title_en), q))
    page = db.paginate(query, per_page=current_app.config["PER_PAGE"], error_out=False)
    regions = db.session.scalars(select(Region).order_by(Region.name_ru)).all()
    return render_template("needs/index.html", page=page, regions=regions, q=q, region=region)


@bp.get("/<int:need_id>")
def show(need_id: int):
    return render_template("needs/show.html", need=load(PublicNeed, need_id))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require_role("ministry", "admin")
    return _edit(PublicNeed(organisation_id=current_user.organisation_id), new=True)


@bp.route("/<int:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    return _edit(load(PublicNeed, need_id, "edit"), new=False)


def _edit(need: PublicNeed, new: bool):
    form = NeedForm(obj=None if new else need)
    form.region_id.choices = [(None, "—")] + [
        (r.id, r.name) for r in db.session.scalars(select(Region).order_by(Region.name_ru))
    ]
    if request.method == "GET" and not new:
        form.source.data = need.source.value
        form.priority.data = need.priority.value
    if form.validate_on_submit():
        before = None if new else snapshot(need)
        form.populate_obj(need)
        need.source = NeedSource(form.source.data)
        need.priority = Priority(form.priority.data)
        if new:
            db.session.add(need)
        db.session.flush()
        record("need.create" if new else "need.update", need, before=before)
        db.session.commit()
        flash(_("Public need saved."), "success")
        return redirect(url_for("needs.show", need_id=need.id))
    title = _("New public need") if new else need.title
    return render_template("form.html", form=form, title=title, back=url_for("needs.index"))
