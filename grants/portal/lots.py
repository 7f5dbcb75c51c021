"""The lot registry's pages (blueprint "lots", /lots/...).

They live in the portal, not in grants.lots, because they show what lies above lots: the latest
published results, the order by relevance index and the contracts that bind a budget
(docs/architecture.md, "Layers").
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core.errors import RuleViolation
from grants.core.permissions import load, require_role
from grants.core.validation import bounded_int
from grants.extensions import db
from grants.lots.forms import LotForm
from grants.lots.models import Lot, LotStatus, Sphere
from grants.lots.operations import (
    DEFAULT_SORT,
    LotFilters,
    check_lot,
    filter_options,
    save_lot,
    valid_sort,
)
from grants.monitoring.models import SubjectKind
from grants.monitoring.registry import registry_page
from grants.portal.results import LOT_DETAIL, latest_for_lots
from grants.regions.models import Region
from grants.reports.delivery import published_results

bp = Blueprint("lots", __name__, url_prefix="/lots")


# Shown on the lot's form and page, and flashed after saving, while no public need is linked to it.
NO_NEED_WARNING = _l(
    "This lot is linked to no public need. Lots should answer documented needs: the monitoring group "
    "links the needs a lot answers during its relevance evaluation."
)


def filters_from_args(args) -> LotFilters:
    """Registry filters from query arguments; unknown values are ignored rather than failing,
    a year no column can hold too (docs/input-validation.md)."""
    year = args.get("year", type=bounded_int)
    status = args.get("status") or None
    if status not in {s.value for s in LotStatus}:
        status = None
    return LotFilters(
        year=year,
        region=args.get("region") or None,
        administrator=args.get("administrator") or None,
        sphere=args.get("sphere") or None,
        status=status,
        q=(args.get("q") or "").strip()[:200] or None,
        sort=valid_sort(args.get("sort")) or DEFAULT_SORT,
    )


@bp.get("/")
def index():
    filters = filters_from_args(request.args)
    # page=N or a cursor (after=) from the Next link: docs/performance.md#search-and-pagination
    page = registry_page(
        filters,
        page=None,
        per_page=current_app.config["PER_PAGE"],
        cursor=request.args.get("after"),
        strict=False,
    )
    return render_template(
        "lots/index.html",
        page=page,
        filters=filters,
        options=filter_options(),
        latest=latest_for_lots(lot.id for lot in page.items),
    )


@bp.get("/<int:lot_id>")
def show(lot_id: int):
    lot = load(Lot, lot_id, options=LOT_DETAIL)
    published = published_results(lot)  # the lot's evaluations and its projects', newest first
    project_results = {}
    for item in published:
        if item.evaluation.kind == SubjectKind.project:
            project_results.setdefault(item.evaluation.project_id, item.evaluation)
    return render_template(
        "lots/show.html",
        lot=lot,
        published=published,
        project_results=project_results,
        no_need_warning=NO_NEED_WARNING,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    require_role("ministry")
    if current_user.organisation_id is None:
        abort(403)
    return _edit(Lot(administrator_id=current_user.organisation_id), new=True)


@bp.route("/<int:lot_id>/edit", methods=["GET", "POST"])
@login_required
def edit(lot_id: int):
    return _edit(load(Lot, lot_id, "edit"), new=False)


def _edit(lot: Lot, new: bool):
    form = LotForm(obj=None if new else lot)
    regions = db.session.scalars(select(Region).order_by(Region.name_ru)).all()
    form._regions = {r.id: r for r in regions}
    form.region_id.choices = [(None, "—")] + [(r.id, r.name) for r in regions]
    form.sphere_id.choices = [(None, "—")] + [
        (s.id, s.name) for s in db.session.scalars(select(Sphere).order_by(Sphere.name_ru))
    ]
    if request.method == "GET" and not new:
        form.status.data = lot.status.value
        while len(form.indicators) > 0:
            form.indicators.pop_entry()
        for ind in lot.indicators:
            form.indicators.append_entry(
                {"name_ru": ind.name_ru, "name_kk": ind.name_kk, "unit": ind.unit.value, "target": ind.target}
            )
        form.indicators.append_entry()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("indicators", "submit", "csrf_token")}
        data["number"] = data["number"].strip()
        try:
            check_lot(lot, data)  # the same rules as the API's (grants/lots/operations.py)
        except RuleViolation as exc:
            for name, message in exc.fields.items():
                form[name].errors.append(message)
        else:
            save_lot(lot, data, form.indicator_rows())
            db.session.commit()
            flash(_("Lot saved."), "success")
            if not lot.need_links:  # a warning, never a refusal (docs/analytics.md#the-lot-form-warns)
                flash(str(NO_NEED_WARNING), "warning")
            return redirect(url_for("lots.show", lot_id=lot.id))
    title = _("New lot") if new else _("Edit lot %(number)s", number=lot.number)
    back = url_for("lots.index") if new else url_for("lots.show", lot_id=lot.id)
    return render_template(
        "lots/form.html",
        form=form,
        title=title,
        back=back,
        no_need_warning=NO_NEED_WARNING if new or not lot.need_links else None,
    )
