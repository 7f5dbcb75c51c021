"""Open data: CSV/JSON exports under /api/v1/export and XLSX downloads from the pages.

Everything here is public (no login): the registry, and of evaluations only the published ones.
The exports take the filters of GET /api/v1/lots (year, region, administrator, sphere, status, q),
validated by the same schema (422 naming each bad parameter); there is no paging. The blueprint is
registered, and documented in /api/v1/openapi.json, by grants/api (docs/api.md).
"""

import json

from flask import current_app, stream_with_context

from grants.core.errors import today_local
from grants.core.schemas import Blueprint
from grants.lots.schemas import RegistryFilterArgs, lot_filters
from grants.opendata import cooperation, export, ocds
from grants.opendata.schemas import (
    ActivityCsvArgs,
    ActivityExportArgs,
    ActivityExportSchema,
    CsvArgs,
    OcdsReleasePackageSchema,
    RecommendationCsvArgs,
    RecommendationExportArgs,
    RecommendationExportSchema,
)

bp = Blueprint(
    "opendata", __name__, description="Open data exports of public data only (CSV, XLSX, OCDS JSON)"
)

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_RULES = (
    "Public data only: the index and band are those of the latest *published* evaluation, empty "
    "otherwise. UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting; `dialect=standard` (default): `,` "
    "between cells and a decimal dot (`12500000.00`); `dialect=excel-ru` (Excel in ru/kk locales): `;` and "
    "a decimal comma (`12500000,00`). The header row is in the request language (`lang` or "
    "Accept-Language). Money has two decimals, indices one; dates are ISO 8601 (`2025-03-01`); a text cell starting with `=`, `+`, `-`, `@`, a tab or CR is "
    "prefixed with `'` so that no spreadsheet evaluates it. Same filters (and 422s) as GET /api/v1/lots, "
    "without paging. Columns are listed in the README (Open data)."
)
XLSX_RULES = (
    "The same rows and headers as the CSV in one sheet, numbers as numbers and dates as dates; text cells "
    "are neutralised as in the CSV and stored as text, never as formulas. Errors of this page download are "
    "HTML pages (422 for a bad filter)."
)
PUBLIC = [{}]
FILE = {"type": "string", "format": "binary"}  # the media type of a whole file, not a schema of ours
PAGE = {"type": "string"}  # an HTML page


def _download(content, mimetype: str, filename: str, disposition: str = "attachment"):
    """The response of a file: content is bytes, or an iterable of byte chunks sent as they come."""
    response = current_app.response_class(content, mimetype=mimetype)
    if mimetype == CSV_MIMETYPE:
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.cache_control.no_cache = True
    return response


FILE_CHUNK = 64 * 1024


def _file_chunks(out):
    """A temporary file's bytes in chunks, the file closed (and so deleted) at the end."""
    try:
        while chunk := out.read(FILE_CHUNK):
            yield chunk
    finally:
        out.close()


def _encoded(chunks):
    for chunk in chunks:
        yield chunk.encode("utf-8")


def _table(build, fmt: str, args: dict):
    """A table streamed (docs/performance.md#exports): the CSV as its rows are read from the database,
    the XLSX from the temporary file it was written to row by row."""
    table = build(lot_filters(args))
    if fmt == "csv":
        chunks = export.csv_lines(table, args.get("dialect") or export.DEFAULT_DIALECT)
        return _download(stream_with_context(_encoded(chunks)), CSV_MIMETYPE, f"{table.name}.csv")
    return _download(_file_chunks(export.xlsx_file(table)), XLSX_MIMETYPE, f"{table.name}.xlsx")


def _file(path: str, mimetype: str, description: str, args=RegistryFilterArgs):
    """Register a file export with its filters and document it (the body is the whole file; the
    page downloads outside /api/ answer bad filters with the site's HTML error page)."""

    def decorate(view):
        view = bp.response(200, FILE, content_type=mimetype, description=description)(view)
        if not path.startswith("/api/"):
            for status in (400, 422):
                view = bp.alt_response(
                    status, schema=PAGE, content_type="text/html", description="An error page"
                )(view)
        view = bp.arguments(args, location="query")(view)
        view = bp.doc(security=PUBLIC)(view)
        return bp.route(path, tags=["opendata"])(view)

    return decorate


@_file("/api/v1/export/lots.csv", CSV_MIMETYPE, CSV_RULES, CsvArgs)
def lots_csv(args):
    """The lot registry as CSV, with the latest published relevance index and band."""
    return _table(export.lot_table, "csv", args)


@_file(
    "/api/v1/export/projects.csv",
    CSV_MIMETYPE,
    CSV_RULES + " The filters select lots; every project of a selected lot is listed.",
    CsvArgs,
)
def projects_csv(args):
    """Projects (contracts) of the selected lots as CSV, with the latest published effectiveness index and band."""
    return _table(export.project_table, "csv", args)


