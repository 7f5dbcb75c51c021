"""Import files for the tests: lot and project rows written as CSV or XLSX."""

import csv
import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from grants.extensions import db
from grants.lots.models import Lot
from grants.organisations.models import Organisation, OrganisationKind
from tests.factories import ministry
from tests.helpers import audit_count  # noqa: F401  (imported from here by import tests)

LOT_HEADERS = [
    "Номер лота", "Год", "Наименование лота", "БИН администратора", "КАТО", "Сфера", "Сумма, тенге",
    "Целевая группа", "Цель", "Ожидаемые результаты", "Дата начала", "Дата окончания",
]  # fmt: skip
PROJECT_HEADERS = [
    "Номер договора", "Дата договора", "Номер лота", "Год", "БИН НПО", "Наименование НПО",
    "Сумма договора, тенге", "Дата начала", "Дата окончания",
]  # fmt: skip
YEAR = 2033
PREFIX = "IMP"


def own_bin() -> str:
    return db.session.get(Organisation, ministry().organisation_id).bin


def other_admin_bin() -> str:
    return db.session.scalar(
        select(Organisation.bin)
        .where(
            Organisation.kind == OrganisationKind.government, Organisation.id != ministry().organisation_id
        )
        .order_by(Organisation.id)
        .limit(1)
    )


def lot_row(n: int, admin_bin: str | None = None, **overrides) -> dict:
    row = {
        "Номер лота": f"{PREFIX}-{n:04d}",
        "Год": str(YEAR),
        "Наименование лота": f"Профилактика правонарушений среди подростков, лот {n}",
        "БИН администратора": admin_bin or own_bin(),
        "КАТО": "711210000",
        "Сфера": "offence_prevention",
        "Сумма, тенге": f"{1_000_000 + n * 1000:,}".replace(",", "\u00a0") + ",00",
        "Целевая группа": "подростки 14–18 лет",
        "Цель": "снижение числа правонарушений",
        "Ожидаемые результаты": "500 подростков вовлечены",
        "Дата начала": "01.03.2033",
        "Дата окончания": "30.11.2033",
    }
    row.update(overrides)
    return row


def lot_rows(count: int, **overrides) -> list[dict]:
    admin_bin = own_bin()
    return [lot_row(n, admin_bin, **overrides) for n in range(1, count + 1)]


def project_row(n: int, lot_number: str, **overrides) -> dict:
    row = {
        "Номер договора": f"IMP-C-{n:04d}",
        "Дата договора": "15.02.2033",
        "Номер лота": lot_number,
        "Год": str(YEAR),
        "БИН НПО": "061211600012",
        "Наименование НПО": "ОФ «Новое поколение»",
        "Сумма договора, тенге": "400 000,00",
        "Дата начала": "01.03.2033",
        "Дата окончания": "30.11.2033",
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], headers: list[str], delimiter: str = ";", bom: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headers])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[dict], headers: list[str], typed: bool = True) -> bytes:
    """An XLSX as Excel writes it: with typed=True amounts, years and dates are numbers and dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        cells = []
        for h in headers:
            value = row.get(h, "")
            if typed and h in ("Год",):
                value = int(value)
            elif typed and "Сумма" in h:
                value = float(value.replace("\u00a0", "").replace(" ", "").replace(",", "."))
            elif typed and h.startswith("Дата") and value:
                d, m, y = (int(x) for x in value.split("."))
                value = date(y, m, d)
            cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def imported_lots() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Lot).where(Lot.year == YEAR, Lot.number.like(f"{PREFIX}-%"))
    )
