"""Administrators' list of reports still without their PDF, with a retry for failed renders
(docs/operations.md, "Reports after commit")."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from grants.core.permissions import MAX_ID, require_role
from grants.reports import rendering

bp = Blueprint("report_renders", __name__, url_prefix="/admin/reports")


@bp.before_request
@login_required
def _admins_only():
    require_role("admin")


@bp.get("/")
def index():
    return render_template("reports/renders.html", reports=rendering.unfinished())


@bp.post("/<int:report_id>/retry")
def retry(report_id: int):
    if report_id > MAX_ID:
        abort(404)
    if rendering.retry(report_id, current_user):
        flash(_("The report is being prepared again."), "success")
    else:
        flash(_("Only a report whose rendering failed can be retried."), "warning")
    return redirect(url_for("report_renders.index"))
