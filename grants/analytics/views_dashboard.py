"""The analytics dashboard (docs/analytics.md#dashboard): the page, one CSV per panel and a PDF.

Public; a signed-in reader's own unpublished work in progress is added and marked as such
(docs/analytics.md#who-sees-what). Bad filters re-render the page with the messages (422), never a 500.
"""

from datetime import UTC, datetime
from types import SimpleNamespace

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import String, cast, literal_column, null, select, union_all

from grants.analytics.dashboard import PANELS, Dashboard, build
from grants.analytics.filters import AnalyticsArgs, AnalyticsFilters
from grants.analytics.stats import Named
from grants.core.cache import FigureCache
from grants.core.db import current_language
from grants.core.i18n import BABEL_LOCALES
from grants.core.pdf import render_pdf
from grants.councils.models import Council
from grants.extensions import db
from grants.lots.models import Lot, Sphere
from grants.organisations.models import Organisation
from grants.regions.models import Region
from grants.reports.content import STYLESHEET

bp = Blueprint("analytics", __name__, url_prefix="/analytics")


def _filters() -> tuple[AnalyticsFilters | None, dict]:
    """The validated filters, or None and the messages per field."""
    try:
        args = AnalyticsArgs().load(request.args.to_dict())
    except ValidationError as error:
        return None, {name: " ".join(map(str, messages)) for name, messages in error.messages.items()}
    return AnalyticsFilters.from_args(args), {}


# The filter form's choices, per language, until lots or the named things change
# (docs/performance.md#cached-totals).
OPTIONS = FigureCache(
    "dashboard filters", ("lots", "regions", "organisations", "spheres", "councils"), size=8
)


def _options() -> dict:
    lang = current_language()
    return OPTIONS.get(db.session, lang, lambda: _choices(lang))


def _choices(lang: str) -> dict:
    """The choices as plain values (code and name), not rows (the cache outlives the session), from one
    query: a UNION ALL of the years that have lots, the regions, the administrators of lots, the spheres
    and the councils, each as (kind, code, names); ordered here, years latest first and the rest by their
    Russian name, as the lot registry orders them (grants.lots.operations.filter_options)."""
    no_name = [cast(null(), String)] * 3

    def named(kind: str, model, code):
        return select(
            literal_column(f"'{kind}'"), cast(code, String), model.name_ru, model.name_kk, model.name_en
        )

    query = union_all(
        select(literal_column("'years'"), cast(Lot.year, String), *no_name).distinct(),
        named("regions", Region, Region.kato),
        named("administrators", Organisation, Organisation.bin).where(
            Organisation.id.in_(select(Lot.administrator_id))
        ),
        named("spheres", Sphere, Sphere.code),
        named("councils", Council, Council.id),
    )
    found: dict[str, list] = {k: [] for k in ("years", "regions", "administrators", "spheres", "councils")}
    for kind, code, *names in db.session.execute(query):
        found[kind].append((code, Named(*names)))
    codes = {"regions": "kato", "administrators": "bin", "spheres": "code", "councils": "id"}
    choices: dict = {"years": sorted((int(code) for code, _names in found["years"]), reverse=True)}
    for kind, attribute in codes.items():
        rows = sorted(found[kind], key=lambda row: (row[1].name_ru or "", row[0]))
        choices[kind] = [
            SimpleNamespace(
                **{
                    attribute: int(code) if kind == "councils" else code,
                    "name": names.localized("name", lang),
                }
            )
            for code, names in rows
        ]
    return choices


def _page(filters: AnalyticsFilters | None, errors: dict, dashboard: Dashboard | None):
    form = {
        name: request.args.get(name, "") for name in ("year", "region", "administrator", "sphere", "council")
    }
    html = render_template(
        "analytics/dashboard.html",
        dashboard=dashboard,
        filters=filters,
        form=form,
        errors=errors,
        options=_options(),
        lang=current_language(),
    )
    return html, 422 if errors else 200


def _private(response, dashboard: Dashboard | None):
    """Figures that include unpublished work are the reader's own: never kept by a shared cache."""
    response.headers["Vary"] = "Accept-Language, Cookie"
    if dashboard is not None and dashboard.includes_unpublished:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/")
def index():
    filters, errors = _filters()
    dashboard = build(filters, current_user, current_language()) if filters is not None else None
    html, status = _page(filters, errors, dashboard)
    return _private(current_app.response_class(html, status=status, mimetype="text/html"), dashboard)


@bp.get("/<any(" + ", ".join(PANELS) + "):panel>.csv")
def panel_csv(panel: str):
    """One panel's table as CSV (UTF-8 with a BOM, CRLF, comma, decimal dot), for the same filters."""
    filters, errors = _filters()
    if filters is None:
        html, status = _page(None, errors, None)
        return current_app.response_class(html, status=status, mimetype="text/html")
    dashboard = build(filters, current_user, current_language(), only=panel)
    response = current_app.response_class(dashboard.panel(panel).csv(), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="analytics-{panel}.csv"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return _private(response, dashboard)


def render_dashboard_pdf(
    filters: AnalyticsFilters, user, lang: str, generated_at: datetime | None = None
) -> tuple[bytes, Dashboard]:
    """The dashboard for these filters as a PDF in one language: title, filters, date, every panel's
    chart and table (the reports' stylesheet, as the campaign summary)."""
    with force_locale(BABEL_LOCALES[lang]):
        dashboard = build(filters, user, lang)
        html = render_template(
            "analytics/dashboard_pdf.html",
            dashboard=dashboard,
            chosen=_chosen(filters, lang),
            lang=lang,
            generated_at=generated_at or datetime.now(UTC),
        )
    return render_pdf(html, STYLESHEET), dashboard


def _chosen(filters: AnalyticsFilters, lang: str) -> list[tuple[str, str]]:
    """The filters as (label, value) for the PDF's heading: names rather than codes (a few lookups)."""
    chosen = []
    if filters.year is not None:
        chosen.append((_("Year"), str(filters.year)))
    for label, model, column, value in (
        (_("Region"), Region, Region.kato, filters.region),
        (_("Administrator"), Organisation, Organisation.bin, filters.administrator),
        (_("Sphere"), Sphere, Sphere.code, filters.sphere),
        (_("Council"), Council, Council.id, filters.council),
    ):
        if value is None:
            continue
        subject = db.session.scalar(select(model).where(column == value))
        chosen.append((label, subject.localized("name", lang) if subject is not None else str(value)))
    return chosen


@bp.get("/report.pdf")
def report_pdf():
    filters, errors = _filters()
    if filters is None:
        html, status = _page(None, errors, None)
        return current_app.response_class(html, status=status, mimetype="text/html")
    lang = request.args.get("lang")
    if lang not in BABEL_LOCALES:
        lang = current_language()
    content, dashboard = render_dashboard_pdf(filters, current_user, lang)
    response = current_app.response_class(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="analytics-{lang}.pdf"'
    return _private(response, dashboard)
