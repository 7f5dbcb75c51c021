from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, Text, select
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db
from grants.lots.models import Lot, Unit


class ProjectStatus(TitledEnum):
    contracted = "contracted"
    in_implementation = "in_implementation"
    completed = "completed"
    terminated = "terminated"

    @staticmethod
    def TITLES():
        return {
            "contracted": _l("Contract signed"),
            "in_implementation": _l("In implementation"),
            "completed": _l("Completed"),
            "terminated": _l("Terminated"),
        }


class Project(LocalizedMixin, TimestampMixin, db.Model):
    """The contract under which an NGO implements a lot."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    ngo_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    contract_number: Mapped[str] = mapped_column(String(60), unique=True)
    contract_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    actual_amount: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    actual_end_date: Mapped[date | None] = mapped_column(Date)
    title_ru: Mapped[str | None] = mapped_column(String(500))
    title_kk: Mapped[str | None] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    summary_ru: Mapped[str | None] = mapped_column(Text)
    summary_kk: Mapped[str | None] = mapped_column(Text)
    beneficiaries_actual: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[ProjectStatus] = mapped_column(
        enum_column(ProjectStatus), default=ProjectStatus.contracted, index=True
    )

    lot = relationship("Lot", back_populates="projects")
    ngo = relationship("Organisation")
    indicators: Mapped[list["Indicator"]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Indicator.position"
    )

    @property
    def title(self) -> str:
        """A project is known by its own title or else by its lot's."""
        return self.localized("title") or self.lot.title

    @hybrid_property
    def binds_budget(self) -> bool:
        """A contract binds its lot's budget while it stands: a terminated one no longer does.
        The same expression is the SQL condition (Project.binds_budget in a where clause)."""
        return self.status != ProjectStatus.terminated

    def can_view(self, user) -> bool:
        return True  # contracts of the state social order are public

    def can_edit(self, user) -> bool:
        """Staff of the lot's administrator manage its contracts; editable_by is the same rule as SQL."""
        return (
            user.is_authenticated and user.has_role("ministry") and user.works_for(self.lot.administrator_id)
        )

    @classmethod
    def editable_by(cls, user):
        """can_edit as a SQL condition."""
        return cls.lot_id.in_(select(Lot.id).where(Lot.editable_by(user)))

    def __repr__(self) -> str:
        return f"<Project {self.contract_number}>"


class Indicator(LocalizedMixin, db.Model):
    """An IATI-style result indicator: baseline, target and actual for one period."""

    __tablename__ = "indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    unit: Mapped[Unit] = mapped_column(enum_column(Unit), default=Unit.persons)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    target: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    actual: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    project = relationship("Project", back_populates="indicators")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def achievement(self) -> Decimal | None:
        """Actual as a percentage of target (None until reported)."""
        if self.actual is None or not self.target:
            return None
        return (Decimal(self.actual) * 100 / Decimal(self.target)).quantize(Decimal("0.1"))
