"""Import of lots (docs/domain.md#import-formats), keyed by lot number and year: all rows or none."""

from flask_babel import gettext as _
from sqlalchemy import select

from grants.core.i18n import money
from grants.extensions import db
from grants.imports.common import (
    CREATE,
    UNCHANGED,
    UPDATE,
    ImportResult,
    PlannedRow,
    RowReader,
    apply_row,
    changed_fields,
    load_table,
    sort_errors,
)
from grants.imports.parse import Column, RowError, as_amount, as_bin, as_date, as_kato, as_text, as_year
from grants.lots.models import Lot, Sphere
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.operations import contracted_total
from grants.regions.models import Region

LOT_COLUMNS = [
    Column("number", "Номер лота", "Лот нөмірі", "Lot number", True, ("№ лота", "Лоттың нөмірі", "Lot No")),
    Column("year", "Год", "Жыл", "Year", True, ("Жылы",)),
    Column(
        "title", "Наименование лота", "Лоттың атауы", "Lot title", True, ("Лот атауы", "Lot name", "Title")
    ),
    Column(
        "administrator",
        "БИН администратора",
        "Әкімшінің БСН",
        "Administrator BIN",
        True,
        ("Бюджеттік бағдарлама әкімшісінің БСН", "БИН администратора бюджетной программы", "Әкімші БСН"),
    ),  # fmt: skip
    Column("kato", "КАТО", "ӘАОЖ", "KATO", True, ("Код КАТО", "ӘАОЖ коды", "KATO code", "ҚАТО")),
    Column("sphere", "Сфера", "Сала", "Sphere", False, ("Направление", "Бағыт", "Direction")),
    Column(
        "amount",
        "Сумма, тенге",
        "Сомасы, теңге",
        "Amount, tenge",
        True,
        ("Сумма, ₸", "Сомасы, ₸", "Amount, ₸", "Amount, KZT", "Сумма", "Сомасы", "Amount", "Сома, теңге"),
    ),  # fmt: skip
    Column("target_group", "Целевая группа", "Мақсатты топ", "Target group"),
    Column("goal", "Цель", "Мақсаты", "Goal", False, ("Мақсат",)),
    Column("expected_results", "Ожидаемые результаты", "Күтілетін нәтижелер", "Expected results"),
    Column("start_date", "Дата начала", "Басталу күні", "Start date"),
    Column("end_date", "Дата окончания", "Аяқталу күні", "End date"),
]

OPTIONAL_FIELDS = {  # file column -> lot field, set only when the file has the column
    "sphere": "sphere_id",
    "target_group": "target_group_ru",
    "goal": "goal_ru",
    "expected_results": "expected_results_ru",
    "start_date": "start_date",
    "end_date": "end_date",
}


def _regions_by_prefix() -> dict[str, Region]:
    return {region.kato[:2]: region for region in db.session.scalars(select(Region))}


def _spheres() -> dict[str, Sphere]:
    found = {}
    for sphere in db.session.scalars(select(Sphere)):
        for name in (sphere.code, sphere.name_ru, sphere.name_kk, sphere.name_en):
            if name:
                found.setdefault(" ".join(name.casefold().split()), sphere)
    return found


def _existing_lots(keys: set[tuple[str, int]]) -> dict[tuple[str, int], Lot]:
    numbers = sorted({number for number, _year in keys})
    found = {}
    for start in range(0, len(numbers), 500):
        for lot in db.session.scalars(select(Lot).where(Lot.number.in_(numbers[start : start + 500]))):
            if (lot.number, lot.year) in keys:
                found[(lot.number, lot.year)] = lot
    return found


def may_import_for(user, organisation_id: int) -> bool:
    """The CLI (user None) and admins import for anyone; ministry staff for their own organisation."""
    if user is None or user.has_role("admin"):
        return True
    return user.has_role("ministry") and user.works_for(organisation_id)


