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
    apply_rows,
    changed_fields,
    load_table,
    require_either,
    sort_errors,
)
from grants.imports.matching import organisation_matcher, region_matcher, sphere_matcher, status_matcher
from grants.imports.parse import (
    Column,
    RowError,
    as_amount,
    as_bin,
    as_count,
    as_date,
    as_kato,
    as_text,
    as_year,
)
from grants.lots.models import Lot, LotStatus, Sphere
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
        "Әкімшінің БСН-і",
        "Administrator BIN",
        False,
        (
            "Әкімшінің БСН",
            "Бюджеттік бағдарлама әкімшісінің БСН",
            "БИН администратора бюджетной программы",
            "Әкімші БСН",
        ),
    ),  # fmt: skip
    Column(
        "administrator_name",
        "Администратор",
        "Әкімші",
        "Administrator",
        False,
        (
            "Наименование администратора",
            "Администратор бюджетной программы",
            "Бюджеттік бағдарлама әкімшісі",
            "Әкімшінің атауы",
            "Administrator name",
        ),
    ),  # fmt: skip
    Column("kato", "КАТО", "ӘАОЖ", "KATO", False, ("Код КАТО", "ӘАОЖ коды", "KATO code", "ҚАТО")),
    Column(
        "region",
        "Регион",
        "Өңір",
        "Region",
        False,
        ("Область", "Облыс", "Область, город", "Облыс, қала", "Аймақ", "Region, city", "Oblast"),
    ),
    Column("sphere", "Сфера", "Сала", "Sphere", False, ("Направление", "Бағыт", "Direction")),
    Column("status", "Статус", "Мәртебесі", "Status", False, ("Состояние", "Мәртебе", "Күйі")),
    Column(
        "amount",
        "Сумма, тенге",
        "Сомасы, теңге",
        "Amount, tenge",
        True,
        ("Сумма, ₸", "Сомасы, ₸", "Amount, ₸", "Amount, KZT", "Сумма", "Сомасы", "Amount", "Сома, теңге"),
    ),  # fmt: skip
    Column("target_group", "Целевая группа", "Нысаналы топ", "Target group", False, ("Мақсатты топ",)),
    Column("goal", "Цель", "Мақсат", "Goal", False, ("Мақсаты",)),
    Column("expected_results", "Ожидаемые результаты", "Күтілетін нәтижелер", "Expected results"),
    Column("start_date", "Дата начала", "Басталу күні", "Start date"),
    Column("end_date", "Дата окончания", "Аяқталу күні", "End date"),
    # Bids received, from procurement data: a risk flag at one bid (docs/analytics.md#risk-flags).
    Column(
        "applicants", "Количество заявок", "Өтінімдер саны", "Applicants", False, ("Заявки", "Number of bids")
    ),
]

# How lot statuses are written besides their titles (docs/domain.md#name-matching).
STATUS_SYNONYMS = {
    "planned": ("Планируется", "Запланировано", "В плане", "Жоспарда"),
    "announced": ("Объявлено", "Конкурс объявлен", "Жарияланды", "Конкурс жарияланды"),
    "awarded": ("Победитель определен", "Определен победитель", "Жеңімпаз анықталды"),
    "in_implementation": ("На реализации", "В реализации", "Исполняется", "Іске асырылуда", "Орындалуда"),
    "completed": ("Завершено", "Завершен", "Исполнен", "Выполнен", "Аяқталды", "Орындалды"),
    "cancelled": ("Отменено", "Отменен", "Отмена", "Күшін жойды", "Жойылды"),
}

OPTIONAL_FIELDS = {  # file column -> lot field, set only when the file has the column
    "sphere": "sphere_id",
    "target_group": "target_group_ru",
    "goal": "goal_ru",
    "expected_results": "expected_results_ru",
    "start_date": "start_date",
    "end_date": "end_date",
}


