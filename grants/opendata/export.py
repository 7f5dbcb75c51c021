"""The open-data tables (lots, projects): one row builder for CSV and XLSX.

Only public data goes in: the registry (public anyway) and, per lot or project, the index and band of
its latest *published* evaluation. Nothing of an evaluation in any other state is ever read here.

Cells are typed: text (neutralised against formula injection), money (Decimal, 2 places), integers,
dates and indices (Decimal, 1 place). Numbers and dates are never neutralised.
"""

import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import IO

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from grants.core.spreadsheets import csv_chunks, neutralise, xlsx_cell
from grants.extensions import db
from grants.lots.models import Lot
from grants.lots.operations import LotFilters
from grants.monitoring.models import Evaluation, EvaluationState, Methodology, SubjectKind
from grants.monitoring.registry import lot_query
from grants.projects.models import Project

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
    rows: Iterable[list]  # a list, or a generator read once as the file is written

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


# Rows are read from the database in batches of this many (a server-side cursor on PostgreSQL), so an
# export holds one batch in memory whatever the size of the registry (docs/performance.md#exports).
YIELD_PER = 500


def latest_published_subquery(kind: SubjectKind):
    """The newest published evaluation of each lot (kind lot) or project (kind project) as a subquery
    (subject_id, index_value, band, methodology_id): the order of grants.portal.results.latest_for_lots,
    newest publication first, computed by the database for every subject at once."""
    column = Evaluation.lot_id if kind == SubjectKind.lot else Evaluation.project_id
    ranked = (
        select(
            column.label("subject_id"),
            Evaluation.index_value,
            Evaluation.band,
            Evaluation.methodology_id,
            func.row_number()
            .over(partition_by=column, order_by=(Evaluation.published_at.desc(), Evaluation.id.desc()))
            .label("rank"),
        )
        .where(Evaluation.state == EvaluationState.published, Evaluation.kind == kind, column.is_not(None))
        .subquery()
    )
    return select(ranked).where(ranked.c.rank == 1).subquery()


def _methodologies() -> dict[int, Methodology]:
    return {m.id: m for m in db.session.scalars(select(Methodology))}


def _published_cells(methodologies: dict[int, Methodology], index_value, band, methodology_id) -> list:
    """_result_cells of a row of latest_published_subquery (all None: nothing published)."""
    if methodology_id is None:
        return [None, None, None]
    title = (methodologies[methodology_id].band_title(band) or None) if band else None
    return [index(index_value), band, title]


def _streamed(query) -> Iterator:
    """The rows of the query read YIELD_PER at a time. The query runs at the first row asked for: a
    streamed response asks while it is sent, in the request's context pushed again around the body
    (flask.stream_with_context), after the view's own session has been closed."""
    yield from db.session.execute(query.execution_options(yield_per=YIELD_PER))


def lot_table(filters: LotFilters) -> Table:
    """The lots of the registry filters: one query (lots joined with their administrator, region,
    sphere, contracted total and latest published result), read in batches; rows is a generator."""
    totals = (
        select(Project.lot_id, func.sum(Project.amount).label("total"))
        .where(Project.binds_budget)
        .group_by(Project.lot_id)
        .subquery()
    )
    latest = latest_published_subquery(SubjectKind.lot)
    query = (
        lot_query(filters)
        .add_columns(totals.c.total, latest.c.index_value, latest.c.band, latest.c.methodology_id)
        .outerjoin(totals, totals.c.lot_id == Lot.id)
        .outerjoin(latest, latest.c.subject_id == Lot.id)
        .options(joinedload(Lot.region), joinedload(Lot.administrator), joinedload(Lot.sphere))
    )
    found = _streamed(query)

    def rows() -> Iterator[list]:
        methodologies = _methodologies()
        for lot, total, index_value, band, methodology_id in found:
            yield [
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
                money(total if total is not None else 0),
                *_published_cells(methodologies, index_value, band, methodology_id),
            ]

    return Table("lots", LOT_COLUMNS, rows())


def project_query(filters: LotFilters):
    """Projects whose lot matches the registry filters, in registry order."""
    lot_ids = lot_query(filters).with_only_columns(Lot.id).order_by(None)
    return (
        select(Project)
        .join(Lot, Project.lot_id == Lot.id)
        .where(Project.lot_id.in_(lot_ids))
        .options(contains_eager(Project.lot), joinedload(Project.ngo))
        .order_by(Lot.year.desc(), Lot.number, Project.contract_date, Project.id)
    )


def project_table(filters: LotFilters) -> Table:
    """Projects of the selected lots: one query (with lot, NGO and latest published result), in batches."""
    latest = latest_published_subquery(SubjectKind.project)
    query = (
        project_query(filters)
        .add_columns(latest.c.index_value, latest.c.band, latest.c.methodology_id)
        .outerjoin(latest, latest.c.subject_id == Project.id)
    )
    found = _streamed(query)

    def rows() -> Iterator[list]:
        methodologies = _methodologies()
        for project, index_value, band, methodology_id in found:
            yield [
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
                *_published_cells(methodologies, index_value, band, methodology_id),
            ]

    return Table("projects", PROJECT_COLUMNS, rows())


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


def xlsx_file(table: Table) -> IO[bytes]:
    """The same rows as the CSV in one sheet: numbers as numbers, dates as dates, text as text.

    Written in openpyxl's write-only mode, row by row, into a temporary file (open, at its start) that
    the caller streams and closes: the workbook is never held in memory (docs/performance.md#exports)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.name)
    sheet.freeze_panes = "A2"
    sheet.append([xlsx_cell(sheet, text, neutralised=True, font=BOLD) for text in table.headers()])
    for row in table.rows:
        sheet.append(
            [_xlsx_cell(sheet, column, value) for column, value in zip(table.columns, row, strict=True)]
        )
    out = tempfile.TemporaryFile()
    try:
        book.save(out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return out


def to_xlsx(table: Table) -> bytes:
    with xlsx_file(table) as out:
        return out.read()
