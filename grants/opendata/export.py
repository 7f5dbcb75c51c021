"""The open-data tables (lots, projects): one row builder for CSV and XLSX.

Only public data goes in: the registry (public anyway) and, per lot or project, the index and band of
its latest *published* evaluation. Nothing of an evaluation in any other state is ever read here.

Cells are typed: text (neutralised against formula injection), money (Decimal, 2 places), integers,
dates and indices (Decimal, 1 place). Numbers and dates are never neutralised.
"""

import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.core.spreadsheets import csv_chunks, neutralise, xlsx_cell
from grants.extensions import db
from grants.lots.models import Lot
from grants.lots.operations import LotFilters
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.monitoring.registry import lot_query
from grants.portal.results import latest_for_lots, latest_for_projects
from grants.projects.models import Project
from grants.projects.operations import contracted_totals

CENT = Decimal("0.01")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Dialect:
    """How a CSV writes its cells (docs/formatting.md#csv-dialects): one delimiter, one decimal sign."""

    delimiter: str
    decimal: str


# `standard`: what programs and English-locale spreadsheets read; `excel-ru`: what Excel opens by a
# double click in ru/kk locales, whose list separator is ";" and decimal sign ",".
DIALECTS = {"standard": Dialect(",", "."), "excel-ru": Dialect(";", ",")}
DEFAULT_DIALECT = "standard"


class Kind(Enum):
    text = "text"
    integer = "integer"
    money = "money"
    date = "date"
    index = "index"
    boolean = "boolean"  # CSV true/false, XLSX TRUE/FALSE, JSON true/false


@dataclass(frozen=True)
class Column:
    key: str  # stable machine name (documented in the README)
    header: object  # lazy string: the header in the request language
    kind: Kind = Kind.text


@dataclass
class Table:
    name: str
    columns: list[Column]
    rows: list[list]

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]


