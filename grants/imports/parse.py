"""Reading import files (docs/domain.md#import-formats): XLSX or CSV, one header row, ru/kk/en headers in any order.

A file is recognised by its content, not by its name: an XLSX is a ZIP holding
xl/workbook.xml; anything else must decode as UTF-8 text (with or without BOM) and is read
as CSV with `;` or `,` as the delimiter. Row numbers are those a spreadsheet shows: the
header is row 1.
"""

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _

from grants.core.identifiers import is_valid_bin
from grants.core.money import CENT, parse_amount
from grants.core.validation import bad_text

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000  # data rows per file
MAX_UNPACKED = 300 * 1024 * 1024  # an XLSX may not unpack to more than this (zip bombs)
# What an XLSX may expand to in memory (docs/input-validation.md), checked by a streaming scan of
# its XML before openpyxl reads it: a 286 KB file can hold one 280 MB string.
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_TEXT_CHARS = 40_000_000  # all the text of the workbook's parts together
MAX_SHARED_STRINGS = 1_000_000
MAX_COLUMNS = 1_000  # cells in one row; only the first MAX_COLUMNS columns are read
SCAN_CHUNK = 64 * 1024
AMOUNT_LIMIT = Decimal(10) ** 16  # NUMERIC(18,2)


@dataclass(frozen=True, order=True)
class RowError:
    """One problem: row as numbered in the spreadsheet (None: the whole file), column header as written."""

    row: int | None
    column: str | None
    message: str

    def describe(self) -> str:
        if self.row is not None and self.column:
            return _(
                "Row %(row)s, column «%(column)s»: %(message)s",
                row=self.row,
                column=self.column,
                message=self.message,
            )
        if self.row is not None:
            return _("Row %(row)s: %(message)s", row=self.row, message=self.message)
        if self.column:
            return _("Column «%(column)s»: %(message)s", column=self.column, message=self.message)
        return self.message


