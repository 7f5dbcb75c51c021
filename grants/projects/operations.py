from sqlalchemy import select

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
