"""Contracts: saving them, and what a lot's standing contracts add up to."""

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from grants.audit.operations import record, snapshot
from grants.core.errors import RuleViolation
from grants.extensions import db
from grants.lots.models import Lot
from grants.lots.operations import LotFilters, contract_problem, lots_matching, number_order
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Indicator, Project, ProjectStatus

PROJECT_FIELDS = (
    "ngo_id", "contract_number", "contract_date", "amount", "actual_amount", "start_date", "end_date",
    "status", "title_ru", "title_kk", "summary_ru", "summary_kk",
)  # fmt: skip


def project_query(filters: LotFilters, ngo_id: int | None = None) -> Select:
    """Projects whose lot matches the lot registry's filters (of one NGO if ngo_id is given), newest
    lots first, then by lot number and contract date."""
    lot_ids = lots_matching(filters).with_only_columns(Lot.id)
    query = select(Project).join(Lot, Project.lot_id == Lot.id).where(Project.lot_id.in_(lot_ids))
    if ngo_id is not None:
        query = query.where(Project.ngo_id == ngo_id)
    return query.order_by(Lot.year.desc(), *number_order(Lot.number), Project.contract_date, Project.id)


def contract_taken(number: str, exclude_id: int | None = None) -> bool:
    query = select(Project.id).where(Project.contract_number == number)
    if exclude_id:
        query = query.where(Project.id != exclude_id)
    return db.session.scalar(query) is not None


def save_project(project: Project, data: dict, indicators: list[dict] | None = None) -> Project:
    """Create or update a project (contract) from validated data (flushes, audited)."""
    before = snapshot(project) if project.id else None
    for name in PROJECT_FIELDS:
        if name in data:
            value = data[name]
            if name == "status" and value is not None:
                value = ProjectStatus(value)
            setattr(project, name, value if value != "" else None)
    if indicators is not None:
        project.indicators = [Indicator(position=i, **row) for i, row in enumerate(indicators)]
    if project.id is None:
        db.session.add(project)
    db.session.flush()
    record("project.create" if before is None else "project.update", project, before=before)
    return project


# --- what a lot's standing contracts add up to (Project.binds_budget) -----------------------------


def contracted_total(
    lot_id: int | None, exclude_project_id: int | None = None, exclude_numbers=()
) -> Decimal:
    """Sum of the lot's standing contracts, leaving out one project or some contract numbers."""
    if lot_id is None:
        return Decimal(0)
    query = select(func.coalesce(func.sum(Project.amount), 0)).where(
        Project.lot_id == lot_id, Project.binds_budget
    )
    if exclude_project_id:
        query = query.where(Project.id != exclude_project_id)
    if exclude_numbers:
        query = query.where(Project.contract_number.not_in(sorted(exclude_numbers)))
    return Decimal(db.session.scalar(query))


def contracted_totals() -> dict[int, Decimal]:
    """contracted_total of every lot that has standing contracts, in one query."""
    rows = db.session.execute(
        select(Project.lot_id, func.sum(Project.amount)).where(Project.binds_budget).group_by(Project.lot_id)
    )
    return {lot_id: Decimal(total or 0) for lot_id, total in rows}


def check_project(project: Project, lot: Lot, data: dict) -> None:
    """The rules a contract's data meets whichever door it comes through (page or API), before save_project.

    data holds the changed fields (a partial update leaves the others as they are). The dates are in
    order and the contractor is an NGO (422); the contract number is unique and the amount fits the
    lot's budget beside its other standing contracts (409, they depend on other records). Raises
    RuleViolation naming the field.
    """

    def value(name):
        return data[name] if name in data else getattr(project, name)

    fields = {}
    start, end = value("start_date"), value("end_date")
    if start and end and end < start:
        fields["end_date"] = _("The end date cannot be before the start date.")
    ngo = db.session.get(Organisation, value("ngo_id")) if value("ngo_id") else None
    if ngo is None or ngo.kind != OrganisationKind.ngo:
        fields["ngo_id"] = _("Choose the NGO.")
    if fields:
        raise RuleViolation(
            _("Some fields are not valid."), status=422, fields=fields, code="validation_error"
        )
    if contract_taken(value("contract_number"), exclude_id=project.id):
        message = _("A contract with this number already exists.")
        raise RuleViolation(
            message, status=409, fields={"contract_number": message}, code="contract_number_taken"
        )
    status = value("status") or ProjectStatus.contracted
    if problem := contract_problem(lot, project.id, value("amount"), status):
        raise RuleViolation(problem, status=409, fields={"amount": problem}, code="over_lot_budget")
