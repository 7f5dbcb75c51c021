"""Methodology pages: everyone reads the rubrics; administrators edit them (new version once used)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core.errors import RuleViolation
from grants.core.permissions import load
from grants.extensions import db
from grants.monitoring.forms import MethodologyForm
from grants.monitoring.methodologies import (
    is_latest,
    latest_version,
    methodologies_in_use,
    revise_methodology,
    version_history,
)
from grants.monitoring.models import Methodology

bp = Blueprint("methodologies", __name__, url_prefix="/methodologies")


@bp.get("/")
def index():
    rows = db.session.scalars(
        select(Methodology).order_by(Methodology.kind, Methodology.code, Methodology.version.desc())
    ).all()
    return render_template(
        "monitoring/methodologies/index.html", methodologies=rows, in_use=methodologies_in_use()
    )


@bp.get("/<int:methodology_id>")
def show(methodology_id: int):
    methodology = load(Methodology, methodology_id)
    return render_template(
        "monitoring/methodologies/show.html",
        methodology=methodology,
        history=version_history(methodology),
        in_use=methodology.in_use,
        latest=is_latest(methodology),
    )


@bp.route("/<int:methodology_id>/edit", methods=["GET", "POST"])
@login_required
def edit(methodology_id: int):
    methodology = load(Methodology, methodology_id, "edit")
    if not is_latest(methodology):
        flash(_("This version has been superseded: edit the latest version instead."), "warning")
        return redirect(url_for("methodologies.show", methodology_id=methodology.id))
    if request.method == "POST":
        form = MethodologyForm()
    else:
        form = MethodologyForm(data=MethodologyForm.initial_data(methodology))
        form.bands.append_entry()
        form.criteria.append_entry()
    status, problem, unplaced = 200, None, {}
    if form.validate_on_submit():
        data, rows = form.edit_data()
        try:
            saved = revise_methodology(methodology, data, current_user)
        except RuleViolation as exc:
            db.session.rollback()
            status, problem = exc.status, exc
            unplaced = _attach_errors(form, exc.fields, rows)
        else:
            db.session.commit()
            if saved.id != methodology.id:
                flash(
                    _(
                        "Saved as version %(v)s; version %(old)s stays as it was for the evaluations that used it.",
                        v=saved.version,
                        old=methodology.version,
                    ),
                    "success",
                )
            else:
                flash(_("Methodology saved."), "success")
            return redirect(url_for("methodologies.show", methodology_id=saved.id))
    elif request.method == "POST":
        status = 422
    return render_template(
        "monitoring/methodologies/form.html",
        form=form,
        methodology=methodology,
        in_use=methodology.in_use,
        next_version=latest_version(methodology.code) + 1,
        problem=problem,
        unplaced=unplaced,
    ), status


def _attach_errors(
    form: MethodologyForm, fields: dict[str, str], rows: dict[str, list[int]]
) -> dict[str, str]:
    """Show the operation's field messages next to the form fields; return those with no field."""
    unplaced = {}
    for key, message in fields.items():
        parts = key.split(".")
        target = None
        if (
            len(parts) == 3
            and parts[0] in rows
            and parts[1].isdigit()
            and int(parts[1]) < len(rows[parts[0]])
        ):
            entry = form[parts[0]][rows[parts[0]][int(parts[1])]]
            target = entry.form._fields.get(parts[2])
        elif len(parts) == 1 and parts[0] in form._fields and parts[0] not in rows:
            target = form[parts[0]]
        if target is None:
            unplaced[key] = message
        else:
            target.errors = [*target.errors, message]
    return unplaced