def validate_lots(content: bytes, user=None) -> ImportResult:
    """Read and check every row of a lot file; the result lists every error or plans every row."""
    result = ImportResult("lots")
    table, errors = load_table(content, LOT_COLUMNS)
    result.errors = errors
    if table is None or errors:
        result.errors = sort_errors(errors, table)
        return result
    regions = _regions_by_prefix()
    spheres = _spheres()
    organisations: dict[str, Organisation | None] = {}
    parsed = []
    seen: dict[tuple[str, int], int] = {}
    for number, cells in table.rows:
        r = RowReader(table, number, cells, errors)
        values = {
            "number": r.get("number", as_text, required=True, max_length=50),
            "year": r.get("year", as_year, required=True),
            "title_ru": r.get("title", as_text, required=True, max_length=500),
            "budget": r.get("amount", as_amount, required=True),
        }
        bin_ = r.get("administrator", as_bin, required=True)
        if bin_:
            if bin_ not in organisations:
                organisations[bin_] = db.session.scalar(select(Organisation).where(Organisation.bin == bin_))
            org = organisations[bin_]
            if org is None:
                r.error("administrator", _("No organisation with this BIN is registered."))
            elif org.kind != OrganisationKind.government:
                r.error("administrator", _("This organisation is not a government body."))
            elif not may_import_for(user, org.id):
                r.error("administrator", _("You can import only lots of your own organisation."))
            else:
                values["administrator_id"] = org.id
        kato = r.get("kato", as_kato, required=True)
        if kato:
            region = regions.get(kato[:2])
            if region is None:
                r.error("kato", _("Unknown KATO code: no region has the code %(kato)s.", kato=kato))
            else:
                values["kato"], values["region_id"] = kato, region.id
        if table.has("sphere"):
            name = r.get("sphere", as_text)
            sphere = spheres.get(" ".join(name.casefold().split())) if name else None
            if name and sphere is None:
                r.error("sphere", _("Unknown sphere: write its code or its name."))
            values["sphere_id"] = sphere.id if sphere else None
        for key in ("target_group", "goal", "expected_results"):
            if table.has(key):
                values[OPTIONAL_FIELDS[key]] = r.get(key, as_text)
        for key in ("start_date", "end_date"):
            if table.has(key):
                values[key] = r.get(key, as_date)
        if values.get("start_date") and values.get("end_date") and values["end_date"] < values["start_date"]:
            r.error("end_date", _("The end date cannot be before the start date."))
        key = (values["number"], values["year"])
        if values["number"] and values["year"]:
            if key in seen:
                r.error(
                    "number", _("Duplicate row: the same lot number and year as row %(row)s.", row=seen[key])
                )
            else:
                seen[key] = number
        if not r.failed:
            parsed.append((number, key, values))
    existing = _existing_lots({key for _n, key, _v in parsed})
    for number, key, values in parsed:
        lot = existing.get(key)
        label = f"{key[0]}/{key[1]}"
        if lot is None:
            action = CREATE
        else:
            if lot.administrator_id != values["administrator_id"]:
                errors.append(
                    RowError(
                        number,
                        table.header("administrator"),
                        _("Lot %(key)s belongs to another administrator.", key=label),
                    )
                )
                continue
            contracted = contracted_total(lot.id)
            if values["budget"] < contracted:
                errors.append(
                    RowError(
                        number,
                        table.header("amount"),
                        _(
                            "The budget cannot be less than the contracts signed for this lot (%(amount)s).",
                            amount=money(contracted),
                        ),
                    )
                )
                continue
            action = UPDATE if changed_fields(lot, values) else UNCHANGED
        result.rows.append(
            PlannedRow(
                number, action, label, values, lot, {"title": values["title_ru"], "amount": values["budget"]}
            )
        )
    result.errors = sort_errors(errors, table)
    if result.errors:
        result.rows = []
    return result


def apply_lots(result: ImportResult, actor=None) -> ImportResult:
    """Write a validated plan in one savepoint (the caller commits); actor None is the system."""
    assert result.ok, "a file with errors is never applied"
    with db.session.begin_nested():
        for planned in result.rows:
            apply_row(planned, Lot, "lot.import", actor)
    return result
