"""Cells of the CSV and XLSX files the service writes, made safe in one place (docs/formatting.md#spreadsheet-cells).

A text cell starting with a formula trigger is prefixed with `'` in CSV (neutralise), so that no
spreadsheet evaluates it; an XLSX cell is written in openpyxl's write-only mode, stripped of the control
characters XML cannot hold, and a text cell is stored as text (data type "s"): openpyxl never writes it
as a formula, whatever it starts with.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

BOM = "\ufeff"  # the first character of every CSV: Excel then reads it as UTF-8
# A text cell starting with one of these is read as a formula (or DDE) by spreadsheets; the full-width
# forms are honoured by some East Asian locales of Excel.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_CHUNK = 64 * 1024  # characters of CSV text gathered before a chunk is handed on


def neutralise(value: str) -> str:
    """'=HYPERLINK(...)' -> "'=HYPERLINK(...)": shown as text, never evaluated."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def csv_chunks(rows: Iterable[list[str]], delimiter: str = ",") -> Iterator[str]:
    """CSV text in chunks of about CSV_CHUNK characters: the BOM first, CRLF line ends, minimal quoting.

    The rows are cells already written as text (and neutralised by the caller); they are read one at
    a time, so a generator of rows is written in constant memory.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    buffer.write(BOM)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > CSV_CHUNK:
            yield flush()
    yield flush()


def csv_bytes(rows: Iterable[list[str]], delimiter: str = ",") -> bytes:
    """The whole CSV of csv_chunks as UTF-8 bytes."""
    return "".join(csv_chunks(rows, delimiter)).encode("utf-8")


def xlsx_cell(
    sheet,
    value,
    *,
    neutralised: bool = False,
    font=None,
    number_format: str | None = None,
    alignment=None,
) -> WriteOnlyCell:
    """A cell of a write-only sheet. Text loses the characters XML cannot hold and is stored as text
    (never a formula); `neutralised` also prefixes formula-like text with `'` as the CSVs do."""
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=neutralise(text) if neutralised else text)
        cell.data_type = "s"
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if font is not None:
        cell.font = font
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell
