"""Upload pages for lot and project imports (ministry staff and admins), and for a campaign's
assignments from a file (its managers).

Upload → the file is validated and a preview (or the table of errors) is shown; nothing is
saved. The uploaded bytes wait under instance/imports/ for the "confirm import" POST, which
claims them (one confirm of concurrent ones applies, the others answer 409: grants/imports/staging.py),
validates them again and imports every row in one transaction; the file goes after the commit.
"""

import csv
import io

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grants.core.permissions import load, require_role
from grants.extensions import db
from grants.imports import staging
from grants.imports.assignments import (
    ASSIGNMENT_COLUMNS,
    KIND_WORDS,
    apply_assignments,
    staging_kind,
    validate_assignments,
)
from grants.imports.common import ImportResult
from grants.imports.forms import ConfirmForm, UploadForm
from grants.imports.lots import LOT_COLUMNS, apply_lots, validate_lots
from grants.imports.parse import max_bytes, too_large
from grants.imports.projects import PROJECT_COLUMNS, apply_projects, validate_projects
from grants.lots.models import Lot
from grants.monitoring.forms import AssignFileForm
from grants.monitoring.models import Campaign, SubjectKind
from grants.projects.models import Project

bp = Blueprint("imports", __name__, url_prefix="/imports")

KINDS = {
    "lots": {"validate": validate_lots, "apply": apply_lots, "columns": LOT_COLUMNS},
    "projects": {"validate": validate_projects, "apply": apply_projects, "columns": PROJECT_COLUMNS},
}


def _require_importer() -> None:
    require_role("ministry", "admin")
    if not current_user.has_role("admin") and current_user.organisation_id is None:
        abort(403)  # ministry staff import for their own organisation only


def _titles(kind: str) -> dict:
    if kind == "lots":
        return {"title": _("Import lots"), "back": url_for("lots.index")}
    return {"title": _("Import projects"), "back": url_for("lots.index")}


def _page(kind: str, form, result: ImportResult | None = None, confirm=None, status: int = 200):
    return (
        render_template(
            "imports/upload.html",
            kind=kind,
            form=form,
            result=result,
            confirm=confirm,
            columns=KINDS[kind]["columns"],
            limit_mb=max(1, max_bytes() // (1024 * 1024)),
            **_titles(kind),
        ),
        status,
    )


def _upload(kind: str):
    _require_importer()
    form = UploadForm()
    if not form.validate_on_submit():
        return _page(kind, form, status=422 if form.is_submitted() else 200)
    limit = max_bytes()
    content = form.file.data.read(limit + 1)
    if len(content) > limit:
        result = ImportResult(kind, errors=too_large().errors)
    else:
        result = KINDS[kind]["validate"](content, current_user)
    if not result.ok:
        return _page(kind, form, result, status=422)
    confirm = ConfirmForm(token=staging.store(kind, current_user.id, content))
    return _page(kind, UploadForm(formdata=None), result, confirm)


def _confirm(kind: str):
    _require_importer()
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    claim = staging.claim(kind, current_user.id, form.token.data)
    if claim.status == staging.MISSING:
        flash(_("The uploaded file is no longer available: upload it again."), "warning")
        return redirect(url_for(f"imports.{kind}"))
    if claim.status != staging.FREE:
        if claim.status == staging.APPLIED:
            flash(_("This file has already been imported."), "info")
        else:
            flash(_("This file is being imported right now (the button was pressed twice?)."), "info")
        return _page(kind, UploadForm(formdata=None), status=409)
    try:
        result = KINDS[kind]["validate"](claim.content, current_user)
        if not result.ok:  # the data changed since the preview
            claim.discard()
            return _page(kind, UploadForm(formdata=None), result, status=422)
        KINDS[kind]["apply"](result, actor=current_user)
        db.session.commit()
    except IntegrityError:
        # another import created the same lot or project meanwhile (uq_lots_number_year ...): nothing of
        # this one was stored; the file is kept so that a retry validates it against what is there now
        db.session.rollback()
        claim.release()
        flash(
            _(
                "Another import changed the same records at the same time. Nothing was imported: confirm again."
            ),
            "warning",
        )
        result = KINDS[kind]["validate"](claim.content, current_user)  # the preview as things are now
        confirm = ConfirmForm(token=form.token.data) if result.ok else None
        return _page(kind, UploadForm(formdata=None), result, confirm=confirm, status=409)
    except BaseException:
        claim.release()
        raise
    claim.committed()
    flash(_("Imported. %(summary)s", summary=result.summary()), "success")
    return redirect(url_for(f"imports.{kind}"))


def _template(kind: str) -> Response:
    _require_importer()
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow([c.ru for c in KINDS[kind]["columns"]])
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={kind}-template.csv"},
    )


@bp.get("/")
@login_required
def index():
    _require_importer()
    return redirect(url_for("imports.lots"))


@bp.route("/lots", methods=["GET", "POST"])
@login_required
def lots():
    return _upload("lots")


@bp.post("/lots/confirm")
@login_required
def lots_confirm():
    return _confirm("lots")