@_file("/export/lots.xlsx", XLSX_MIMETYPE, XLSX_RULES)
def lots_xlsx(args):
    """The lot export as an Excel workbook (the registry page's download button)."""
    return _table(export.lot_table, "xlsx", args)


@_file("/export/projects.xlsx", XLSX_MIMETYPE, XLSX_RULES)
def projects_xlsx(args):
    """The project export as an Excel workbook."""
    return _table(export.project_table, "xlsx", args)


@bp.route("/api/v1/export/results.json", tags=["opendata"])
@bp.arguments(RegistryFilterArgs, location="query")
@bp.response(200, OcdsReleasePackageSchema, description="The release package")
@bp.doc(security=PUBLIC)
def results_json(args):
    """Lots, awards and contracts as an OCDS 1.1 release package, with published evaluation results.

    One compiled release per selected lot (ocid `ocds-grantskz-<lot id>`): the lot is the tender, each
    contract is an award and a contract whose supplier is the NGO (identifier scheme KZ-BIN), with
    IATI-style indicators (baseline, target, actual). Published evaluations only are added under
    `grantskz_evaluations`. Amounts are JSON numbers in KZT, dates ISO 8601.
    """
    chunks = ocds.release_package_json(lot_filters(args))
    return _download(
        stream_with_context(_encoded(chunks)), "application/json", "results.json", disposition="inline"
    )


# --- the joint work of councils (docs/api.md#open-data-of-the-joint-work) -----------------------------

PLAN_RULES = (
    "Activities of *published* joint activity plans only (drafts and approved but unpublished plans never "
    "appear), one row per activity; councils, topics and spheres of an activity are joined with `; `. "
)
RECOMMENDATION_RULES = (
    "*Published* recommendations only, with the addressee's response and the council's assessment; "
    "`overdue` is derived on the day of the download (sent, due date passed, no response). "
)
CSV_FORMAT = (
    "UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting, the `dialect` as for lots.csv; headers in the "
    "request language; a text cell starting with `=`, `+`, `-`, `@`, a tab or CR is prefixed with `'`."
)


def _cooperation(build, fmt: str, args: dict):
    filters = cooperation.cooperation_filters(args)
    table = build(filters)
    if fmt == "csv":
        content = export.to_csv(table, args.get("dialect") or export.DEFAULT_DIALECT)
        return _download(content, CSV_MIMETYPE, f"{table.name}.csv")
    if fmt == "xlsx":
        return _download(export.to_xlsx(table), XLSX_MIMETYPE, f"{table.name}.xlsx")
    records = cooperation.as_records(table)
    body = json.dumps({"total": len(records), "items": records}, ensure_ascii=False, separators=(",", ":"))
    return _download(body.encode("utf-8"), "application/json", f"{table.name}.json", disposition="inline")


def _recommendations(filters):
    return cooperation.recommendation_table(filters, today_local())


@_file("/api/v1/export/activities.csv", CSV_MIMETYPE, PLAN_RULES + CSV_FORMAT, ActivityCsvArgs)
def activities_csv(args):
    """The activities of the published joint plans as CSV."""
    return _cooperation(cooperation.activity_table, "csv", args)


@_file("/export/activities.xlsx", XLSX_MIMETYPE, PLAN_RULES + XLSX_RULES, ActivityExportArgs)
def activities_xlsx(args):
    """The activities of the published joint plans as an Excel workbook."""
    return _cooperation(cooperation.activity_table, "xlsx", args)


@bp.route("/api/v1/export/activities.json", tags=["opendata"])
@bp.arguments(ActivityExportArgs, location="query")
@bp.response(200, ActivityExportSchema, description="The rows of activities.csv as JSON objects")
@bp.doc(security=PUBLIC)
def activities_json(args):
    """The activities of the published joint plans as JSON: the CSV's columns as keys, dates ISO 8601."""
    return _cooperation(cooperation.activity_table, "json", args)


@_file(
    "/api/v1/export/recommendations.csv",
    CSV_MIMETYPE,
    RECOMMENDATION_RULES + CSV_FORMAT,
    RecommendationCsvArgs,
)
def recommendations_csv(args):
    """The published recommendations of the councils with the responses, as CSV."""
    return _cooperation(_recommendations, "csv", args)


@_file(
    "/export/recommendations.xlsx",
    XLSX_MIMETYPE,
    RECOMMENDATION_RULES + XLSX_RULES,
    RecommendationExportArgs,
)
def recommendations_xlsx(args):
    """The published recommendations with the responses as an Excel workbook."""
    return _cooperation(_recommendations, "xlsx", args)


@bp.route("/api/v1/export/recommendations.json", tags=["opendata"])
@bp.arguments(RecommendationExportArgs, location="query")
@bp.response(200, RecommendationExportSchema, description="The rows of recommendations.csv as JSON objects")
@bp.doc(security=PUBLIC)
def recommendations_json(args):
    """The published recommendations with the responses as JSON: the CSV's columns as keys."""
    return _cooperation(_recommendations, "json", args)
