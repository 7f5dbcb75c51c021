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
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from sqlalchemy import select

from grants.analytics.coverage import Coverage, coverage, latest_lot_year
from grants.analytics.filters import AnalyticsArgs, AnalyticsFilters
from grants.core.i18n import BABEL_LOCALES, language
from grants.core.pdf import render_pdf
from grants.extensions import db
from grants.lots.models import Lot
from grants.regions.models import Region
from grants.reports.content import STYLESHEET

bp = Blueprint("coverage", __name__, url_prefix="/needs/coverage")

LANGS = ("kk", "ru", "en")
BOLD = Font(bold=True)


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


def narrowing(report: Coverage, lang: str | None = None) -> list[tuple[str, str]]:
    """(label, value) of the filters given beyond year and region, for the report's heading."""
    labels = {"administrator": _("Administrator"), "sphere": _("Sphere"), "council": _("Council")}
    given = {"administrator": report.filters.administrator, "sphere": report.filters.sphere}
    given["council"] = report.filters.council
    return [
        (labels[name], obj.localized("name", lang) if obj is not None else str(given[name]))
        for name, obj in report.narrowed_by
    ]


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


# --- XLSX -------------------------------------------------------------------------------------


def _cell(sheet, value, bold: bool = False, number_format: str | None = None):
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # text, whatever it starts with: never a formula
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = BOLD
    if number_format:
        cell.number_format = number_format
    return cell


MONEY_FORMAT = "#,##0.00"
INDEX_FORMAT = "0.0"


def _sheet(book: Workbook, title: str, headers: list[str], rows: list[list], formats: dict[int, str]):
    """One sheet: bold headers, then the rows; formats maps a column number to a number format."""
    sheet = book.create_sheet(title.replace("/", "-")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([_cell(sheet, v, number_format=formats.get(i)) for i, v in enumerate(row)])


def coverage_xlsx(report: Coverage, generated_at: datetime) -> bytes:
    """The report in the current language: a summary sheet, then one sheet per list."""
    t = report.totals
    book = Workbook(write_only=True)
    where = report.region.name if report.region else _("Whole country")
    summary = [
        [_("Needs coverage"), ""],
        [_("Region"), where],
        [_("Year"), report.filters.year],
        *([label, value] for label, value in narrowing(report)),
        [_("Generated"), generated_at.strftime("%Y-%m-%d %H:%M UTC")],
        [_("Public needs"), t.needs],
        [_("Needs answered by lots"), t.needs_covered],
        [_("Needs without lots"), t.needs_uncovered],
        [_("Lots"), t.lots],
        [_("Budget of the lots"), t.budget, MONEY_FORMAT],
        [_("Lots linked to needs"), t.lots_linked],
        [_("Budget of the lots linked to needs"), t.budget_linked, MONEY_FORMAT],
        [_("Lots linked to no need"), t.lots_unlinked],
        [_("Budget of the lots linked to no need"), t.budget_unlinked, MONEY_FORMAT],
        [_("Needs raised repeatedly and still uncovered"), t.repeated],
        [_("Relevance indexes: published evaluations only."), ""],
    ]
    sheet = book.create_sheet(_("Summary")[:31])
    for label, value, *fmt in summary:
        sheet.append(
            [_cell(sheet, label, bold=True), _cell(sheet, value, number_format=fmt[0] if fmt else None)]
        )

    need_headers = [_("Public need"), _("Region"), _("Year raised"), _("Priority")]
    lot_headers = [_("Lot number"), _("Lot title"), _("Budget, ₸"), _("Relevance index")]
    rows = []
    for row in report.needs:
        need = [row.need.title, row.need.region.name if row.need.region else "", row.need.year_raised]
        need.append(row.need.priority.title)
        if not row.lots:
            rows.append([*need, "", "", None, None, row.budget])
        for item in row.lots:
            lot = item.lot
            rows.append([*need, lot.number, lot.title, lot.budget, item.index, row.budget])
    _sheet(
        book,
        _("Needs and lots"),
        [*need_headers, *lot_headers, _("Total budget for the need, ₸")],
        rows,
        {6: MONEY_FORMAT, 7: INDEX_FORMAT, 8: MONEY_FORMAT},
    )
    _sheet(
        book,
        _("Needs without lots"),
        need_headers,
        [
            [
                r.need.title,
                r.need.region.name if r.need.region else "",
                r.need.year_raised,
                r.need.priority.title,
            ]
            for r in report.uncovered
        ],
        {},
    )
    _sheet(
        book,
        _("Lots linked to no need"),
        [*lot_headers, _("Administrator")],
        [
            [i.lot.number, i.lot.title, i.lot.budget, i.index, i.lot.administrator.name]
            for i in report.unlinked_lots
        ],
        {2: MONEY_FORMAT, 3: INDEX_FORMAT},
    )
    _sheet(
        book,
        _("Repeated uncovered needs"),
        [_("Public need"), _("Region"), _("First raised"), _("Last raised"), _("Records"), _("Years open")],
        [
            [
                r.need.title,
                r.need.region.name if r.need.region else "",
                r.first_year,
                r.last_year,
                r.records,
                r.years_open,
            ]
            for r in report.repeated
        ],
        {},
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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