@bp.get("/lots/template.csv")
@login_required
def lots_template():
    return _template("lots")


@bp.route("/projects", methods=["GET", "POST"])
@login_required
def projects():
    return _upload("projects")


@bp.post("/projects/confirm")
@login_required
def projects_confirm():
    return _confirm("projects")


@bp.get("/projects/template.csv")
@login_required
def projects_template():
    return _template("projects")


# --- a campaign's assignments from a file ------------------------------------------------------

ASSIGN_PREFIX = "assign"  # the upload form's prefix, as on the campaign page (monitoring/views_campaigns.py)


def _assignment_example(campaign: Campaign) -> list[list[str]]:
    """Two rows in the file's format, with the campaign's first group and subjects of its organiser."""
    group = str(campaign.groups[0].id) if campaign.groups else "1"
    lot = db.session.scalar(
        select(Lot)
        .where(Lot.administrator_id == campaign.organiser_id)
        .order_by(Lot.year.desc(), Lot.id)
        .limit(1)
    )
    project = db.session.scalar(
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Lot.administrator_id == campaign.organiser_id)
        .order_by(Project.id)
        .limit(1)
    )
    return [
        ["проект", group, project.contract_number if project else "01-2026", "", ""],
        ["лот", group, "", lot.number if lot else "12", str(lot.year) if lot else "2026"],
    ]


def _assignment_page(campaign: Campaign, result=None, confirm=None, form=None, status: int = 200):
    return (
        render_template(
            "imports/assignments.html",
            campaign=campaign,
            form=form or AssignFileForm(prefix=ASSIGN_PREFIX, formdata=None),
            result=result,
            confirm=confirm,
            columns=ASSIGNMENT_COLUMNS,
            example=_assignment_example(campaign),
            kinds={kind: [w for w, k in KIND_WORDS.items() if k == kind] for kind in SubjectKind},
            limit_mb=max(1, max_bytes() // (1024 * 1024)),
        ),
        status,
    )


@bp.route("/campaigns/<int:campaign_id>/assignments", methods=["GET", "POST"])
@login_required
def campaign_assignments(campaign_id: int):
    """Check an assignment file and show every row (or every error); nothing is assigned yet."""
    campaign = load(Campaign, campaign_id, "edit")
    form = AssignFileForm(prefix=ASSIGN_PREFIX)
    if not form.is_submitted():
        return _assignment_page(campaign)
    if not form.validate_on_submit():
        return _assignment_page(campaign, form=form, status=422)
    limit = max_bytes()
    content = form.file.data.read(limit + 1)
    if len(content) > limit:
        result = ImportResult("assignments", errors=too_large().errors)
    else:
        result = validate_assignments(content, campaign)
    if not result.ok:
        return _assignment_page(campaign, result, status=422)
    confirm = ConfirmForm(token=staging.store(staging_kind(campaign), current_user.id, content))
    return _assignment_page(campaign, result, confirm)


@bp.post("/campaigns/<int:campaign_id>/assignments/confirm")
@login_required
def campaign_assignments_confirm(campaign_id: int):
    """Assign every row of the checked file, or none (checked again: things may have changed)."""
    campaign = load(Campaign, campaign_id, "edit")
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    claim = staging.claim(staging_kind(campaign), current_user.id, form.token.data)
    if claim.status == staging.MISSING:
        flash(_("The uploaded file is no longer available: upload it again."), "warning")
        return redirect(url_for("imports.campaign_assignments", campaign_id=campaign.id))
    if claim.status != staging.FREE:
        if claim.status == staging.APPLIED:
            flash(_("This file has already been imported."), "info")
        else:
            flash(_("This file is being imported right now (the button was pressed twice?)."), "info")
        return _assignment_page(campaign, status=409)
    try:
        result = validate_assignments(claim.content, campaign)
        created = apply_assignments(result, campaign, current_user) if result.ok else []
        if not result.ok:  # the campaign or the registry changed since the preview
            db.session.rollback()
            claim.discard()
            return _assignment_page(campaign, result, status=422)
        db.session.commit()
    except IntegrityError:
        # a concurrent assignment of the same subject won the race: nothing of this file was assigned
        db.session.rollback()
        claim.release()
        flash(
            _("Another assignment changed the campaign at the same time. Nothing was assigned: check again."),
            "warning",
        )
        result = validate_assignments(claim.content, campaign)
        confirm = ConfirmForm(token=form.token.data) if result.ok else None
        return _assignment_page(campaign, result, confirm, status=409)
    except BaseException:
        claim.release()
        raise
    claim.committed()
    flash(ngettext("%(num)s evaluation assigned.", "%(num)s evaluations assigned.", len(created)), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign.id) + "#evaluations")


@bp.get("/campaigns/<int:campaign_id>/assignments/template.csv")
@login_required
def campaign_assignments_template(campaign_id: int):
    load(Campaign, campaign_id, "edit")
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow([c.ru for c in ASSIGNMENT_COLUMNS])
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=assignments-template.csv"},
    )