def _regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.kato)))


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
    if table is not None and not errors:
        errors += require_either(table, LOT_COLUMNS, "administrator", "administrator_name")
        errors += require_either(table, LOT_COLUMNS, "kato", "region")
    if table is None or errors:
        result.errors = sort_errors(errors, table)
        return result
    regions = _regions()
    by_prefix = {region.kato[:2]: region for region in regions}
    region_names = region_matcher(regions) if table.has("region") else None
    spheres = sphere_matcher(db.session.scalars(select(Sphere))) if table.has("sphere") else None
    statuses = status_matcher(LotStatus, STATUS_SYNONYMS) if table.has("status") else None
    administrators = (
        organisation_matcher(db.session.scalars(select(Organisation).order_by(Organisation.id)))
        if table.has("administrator_name")
        else None
    )
    organisations: dict[str, Organisation | None] = {}
    shown: dict[int, dict] = {}  # what each row's names were matched to, for the preview
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
        bin_ = r.get("administrator", as_bin)
        org, org_column = None, "administrator"
        if bin_:
            if bin_ not in organisations:
                organisations[bin_] = db.session.scalar(select(Organisation).where(Organisation.bin == bin_))
            org = organisations[bin_]
            if org is None:
                r.error("administrator", _("No organisation with this BIN is registered."))
        elif administrators is not None:  # no BIN in this row: the administrator's name
            org, org_column = r.get("administrator_name", administrators.convert), "administrator_name"
        if org is None and not r.failed:
            r.error(
                org_column if table.has(org_column) else "administrator_name",
                _("Write the administrator's BIN or name."),
            )
        if org is not None:
            if org.kind != OrganisationKind.government:
                r.error(org_column, _("This organisation is not a government body."))
            elif not may_import_for(user, org.id):
                r.error(org_column, _("You can import only lots of your own organisation."))
            else:
                values["administrator_id"] = org.id
        kato = r.get("kato", as_kato) if table.has("kato") else None
        region = None
        if kato:
            region = by_prefix.get(kato[:2])
            if region is None:
                r.error("kato", _("Unknown KATO code: no region has the code %(kato)s.", kato=kato))
        if region_names is not None:
            named = r.get("region", region_names.convert)
            if named is not None and region is not None and named.id != region.id:
                r.error(
                    "region",
                    _(
                        "The KATO code %(kato)s lies in «%(region)s», not in «%(named)s».",
                        kato=kato,
                        region=region.name,
                        named=named.name,
                    ),
                )
            region = region or named
        if region is None and not r.failed:
            r.error("kato" if table.has("kato") else "region", _("Write the KATO code or the region."))
        if region is not None:
            values["region_id"] = region.id
            if table.has("kato"):
                values["kato"] = kato
        if spheres is not None:
            sphere = r.get("sphere", spheres.convert)
            values["sphere_id"] = sphere.id if sphere else None
        if statuses is not None:
            status = r.get("status", statuses.convert)
            if status is not None:
                values["status"] = status
        for key in ("target_group", "goal", "expected_results"):
            if table.has(key):
                values[OPTIONAL_FIELDS[key]] = r.get(key, as_text)
        for key in ("start_date", "end_date"):
            if table.has(key):
                values[key] = r.get(key, as_date)
        if table.has("applicants"):
            values["applicants"] = r.get("applicants", as_count)
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
            shown[number] = {"region": region, "administrator": org}
    existing = _existing_lots({key for _n, key, _v in parsed})
    prefixes = {region.id: region.kato[:2] for region in regions}
    for number, key, values in parsed:
        lot = existing.get(key)
        if lot is not None and "kato" not in values and lot.kato:
            if lot.kato[:2] != prefixes[values["region_id"]]:
                values["kato"] = None  # the lot moves to a region its old KATO code is not in
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
                number,
                action,
                label,
                values,
                lot,
                {"title": values["title_ru"], "amount": values["budget"], **shown[number]},
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
        apply_rows(result.rows, Lot, "lot.import", actor)
    return result
