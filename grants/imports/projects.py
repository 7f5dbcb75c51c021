"""Import of projects (contracts, docs/domain.md#import-formats), keyed by contract number: all rows or none.

The lot must exist; an NGO unknown by BIN is created from the name in the file. Contract
amounts must fit the lot's budget together with its other standing contracts and the other
rows of the same file.
"""

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from grants.audit.operations import record
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
from grants.imports.lots import may_import_for
from grants.imports.matching import Unknown, organisation_matcher, status_matcher
from grants.imports.parse import Column, Invalid, RowError, as_amount, as_bin, as_date, as_text, as_year
from grants.lots.models import Lot
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project, ProjectStatus
from grants.projects.operations import contracted_total

PROJECT_COLUMNS = [
    Column(
        "contract_number",
        "Номер договора",
        "Шарт нөмірі",
        "Contract number",
        True,
        ("№ договора", "Шарттың нөмірі", "Contract No"),
    ),  # fmt: skip
    Column(
        "contract_date",
        "Дата договора",
        "Шарттың күні",
        "Contract date",
        True,
        ("Шарт күні", "Шарт жасалған күн"),
    ),
    Column(
        "lot_number", "Номер лота", "Лот нөмірі", "Lot number", True, ("№ лота", "Лоттың нөмірі", "Lot No")
    ),
    Column("year", "Год", "Жыл", "Year", True, ("Жылы",)),
    Column(
        "ngo_bin", "БИН НПО", "ҮЕҰ БСН", "NGO BIN", False, ("БИН некоммерческой организации", "ҮЕҰ-ның БСН")
    ),
    Column(
        "ngo_name",
        "Наименование НПО",
        "ҮЕҰ атауы",
        "NGO name",
        True,
        ("ҮЕҰ-ның атауы", "Наименование организации"),
    ),
    Column(
        "amount",
        "Сумма договора, тенге",
        "Шарт сомасы, теңге",
        "Contract amount, tenge",
        True,
        (
            "Сумма договора, ₸",
            "Шарт сомасы, ₸",
            "Contract amount, ₸",
            "Contract amount, KZT",
            "Сумма договора",
            "Шарт сомасы",
            "Contract amount",
            "Шарттың сомасы, теңге",
        ),
    ),  # fmt: skip
    Column("start_date", "Дата начала", "Басталу күні", "Start date", True),
    Column("end_date", "Дата окончания", "Аяқталу күні", "End date", True),
    Column("status", "Статус", "Мәртебесі", "Status", False, ("Состояние", "Мәртебе", "Күйі")),
]

# How contract statuses are written besides their titles (docs/domain.md#name-matching).
STATUS_SYNONYMS = {
    "contracted": ("Заключен", "Договор заключен", "Подписан", "Договор подписан", "Шарт жасалды"),
    "in_implementation": ("На реализации", "В реализации", "Исполняется", "Іске асырылуда", "Орындалуда"),
    "completed": ("Завершено", "Завершен", "Исполнен", "Выполнен", "Аяқталды", "Орындалды"),
    "terminated": ("Расторгнут", "Договор расторгнут", "Прекращено", "Прекращен", "Бұзылды", "Тоқтатылды"),
}


def _existing(model, column, values: set) -> dict:
    values = sorted(values)
    found = {}
    for start in range(0, len(values), 500):
        for obj in db.session.scalars(select(model).where(column.in_(values[start : start + 500]))):
            found[getattr(obj, column.key)] = obj
    return found


def _lots(keys: set[tuple[str, int]]) -> dict[tuple[str, int], Lot]:
    found = {}
    numbers = sorted({n for n, _y in keys})
    for start in range(0, len(numbers), 500):
        for lot in db.session.scalars(select(Lot).where(Lot.number.in_(numbers[start : start + 500]))):
            if (lot.number, lot.year) in keys:
                found[(lot.number, lot.year)] = lot
    return found


