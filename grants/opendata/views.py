"""Open data: CSV/JSON exports under /api/v1/export and XLSX downloads from the pages.

Everything here is public (no login): the registry, and of evaluations only the published ones.
The exports take the filters of GET /api/v1/lots (year, region, administrator, sphere, status, q),
validated the same way (422 naming each bad parameter); there is no paging.
"""

import json

from flask import Blueprint, current_app, request

from grants.api.views import lot_filters
from grants.lots.operations import LotFilters
from grants.main.errors import error_response
from grants.opendata import export, ocds

bp = Blueprint("opendata", __name__)

FILTER_PARAMETERS = ("year", "region", "administrator", "sphere", "status", "q")
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> tuple[LotFilters | None, dict]:
    """The registry filters of the request (paging parameters are not taken: exports are whole)."""
    args = {name: request.args.get(name) for name in FILTER_PARAMETERS if name in request.args}
    filters, _page, _per_page, errors = lot_filters(args)
    return (None if errors else filters), errors


def _download(content: bytes, mimetype: str, filename: str, disposition: str = "attachment"):
    response = current_app.response_class(content, mimetype=mimetype)
    if mimetype == CSV_MIMETYPE:
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.cache_control.no_cache = True
    return response


def _table_response(build, fmt: str):
    filters, errors = _filters()
    if errors:
        return error_response(422, fields=errors)
    table = build(filters)
    if fmt == "csv":
        return _download(export.to_csv(table), CSV_MIMETYPE, f"{table.name}.csv")
    return _download(export.to_xlsx(table), XLSX_MIMETYPE, f"{table.name}.xlsx")


@bp.get("/api/v1/export/lots.csv")
def lots_csv():
    return _table_response(export.lot_table, "csv")


@bp.get("/api/v1/export/projects.csv")
def projects_csv():
    return _table_response(export.project_table, "csv")


@bp.get("/export/lots.xlsx")
def lots_xlsx():
    return _table_response(export.lot_table, "xlsx")


@bp.get("/export/projects.xlsx")
def projects_xlsx():
    return _table_response(export.project_table, "xlsx")


@bp.get("/api/v1/export/results.json")
def results_json():
    filters, errors = _filters()
    if errors:
        return error_response(422, fields=errors)
    package = ocds.release_package(filters)
    body = json.dumps(package, ensure_ascii=False, separators=(",", ":"))
    return _download(body.encode("utf-8"), "application/json", "results.json", disposition="inline")
