from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin, utcnow
from grants.core.enums import TitledEnum, enum_column
from grants.core.i18n import number
from grants.extensions import db


class LotStatus(TitledEnum):
    planned = "planned"
    announced = "announced"
    awarded = "awarded"
    in_implementation = "in_implementation"
    completed = "completed"
    cancelled = "cancelled"

    @staticmethod
    def TITLES():
        return {
            "planned": _l("Planned"),
            "announced": _l("Announced"),
            "awarded": _l("Awarded"),
            "in_implementation": _l("In implementation"),
            "completed": _l("Completed"),
            "cancelled": _l("Cancelled"),
        }


class Unit(TitledEnum):
    """Units of indicators, shared by lots and projects."""

    persons = "persons"
    events = "events"
    percent = "percent"
    items = "items"
    publications = "publications"
    hours = "hours"

    @staticmethod
    def TITLES():
        return {
            "persons": _l("persons"),
            "events": _l("events"),
            "percent": _l("%"),
            "items": _l("items"),
            "publications": _l("publications"),
            "hours": _l("hours"),
        }

    def counted(self, value) -> str:
        """'500 persons' in the reader's language, the unit agreeing with the number (docs/i18n.md#enum-titles).
        A fraction takes the form of 2 (ru «2,5 часа», en "2.5 hours")."""
        if value is None:
            return "—"
        n = int(value) if value == int(value) else 2
        shown = number(value)
        if self is Unit.persons:
            return ngettext("%(value)s person", "%(value)s persons", n, value=shown)
        if self is Unit.events:
            return ngettext("%(value)s event", "%(value)s events", n, value=shown)
        if self is Unit.items:
            return ngettext("%(value)s item", "%(value)s items", n, value=shown)
        if self is Unit.publications:
            return ngettext("%(value)s publication", "%(value)s publications", n, value=shown)
        if self is Unit.hours:
            return ngettext("%(value)s hour", "%(value)s hours", n, value=shown)
        return f"{shown}\u00a0{self.title}"


class Sphere(LocalizedMixin, db.Model):
    """A direction of the state social order (Law No. 36-III, art. 5)."""

    __tablename__ = "spheres"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_ru: Mapped[str] = mapped_column(String(300))
    name_kk: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))

    @property
    def name(self) -> str:
        return self.localized("name")


class LotNeed(db.Model):
    """A public need a lot answers, with who linked it and why."""

    __tablename__ = "lot_needs"
    __table_args__ = (UniqueConstraint("lot_id", "need_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("public_needs.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    lot = relationship("Lot", back_populates="need_links")
    need = relationship("PublicNeed", back_populates="lot_links")


class Lot(LocalizedMixin, TimestampMixin, db.Model):
    """A lot of the state social order as published by its administrator."""

    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("number", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(50), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title_ru: Mapped[str] = mapped_column(String(500))
    title_kk: Mapped[str | None] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    description_ru: Mapped[str | None] = mapped_column(Text)
    description_kk: Mapped[str | None] = mapped_column(Text)
    administrator_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    kato: Mapped[str | None] = mapped_column(String(9))
    sphere_id: Mapped[int | None] = mapped_column(ForeignKey("spheres.id"), index=True)
    budget: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    target_group_ru: Mapped[str | None] = mapped_column(Text)
    target_group_kk: Mapped[str | None] = mapped_column(Text)
    beneficiaries: Mapped[int | None] = mapped_column(Integer)
    # Bids received, when imported procurement data says so (None: not known); a risk signal at 1
    # (docs/analytics.md#risk-flags).
    applicants: Mapped[int | None] = mapped_column(Integer)
    goal_ru: Mapped[str | None] = mapped_column(Text)
    goal_kk: Mapped[str | None] = mapped_column(Text)
    tasks_ru: Mapped[str | None] = mapped_column(Text)
    tasks_kk: Mapped[str | None] = mapped_column(Text)
    expected_results_ru: Mapped[str | None] = mapped_column(Text)
    expected_results_kk: Mapped[str | None] = mapped_column(Text)
    status: Mapped[LotStatus] = mapped_column(enum_column(LotStatus), default=LotStatus.planned, index=True)

    administrator = relationship("Organisation")
    region = relationship("Region")
    sphere = relationship("Sphere")
    indicators: Mapped[list["LotIndicator"]] = relationship(
        back_populates="lot", cascade="all, delete-orphan", order_by="LotIndicator.position"
    )
    need_links: Mapped[list[LotNeed]] = relationship(back_populates="lot", cascade="all, delete-orphan")
    projects = relationship("Project", back_populates="lot", order_by="Project.contract_date")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def needs(self):
        return [link.need for link in self.need_links]

    def can_view(self, user) -> bool:
        return True  # the lot registry is public

    def can_edit(self, user) -> bool:
        """Only staff of the lot's own administrator manage it; editable_by is the same rule as SQL."""
        return user.is_authenticated and user.has_role("ministry") and user.works_for(self.administrator_id)

    @classmethod
    def editable_by(cls, user):
        """can_edit as a SQL condition: the lots of the user's organisation, for ministry staff."""
        if not (user.is_authenticated and user.has_role("ministry") and user.organisation_id is not None):
            return false()
        return cls.administrator_id == user.organisation_id

    def __repr__(self) -> str:
        return f"<Lot {self.number}/{self.year}>"


class LotIndicator(LocalizedMixin, db.Model):
    """A planned target indicator from the lot's technical specification."""

    __tablename__ = "lot_indicators"

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    unit: Mapped[Unit] = mapped_column(enum_column(Unit), default=Unit.persons)
    target: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    lot = relationship("Lot", back_populates="indicators")

    @property
    def name(self) -> str:
        return self.localized("name")