def validate_projects(content: bytes, user=None) -> ImportResult:
    """Read and check every row of a project file; the result lists every error or plans every row."""
    result = ImportResult("projects")
    table, errors = load_table(content, PROJECT_COLUMNS)
    if table is None or errors:
        result.errors = sort_errors(errors, table)
        return result
    parsed = []
    seen: dict[str, int] = {}
    statuses = status_matcher(ProjectStatus, STATUS_SYNONYMS) if table.has("status") else None
    names = None  # NGOs by name, for rows without a BIN (read once, when the first such row comes)
    for number, cells in table.rows:
        r = RowReader(table, number, cells, errors)
        row = {
            "contract_number": r.get("contract_number", as_text, required=True, max_length=60),
            "contract_date": r.get("contract_date", as_date, required=True),
            "lot_number": r.get("lot_number", as_text, required=True, max_length=50),
            "year": r.get("year", as_year, required=True),
            "ngo_bin": r.get("ngo_bin", as_bin),
            "ngo_name": r.get("ngo_name", as_text, required=True, max_length=500),
            "amount": r.get("amount", as_amount, required=True),
            "start_date": r.get("start_date", as_date, required=True),
            "end_date": r.get("end_date", as_date, required=True),
        }
        if statuses is not None:
            row["status"] = r.get("status", statuses.convert)
        if row["ngo_bin"] is None and row["ngo_name"]:  # an NGO already registered, by its name
            if names is None:
                names = organisation_matcher(
                    db.session.scalars(
                        select(Organisation).where(Organisation.kind != OrganisationKind.government)
                    )
                )
            try:
                row["ngo_bin"] = names.find(row["ngo_name"]).bin
            except Unknown as exc:
                r.error(
                    "ngo_name",
                    f"{exc} " + _("A new NGO is registered only with its BIN: fill in the BIN column."),
                )
            except Invalid as exc:
                r.error("ngo_name", str(exc))
        if row["start_date"] and row["end_date"] and row["end_date"] < row["start_date"]:
            r.error("end_date", _("The end date cannot be before the start date."))
        if row["contract_number"]:
            if row["contract_number"] in seen:
                r.error(
                    "contract_number",
                    _(
                        "Duplicate row: the same contract number as row %(row)s.",
                        row=seen[row["contract_number"]],
                    ),
                )
            else:
                seen[row["contract_number"]] = number
        # The lot and the NGO are looked up below even for rows with other errors, so every error shows.
        parsed.append((number, row, r.failed))

    lots = _lots(
        {(row["lot_number"], row["year"]) for _n, row, _f in parsed if row["lot_number"] and row["year"]}
    )
    ngos = _existing(
        Organisation, Organisation.bin, {row["ngo_bin"] for _n, row, _f in parsed if row["ngo_bin"]}
    )
    projects = _existing(
        Project,
        Project.contract_number,
        {row["contract_number"] for _n, row, _f in parsed if row["contract_number"]},
    )
    new_ngos: dict[str, str] = {}  # BIN -> name of NGOs the file creates
    good = []
    for number, row, failed in parsed:
        bad = failed

        def error(key: str, message: str, number=number) -> None:
            errors.append(RowError(number, table.header(key), str(message)))

        lot = lots.get((row["lot_number"], row["year"]))
        if row["lot_number"] and row["year"]:
            if lot is None:
                error("lot_number", _("No lot with this number and year."))
                bad = True
            elif not may_import_for(user, lot.administrator_id):
                error("lot_number", _("You can import only contracts of your own organisation's lots."))
                bad = True
        if row["ngo_bin"]:
            ngo = ngos.get(row["ngo_bin"])
            if ngo is not None and ngo.kind == OrganisationKind.government:
                error("ngo_bin", _("This BIN belongs to a government body, not to an NGO."))
                bad = True
            elif ngo is None and row["ngo_name"]:
                new_ngos.setdefault(row["ngo_bin"], row["ngo_name"])
        project = projects.get(row["contract_number"])
        if project is not None and lot is not None and project.lot_id != lot.id:
            error(
                "lot_number",
                _(
                    "This contract is registered under lot %(key)s.",
                    key=f"{project.lot.number}/{project.lot.year}",
                ),
            )
            bad = True
        elif project is not None and not may_import_for(user, project.lot.administrator_id):
            error("contract_number", _("You can import only contracts of your own organisation's lots."))
            bad = True
        if not bad:
            good.append((number, row, lot, project))

    # Budgets: each lot's standing contracts outside the file plus the file's rows, in file order.
    numbers_by_lot: dict[int, set[str]] = defaultdict(set)
    for _number, row, lot, _project in good:
        numbers_by_lot[lot.id].add(row["contract_number"])
    totals = {
        lot_id: contracted_total(lot_id, exclude_numbers=numbers)
        for lot_id, numbers in numbers_by_lot.items()
    }
    planned_ngos: dict[str, Organisation | None] = {}
    for number, row, lot, project in good:
        status = row.get("status") or (project.status if project is not None else ProjectStatus.contracted)
        if status != ProjectStatus.terminated:  # Project.binds_budget of the contract as the file leaves it
            totals[lot.id] += row["amount"]
            if totals[lot.id] > lot.budget:
                errors.append(
                    RowError(
                        number,
                        table.header("amount"),
                        _(
                            "The contract amount exceeds the lot budget (%(budget)s): together with the lot's other contracts it makes %(total)s.",
                            budget=money(lot.budget),
                            total=money(totals[lot.id]),
                        ),
                    )
                )
                continue
        ngo = ngos.get(row["ngo_bin"])
        values = {
            "lot_id": lot.id,
            "contract_number": row["contract_number"],
            "contract_date": row["contract_date"],
            "amount": row["amount"],
            "start_date": row["start_date"],
            "end_date": row["end_date"],
        }
        if row.get("status") is not None:
            values["status"] = row["status"]
        if ngo is not None:
            values["ngo_id"] = ngo.id
        if project is None:
            action = CREATE
        else:
            action = UPDATE if ngo is None or changed_fields(project, values) else UNCHANGED
        planned_ngos[row["ngo_bin"]] = ngo
        result.rows.append(
            PlannedRow(
                number,
                action,
                row["contract_number"],
                values,
                project,
                {
                    "lot": f"{lot.number}/{lot.year}",
                    "ngo_bin": row["ngo_bin"],
                    "ngo": ngo.name_ru if ngo else new_ngos[row["ngo_bin"]],
                    "new_ngo": ngo is None,
                    "amount": row["amount"],
                },
            )
        )
    result.errors = sort_errors(errors, table)
    if result.errors:
        result.rows = []
    result.extra["new_ngos"] = (
        {b: n for b, n in new_ngos.items() if b in planned_ngos} if not result.errors else {}
    )
    return result


def apply_projects(result: ImportResult, actor=None) -> ImportResult:
    """Create the new NGOs, then write every planned contract, in one savepoint (the caller commits)."""
    assert result.ok, "a file with errors is never applied"
    with db.session.begin_nested():
        created = {}
        for bin_, name in result.extra.get("new_ngos", {}).items():
            org = Organisation(bin=bin_, name_ru=name, kind=OrganisationKind.ngo)
            db.session.add(org)
            db.session.flush()
            record("organisation.import", org, before=None, actor=actor)
            created[bin_] = org
        for planned in result.rows:
            if "ngo_id" not in planned.values:
                planned.values["ngo_id"] = created[planned.summary["ngo_bin"]].id
            apply_row(planned, Project, "project.import", actor)
    return result