def money(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def index(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(TENTH)


# --- what is exported -------------------------------------------------------------------------

LOT_COLUMNS = [
    Column("id", _l("ID"), Kind.integer),
    Column("number", _l("Lot number")),
    Column("year", _l("Year"), Kind.integer),
    Column("title_ru", _l("Title (Russian)")),
    Column("title_kk", _l("Title (Kazakh)")),
    Column("administrator_bin", _l("Administrator BIN")),
    Column("administrator_name", _l("Administrator")),
    Column("region_kato", _l("Region KATO")),
    Column("region_name", _l("Region")),
    Column("sphere_code", _l("Sphere code")),
    Column("sphere_name", _l("Sphere")),
    Column("budget", _l("Budget, KZT"), Kind.money),
    Column("start_date", _l("Start date"), Kind.date),
    Column("end_date", _l("End date"), Kind.date),
    Column("status", _l("Status code")),
    Column("status_title", _l("Status")),
    Column("contracted_total", _l("Contracted, KZT"), Kind.money),
    Column("relevance_index", _l("Relevance index"), Kind.index),
    Column("relevance_band", _l("Relevance band code")),
    Column("relevance_band_title", _l("Relevance band")),
]

PROJECT_COLUMNS = [
    Column("id", _l("ID"), Kind.integer),
    Column("contract_number", _l("Contract number")),
    Column("contract_date", _l("Contract date"), Kind.date),
    Column("lot_number", _l("Lot number")),
    Column("lot_year", _l("Lot year"), Kind.integer),
    Column("ngo_bin", _l("NGO BIN")),
    Column("ngo_name", _l("NGO")),
    Column("amount", _l("Contract amount, KZT"), Kind.money),
    Column("start_date", _l("Start date"), Kind.date),
    Column("end_date", _l("End date"), Kind.date),
    Column("status", _l("Status code")),
    Column("status_title", _l("Status")),
    Column("effectiveness_index", _l("Effectiveness index"), Kind.index),
    Column("effectiveness_band", _l("Effectiveness band code")),
    Column("effectiveness_band_title", _l("Effectiveness band")),
]


def latest_published(kind: SubjectKind) -> dict[int, Evaluation]:
    """The newest published evaluation of each lot (kind lot) or project (kind project), by its id."""
    return latest_for_lots() if kind == SubjectKind.lot else latest_for_projects()


def _result_cells(evaluation: Evaluation | None) -> list:
    if evaluation is None or evaluation.state != EvaluationState.published:
        return [None, None, None]
    band = evaluation.band
    title = (evaluation.methodology.band_title(band) or None) if band else None
    return [index(evaluation.index_value), band, title]


def filtered_lots(filters: LotFilters, *options):
    """The lots the registry filters select, in registry order, with what the tables show loaded."""
    return db.session.scalars(
        lot_query(filters).options(
            selectinload(Lot.region), selectinload(Lot.administrator), selectinload(Lot.sphere), *options
        )
    ).all()


def lot_table(filters: LotFilters) -> Table:
    totals = contracted_totals()
    results = latest_published(SubjectKind.lot)
    rows = []
    for lot in filtered_lots(filters):
        rows.append(
            [
                lot.id,
                lot.number,
                lot.year,
                lot.title_ru,
                lot.title_kk,
                lot.administrator.bin,
                lot.administrator.name,
                lot.region.kato if lot.region else None,
                lot.region.name if lot.region else None,
                lot.sphere.code if lot.sphere else None,
                lot.sphere.name if lot.sphere else None,
                money(lot.budget),
                lot.start_date,
                lot.end_date,
                lot.status.value,
                str(lot.status.title),
                money(totals.get(lot.id, 0)),
                *_result_cells(results.get(lot.id)),
            ]
        )
    return Table("lots", LOT_COLUMNS, rows)


def project_query(filters: LotFilters):
    """Projects whose lot matches the registry filters, in registry order."""
    lot_ids = lot_query(filters).with_only_columns(Lot.id).order_by(None)
    return (
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Project.lot_id.in_(lot_ids))
        .options(selectinload(Project.lot), selectinload(Project.ngo))
        .order_by(Lot.year.desc(), Lot.number, Project.contract_date, Project.id)
    )


def project_table(filters: LotFilters) -> Table:
    results = latest_published(SubjectKind.project)
    rows = []
    for project in db.session.scalars(project_query(filters)):
        rows.append(
            [
                project.id,
                project.contract_number,
                project.contract_date,
                project.lot.number,
                project.lot.year,
                project.ngo.bin,
                project.ngo.name,
                money(project.amount),
                project.start_date,
                project.end_date,
                project.status.value,
                str(project.status.title),
                *_result_cells(results.get(project.id)),
            ]
        )
    return Table("projects", PROJECT_COLUMNS, rows)


# --- writers ----------------------------------------------------------------------------------


def csv_cell(value, dialect: Dialect = DIALECTS[DEFAULT_DIALECT]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", dialect.decimal)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_lines(table: Table, dialect: str = DEFAULT_DIALECT) -> Iterator[str]:
    """The CSV text in chunks: BOM, header row, one line per row; the dialect's delimiter and
    decimal sign, CRLF, minimal quoting (docs/formatting.md#spreadsheet-cells)."""
    chosen = DIALECTS[dialect]
    header = [neutralise(h) for h in table.headers()]
    rows = ([csv_cell(value, chosen) for value in row] for row in table.rows)
    return csv_chunks(itertools.chain([header], rows), chosen.delimiter)


def to_csv(table: Table, dialect: str = DEFAULT_DIALECT) -> bytes:
    return "".join(csv_lines(table, dialect)).encode("utf-8")


BOLD = Font(bold=True)
NUMBER_FORMATS = {Kind.money: "#,##0.00", Kind.date: "yyyy-mm-dd", Kind.index: "0.0", Kind.integer: "0"}


def _xlsx_cell(sheet, column: Column, value):
    if value is None:
        return None
    if isinstance(value, str):
        return xlsx_cell(sheet, value, neutralised=True)
    if column.kind in NUMBER_FORMATS and column.key not in ("id", "year", "lot_year"):
        return xlsx_cell(sheet, value, number_format=NUMBER_FORMATS[column.kind])
    return xlsx_cell(sheet, value)


def to_xlsx(table: Table) -> bytes:
    """The same rows as the CSV in one sheet: numbers as numbers, dates as dates, text as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name)
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, text, neutralised=True, font=BOLD) for text in table.headers()])
    for row in table.rows:
        sheet.append(
            [_xlsx_cell(sheet, column, value) for column, value in zip(table.columns, row, strict=True)]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
