"""Contracts: saving them, and what a lot's standing contracts add up to."""

from decimal import Decimal

from sqlalchemy import func, select

from grants.audit.operations import record, snapshot
from grants.extensions import db
from grants.projects.models import Indicator, Project, ProjectStatus

PROJECT_FIELDS = (
    "ngo_id", "contract_number", "contract_date", "amount", "actual_amount", "start_date", "end_date",
    "status", "title_ru", "title_kk", "summary_ru", "summary_kk",
)  # fmt: skip


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


def contracted_total(lot_id: int | None, exclude_project_id: int | None = None, exclude_numbers=()) -> Decimal:
    """Sum of the lot's standing contracts, leaving out one project or some contract numbers."""
    if lot_id is None:
        return Decimal(0)
    query = select(func.coalesce(func.sum(Project.amount), 0)).where(Project.lot_id == lot_id, Project.binds_budget)
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
