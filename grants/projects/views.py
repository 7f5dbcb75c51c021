from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.core.errors import RuleViolation
from grants.core.permissions import load
from grants.extensions import db
from grants.lots.models import Lot, LotNeed
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.forms import ProjectForm
from grants.projects.models import Project
from grants.projects.operations import check_project, save_project

bp = Blueprint("projects", __name__)


# What the project's page reads of it, in one query (its few indicators and its lot's needs joined).
PROJECT_PAGE = (
    joinedload(Project.ngo),
    joinedload(Project.indicators),
    joinedload(Project.lot).joinedload(Lot.administrator),
    joinedload(Project.lot).joinedload(Lot.region),
    joinedload(Project.lot).joinedload(Lot.need_links).joinedload(LotNeed.need),
)


@bp.get("/projects/<int:project_id>")
def show(project_id: int):
    return render_template("projects/show.html", project=load(Project, project_id, options=PROJECT_PAGE))


@bp.route("/lots/<int:lot_id>/projects/new", methods=["GET", "POST"])
@login_required
def new(lot_id: int):
    lot = load(Lot, lot_id, "edit")
    return _edit(Project(lot_id=lot.id), lot, new=True)


@bp.route("/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id: int):
    project = load(Project, project_id, "edit")
    return _edit(project, project.lot, new=False)


def _edit(project: Project, lot: Lot, new: bool):
    form = ProjectForm(obj=None if new else project)
    form.ngo_id.choices = [(None, "—")] + [
        (o.id, f"{o.name} ({o.bin})")
        for o in db.session.scalars(
            select(Organisation)
            .where(Organisation.kind == OrganisationKind.ngo)
            .order_by(Organisation.name_ru)
        )
    ]
    if request.method == "GET" and not new:
        form.status.data = project.status.value
        while len(form.indicators) > 0:
            form.indicators.pop_entry()
        for ind in project.indicators:
            form.indicators.append_entry(
                {
                    "name_ru": ind.name_ru,
                    "name_kk": ind.name_kk,
                    "unit": ind.unit.value,
                    "baseline": ind.baseline,
                    "target": ind.target,
                    "actual": ind.actual,
                }
            )
        form.indicators.append_entry()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("indicators", "submit", "csrf_token")}
        data["contract_number"] = data["contract_number"].strip()
        try:
            check_project(project, lot, data)  # the same rules as the API's (grants/projects/operations.py)
        except RuleViolation as exc:
            for name, message in exc.fields.items():
                form[name].errors.append(message)
        else:
            save_project(project, data, form.indicator_rows())
            db.session.commit()
            flash(_("Project saved."), "success")
            return redirect(url_for("projects.show", project_id=project.id))
    title = _("New contract for lot %(number)s", number=lot.number) if new else project.contract_number
    back = url_for("lots.show", lot_id=lot.id) if new else url_for("projects.show", project_id=project.id)
    return render_template("projects/form.html", form=form, title=title, back=back, lot=lot)