class FileProblem(Exception):
    """The file cannot be read as an import at all (size, format, header)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def max_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large() -> FileProblem:
    limit = max_bytes()
    if limit >= 1024 * 1024:
        message = _(
            "The file is too large: at most %(n)s MB can be imported.", n=round(limit / (1024 * 1024))
        )
    else:
        message = _("The file is too large: at most %(n)s KB can be imported.", n=max(1, round(limit / 1024)))
    return FileProblem([RowError(None, None, message)])


# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    ru: str
    kk: str
    en: str
    required: bool = False
    synonyms: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.ru, self.kk, self.en, *self.synonyms)

    def title(self, lang: str) -> str:
        return {"ru": self.ru, "kk": self.kk, "en": self.en}.get(lang, self.ru)


def normalise_header(text) -> str:
    """Headers match case-, whitespace- and punctuation-insensitively: 'Сумма,  тенге' = 'сумма тенге'."""
    value = str(text or "").casefold().replace("ё", "е")
    value = re.sub(r"[,.:;()\[\]*\"'«»]", " ", value)
    return " ".join(value.split())


@dataclass
class Table:
    """The header row and the data rows of a file; `columns` maps a column key to (index, header as written)."""

    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    language: str = "ru"

    def value(self, cells: list, key: str):
        if key not in self.columns:
            return None
        index = self.columns[key][0]
        return cells[index] if index < len(cells) else None

    def header(self, key: str) -> str:
        return self.columns[key][1]

    def has(self, key: str) -> bool:
        return key in self.columns


def map_columns(table: Table, columns: list[Column]) -> list[RowError]:
    """Find each known column in the header row; errors for missing required and repeated columns."""
    lookup = {}
    for column in columns:
        for lang, name in (("ru", column.ru), ("kk", column.kk), ("en", column.en)):
            lookup.setdefault(normalise_header(name), (column, lang))
        for name in column.synonyms:
            lookup.setdefault(normalise_header(name), (column, None))
    errors = []
    votes = {"ru": 0, "kk": 0, "en": 0}
    for index, header in enumerate(table.headers):
        found = lookup.get(normalise_header(header))
        if found is None:
            continue  # extra columns of the ministry's export are ignored
        column, lang = found
        if lang:
            votes[lang] += 1
        if column.key in table.columns:
            errors.append(RowError(1, header, _("This column appears twice in the header row.")))
            continue
        table.columns[column.key] = (index, header)
    table.language = max(votes, key=lambda lang: (votes[lang], lang == "ru"))
    for column in columns:
        if column.required and column.key not in table.columns:
            errors.append(RowError(1, column.title(table.language), _("A required column is missing.")))
    return errors


# --- reading --------------------------------------------------------------------------------


def read_table(content: bytes, columns: list[Column]) -> Table:
    """The file's header and non-empty rows; raises FileProblem when it is not a readable spreadsheet."""
    if len(content) > max_bytes():
        raise too_large()
    if content.startswith(b"PK"):
        rows = _xlsx_rows(content)
    else:
        rows = _csv_rows(content, columns)
    table = None
    for number, cells in rows:
        if table is None:
            if not any(_blank(c) is False for c in cells):
                continue
            table = Table(headers=[str(c).strip() if c is not None else "" for c in cells])
            continue
        if all(_blank(c) for c in cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise FileProblem(
                [RowError(None, None, _("The file has too many rows: at most %(n)s.", n=MAX_ROWS))]
            )
        table.rows.append((number, list(cells)))
    if table is None:
        raise FileProblem([RowError(None, None, _("The file is empty: it has no header row."))])
    return table


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _not_a_spreadsheet() -> FileProblem:
    return FileProblem(
        [
            RowError(
                None, None, _("The file is not a spreadsheet: upload an XLSX file or a CSV file in UTF-8.")
            )
        ]
    )


def _xlsx_rows(content: bytes):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_spreadsheet() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet()
    if unpacked > MAX_UNPACKED:
        raise too_large()
    _scan_xlsx(content)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                rows = []
                rows_read = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
                for number, cells in enumerate(rows_read, start=1):
                    rows.append((number, list(cells)))
                    if len(rows) > MAX_ROWS + 100:
                        break
            finally:
                workbook.close()
    except Exception:  # noqa: BLE001 - any failure of the reader means the file is not a usable workbook
        raise _not_a_spreadsheet() from None
    return rows


class _ScanDone(Exception):
    """A worksheet was scanned as far as it will be read."""


def _scan_xlsx(content: bytes) -> None:
    """Refuse an XLSX whose XML would expand beyond the limits above, reading it in chunks with expat
    (never holding more than one chunk of a string), before openpyxl materialises anything."""
    from xml.parsers import expat

    totals = {"text": 0, "strings": 0}

    def problem(message) -> FileProblem:
        return FileProblem([RowError(None, None, message)])

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            worksheet = info.filename.startswith("xl/worksheets/")
            state = {"node": 0, "rows": 0, "cells": 0}
            parser = expat.ParserCreate()
            parser.buffer_text = True
            parser.buffer_size = SCAN_CHUNK

            def doctype(*args):
                raise _not_a_spreadsheet()  # no spreadsheet declares entities; refusing them is safest

            def start(name, attrs, state=state, worksheet=worksheet):
                state["node"] = 0
                local = name.rsplit(":", 1)[-1]
                if local == "si":
                    totals["strings"] += 1
                    if totals["strings"] > MAX_SHARED_STRINGS:
                        raise problem(
                            _("The file has too many different texts: at most %(n)s.", n=MAX_SHARED_STRINGS)
                        )
                elif worksheet and local == "row":
                    state["rows"] += 1
                    state["cells"] = 0
                    if state["rows"] > MAX_ROWS + 100:
                        raise _ScanDone  # reading stops here too (_xlsx_rows)
                elif worksheet and local == "c":
                    state["cells"] += 1
                    if state["cells"] > MAX_COLUMNS:
                        raise problem(_("The file has too many columns: at most %(n)s.", n=MAX_COLUMNS))

            def text(data, state=state):
                state["node"] += len(data)
                totals["text"] += len(data)
                if state["node"] > MAX_CELL_CHARS:
                    raise problem(_("A cell holds more than %(n)s characters.", n=MAX_CELL_CHARS))
                if totals["text"] > MAX_TEXT_CHARS:
                    raise problem(
                        _(
                            "The file holds too much text: at most %(n)s million characters.",
                            n=MAX_TEXT_CHARS // 10**6,
                        )
                    )

            parser.StartDoctypeDeclHandler = doctype
            parser.EntityDeclHandler = doctype
            parser.StartElementHandler = start
            parser.CharacterDataHandler = text
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(SCAN_CHUNK):
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
            except _ScanDone:
                continue
            except (expat.ExpatError, zipfile.BadZipFile, ValueError, OSError, EOFError):
                raise _not_a_spreadsheet() from None


def _csv_rows(content: bytes, columns: list[Column]):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_a_spreadsheet() from None
    if "\x00" in text:
        raise _not_a_spreadsheet()
    first_line = text.split("\n", 1)[0]
    known = {normalise_header(name) for column in columns for name in column.names()}

    def score(delimiter: str):
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            return (0, 0)
        return (sum(normalise_header(c) in known for c in cells), len(cells))

    delimiter = max((";", ","), key=score)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows = []
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells))
            if len(rows) > MAX_ROWS + 100:
                break
    except csv.Error:
        raise _not_a_spreadsheet() from None
    return rows


