"""Needs coverage: the public page, its PDF and its XLSX (docs/analytics.md#needs-coverage).

Public: only published relevance indexes are shown, to everyone (signed-in or not).
"""

import io
from dataclasses import replace
from datetime import UTC, datetime

from flask import Blueprint, abort, render_template, request, send_file
from flask_babel import force_locale
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from grants.analytics.coverage import Coverage, coverage, coverage_xlsx, latest_lot_year, narrowing
from grants.analytics.filters import AnalyticsArgs, AnalyticsFilters
from grants.core.i18n import BABEL_LOCALES, language
from grants.core.pdf import render_pdf
from grants.extensions import db
from grants.lots.models import Lot
from grants.regions.models import Region
from grants.reports.content import STYLESHEET

bp = Blueprint("coverage", __name__, url_prefix="/needs/coverage")

LANGS = ("kk", "ru", "en")


def _filters() -> tuple[AnalyticsFilters, list[str]]:
    """The filters from the query, invalid values dropped with a message each; the year defaults to
    the latest year with lots (of the region)."""
    raw = request.args.to_dict()
    messages: list[str] = []
    try:
        args = AnalyticsArgs().load(raw)
    except ValidationError as exc:
        bad = exc.messages if isinstance(exc.messages, dict) else {}
        labels = {"year": _("Year"), "region": _("Region")}
        for name, errors in bad.items():
            text = "; ".join(str(e) for e in errors) if isinstance(errors, list) else str(errors)
            messages.append(f"{labels.get(name, name)}: {text}")
        args = AnalyticsArgs().load({k: v for k, v in raw.items() if k not in bad})
    filters = AnalyticsFilters.from_args(args)
    if filters.region and db.session.scalar(select(Region.id).where(Region.kato == filters.region)) is None:
        messages.append(_("Region: no region has this KATO code."))
        filters = replace(filters, region=None)
    if filters.year is None:
        filters = replace(filters, year=latest_lot_year(filters.region))
    return filters, messages


def _options() -> dict:
    years = db.session.scalars(select(Lot.year).distinct().order_by(Lot.year.desc())).all()
    regions = db.session.scalars(select(Region).order_by(Region.name_ru)).all()
    return {"years": years, "regions": sorted(regions, key=lambda r: r.name)}


def _download_lang() -> str:
    lang = request.args.get("lang") or language()
    if lang not in LANGS:
        abort(404)
    return lang


@bp.get("")
def index():
    filters, messages = _filters()
    report = coverage(filters)
    return render_template(
        "analytics/coverage.html",
        report=report,
        narrowing=narrowing(report),
        filters=filters,
        messages=messages,
        options=_options(),
        download_args=filters.as_args(),  # the same scope as the page, filters given only in the query too
    )


def _file_name(report: Coverage, lang: str, ext: str) -> str:
    where = report.filters.region or "kz"
    return f"needs-coverage-{where}-{report.filters.year}-{lang}.{ext}"


@bp.get("/report.pdf")
def report_pdf():
    lang = _download_lang()
    filters, _messages = _filters()
    generated_at = datetime.now(UTC)
    with force_locale(BABEL_LOCALES[lang]):
        report = coverage(filters)
        html = render_template(
            "analytics/coverage_pdf.html", report=report, lang=lang, generated_at=generated_at
        )
    content = render_pdf(html, STYLESHEET)
    return send_file(
        io.BytesIO(content), mimetype="application/pdf", download_name=_file_name(report, lang, "pdf")
    )


@bp.get("/report.xlsx")
def report_xlsx():
    lang = _download_lang()
    filters, _messages = _filters()
    with force_locale(BABEL_LOCALES[lang]):
        report = coverage(filters)
        content = coverage_xlsx(report, datetime.now(UTC))
    return send_file(
        io.BytesIO(content),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        download_name=_file_name(report, lang, "xlsx"),
    )
