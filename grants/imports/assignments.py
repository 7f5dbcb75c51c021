"""Assigning projects and lots to a campaign's groups from a file (docs/domain.md, import formats).

The same reader as the lot and project imports (XLSX or CSV, ru/kk/en headers in any order, errors
as RowError per row and column), the same preview and confirm: validating writes nothing, and the
confirmed file is assigned whole or not at all. Each row names a group (its number or its name) and a
project (by contract number) or a lot (by number and year); the assignment rules are
grants.monitoring.operations.check_assignable's, checked again under the campaign's lock on confirm.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.imports.common import CREATE, ImportResult, PlannedRow, RowReader, load_table, sort_errors
from grants.imports.matching import Matcher
from grants.imports.parse import Column, RowError, as_text, as_year
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, SubjectKind
from grants.monitoring.operations import assign, check_assignable
from grants.projects.models import Project

ASSIGNMENT_COLUMNS = [
    Column("kind", "Вид", "Түрі", "Kind", True, ("Тип", "Объект", "Нысан")),
    Column(
        "group", "Группа", "Топ", "Group", True, ("Группа мониторинга", "Мониторинг тобы", "Monitoring group")
    ),
    Column(
        "contract_number",
        "Номер договора",
        "Шарт нөмірі",
        "Contract number",
        False,
        ("contract_number", "№ договора", "Шарттың нөмірі", "Contract No"),
    ),
    Column(
        "lot_number",
        "Номер лота",
        "Лот нөмірі",
        "Lot number",
        False,
        ("lot_number", "№ лота", "Лоттың нөмірі", "Lot No"),
    ),
    Column("year", "Год", "Жыл", "Year", False, ("Жылы",)),
]

# What the kind column may say, in any of the three languages (matched as docs/domain.md#name-matching says).
KIND_WORDS = {
    "project": SubjectKind.project,
    "проект": SubjectKind.project,
    "жоба": SubjectKind.project,
    "проекты": SubjectKind.project,
    "жобалар": SubjectKind.project,
    "projects": SubjectKind.project,
    "lot": SubjectKind.lot,
    "лот": SubjectKind.lot,
    "лоты": SubjectKind.lot,
    "лоттар": SubjectKind.lot,
    "lots": SubjectKind.lot,
}


def staging_kind(campaign: Campaign) -> str:
    """The name a staged file of this campaign is kept under (grants/imports/staging.py)."""
    return f"campaign{campaign.id}"


def _groups(campaign: Campaign) -> Matcher:
    """The campaign's groups by number or by name in any language (docs/domain.md#name-matching)."""
    matcher = Matcher(lambda text: _("Unknown group «%(value)s».", value=text))
    for group in campaign.groups:
        matcher.add(group, group.name_ru, [str(group.id), group.name_kk or "", group.name_en or ""])
    return matcher


def _kinds() -> Matcher:
    matcher = Matcher(lambda text: _("Unknown kind «%(value)s»: write project or lot.", value=text))
    for word, kind in KIND_WORDS.items():
        matcher.add(kind, word)  # each word suggests itself: «лотт» -> «лот»
    return matcher


def _field_column(table, exc: RuleViolation) -> str | None:
    """The header of the column an assignment rule names (only the group has a column of its own)."""
    return table.header("group") if "group" in exc.fields else None


def validate_assignments(content: bytes, campaign: Campaign) -> ImportResult:
    """Read and check every row of an assignment file; writes nothing. The result lists every error
    (and then no rows) or plans every row."""
    result = ImportResult("assignments")
    table, errors = load_table(content, ASSIGNMENT_COLUMNS)
    if table is None or errors:
        result.errors = sort_errors(errors, table)
        return result
    groups, kinds = _groups(campaign), _kinds()
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        r = RowReader(table, number, cells, errors)
        kind = r.get("kind", kinds.convert, required=True, max_length=50)
        group = r.get("group", groups.convert, required=True)
        subject = None
        if kind == SubjectKind.project:
            contract = r.get("contract_number", as_text, max_length=100)
            subject = (
                db.session.scalar(select(Project).where(Project.contract_number == contract))
                if contract
                else None
            )
            if subject is None:
                r.error("contract_number", _("No project with this contract number."))
        elif kind == SubjectKind.lot:
            lot_number = r.get("lot_number", as_text, max_length=100)
            year = r.get("year", as_year)
            if lot_number and year:
                subject = db.session.scalar(select(Lot).where(Lot.number == lot_number, Lot.year == year))
            if subject is None and not r.failed:
                r.error("lot_number", _("No lot with this number and year."))
        if r.failed:
            continue
        key = f"{kind.value}:{subject.id}"
        if key in seen:
            r.error("kind", _("Duplicate row: the same project or lot as row %(row)s.", row=seen[key]))
            continue
        seen[key] = number
        try:
            check_assignable(campaign, group, subject)
        except RuleViolation as exc:
            errors.append(RowError(number, _field_column(table, exc), exc.message))
            continue
        label = subject.contract_number if kind == SubjectKind.project else f"{subject.number}/{subject.year}"
        result.rows.append(
            PlannedRow(
                number,
                CREATE,
                label,
                {"group": group, "subject": subject},
                summary={"kind": kind, "title": subject.title, "group": group.name},
            )
        )
    result.errors = sort_errors(errors, table)
    if result.errors:
        result.rows = []
    return result


def apply_assignments(result: ImportResult, campaign: Campaign, actor) -> list[Evaluation]:
    """Assign every planned row in one savepoint (the caller commits). When a rule is broken meanwhile
    (another assignment, the campaign closed), nothing is assigned and result.errors names the row."""
    assert result.ok, "a file with errors is never applied"
    created = []
    savepoint = db.session.begin_nested()
    for planned in result.rows:
        try:
            planned.obj = assign(campaign, planned.values["group"], planned.values["subject"], actor)
        except RuleViolation as exc:
            savepoint.rollback()
            result.errors, result.rows = [RowError(planned.row, None, exc.message)], []
            return []
        created.append(planned.obj)
    savepoint.commit()
    return created