# --- values ---------------------------------------------------------------------------------


class Invalid(ValueError):
    """A cell that cannot be read as the column's type; the message is for the user."""


def as_text(value, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.strftime("%d.%m.%Y")
    text = " ".join(str(value).split()) if "\n" not in str(value) else str(value).strip()
    if not text:
        return None
    if bad_text(text):  # the rule of every request value (docs/input-validation.md)
        raise Invalid(_("The text contains characters that are not allowed (control characters)."))
    if max_length and len(text) > max_length:
        raise Invalid(_("The text is too long: at most %(n)s characters.", n=max_length))
    return text


def as_amount(value) -> Decimal | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise Invalid(_("Enter an amount in tenge, for example 12 500 000,00."))
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        if not amount.is_finite():
            raise Invalid(_("Enter an amount in tenge, for example 12 500 000,00."))
        if abs(amount) >= AMOUNT_LIMIT:  # before quantize, which fails on numbers this large
            raise Invalid(_("The number is too large."))
        amount = amount.quantize(CENT)
    else:
        amount = parse_amount(str(value))
        if amount is None:
            raise Invalid(_("Enter an amount in tenge, for example 12 500 000,00."))
    if amount < 0:
        raise Invalid(_("The amount cannot be negative."))
    if amount == 0:
        raise Invalid(_("The amount must be greater than zero."))
    if amount >= AMOUNT_LIMIT:
        raise Invalid(_("The number is too large."))
    return amount


_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")


def as_date(value) -> date | None:
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise Invalid(_("Enter the date as dd.mm.yyyy, for example 01.03.2025."))


def as_year(value) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{4}", text) or not 2005 <= int(text) <= 2100:
        raise Invalid(_("Enter the year as four digits, for example 2025."))
    return int(text)


COUNT_LIMIT = 2**31 - 1  # INTEGER columns


def as_count(value) -> int | None:
    """A count of things (bids, people): a whole number, zero or more."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = re.sub(r"[\s\u00a0]", "", str(value))
    if isinstance(value, bool) or not re.fullmatch(r"[0-9]{1,10}", text):
        raise Invalid(_("Enter a whole number, zero or more, for example 3."))
    if int(text) > COUNT_LIMIT:
        raise Invalid(_("The number is too large."))
    return int(text)


def _digits(value, length: int) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value).zfill(length)  # a numeric cell loses leading zeros
    return re.sub(r"[\s\u00a0]", "", str(value))


def as_bin(value) -> str | None:
    text = _digits(value, 12)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{12}", text):
        raise Invalid(_("A BIN is 12 digits."))
    if not is_valid_bin(text):
        raise Invalid(_("The BIN's check digit is wrong: check the number."))
    return text


def as_kato(value) -> str | None:
    text = _digits(value, 9)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{9}", text):
        raise Invalid(_("A KATO code is 9 digits."))
    return text
