from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db


class CouncilLevel(TitledEnum):
    local = "local"
    republican = "republican"

    @staticmethod
    def TITLES():
        return {"local": _l("Local"), "republican": _l("Republican")}


class Council(LocalizedMixin, TimestampMixin, db.Model):
    """A public council at a ministry (republican) or an akimat (local)."""

    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    level: Mapped[CouncilLevel] = mapped_column(enum_column(CouncilLevel), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    description_ru: Mapped[str | None] = mapped_column(Text)
    description_kk: Mapped[str | None] = mapped_column(Text)
    # The council's chair and secretary keep its joint work: plan, meetings, minutes, recommendations.
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    secretary_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    body = relationship("Organisation")
    chair = relationship("User", foreign_keys=[chair_id])
    secretary = relationship("User", foreign_keys=[secretary_id])
    region = relationship("Region")
    memberships: Mapped[list["CouncilMember"]] = relationship(
        back_populates="council", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def members(self):
        return [m.user for m in self.memberships]

    def can_view(self, user) -> bool:
        return True  # councils and their composition are public

    def can_edit(self, user) -> bool:
        return user.is_authenticated and user.has_role("admin")


class CouncilMember(db.Model):
    __tablename__ = "council_members"
    __table_args__ = (UniqueConstraint("council_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    position: Mapped[str | None] = mapped_column(String(200))

    council = relationship("Council", back_populates="memberships")
    user = relationship("User")


group_councils = Table(
    "group_councils",
    db.metadata,
    Column("group_id", ForeignKey("monitoring_groups.id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("council_id", ForeignKey("councils.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MonitoringGroup(LocalizedMixin, TimestampMixin, db.Model):
    """A joint monitoring group drawn from councils, ideally of both levels."""

    __tablename__ = "monitoring_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    chair_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)

    chair = relationship("User", foreign_keys=[chair_id])
    organiser = relationship("Organisation")
    councils = relationship("Council", secondary=group_councils, order_by="Council.id")
    memberships: Mapped[list["GroupMember"]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def members(self):
        return [m.user for m in self.memberships]

    @property
    def levels(self) -> set[CouncilLevel]:
        return {c.level for c in self.councils}

    @property
    def is_joint(self) -> bool:
        """Joint across levels: at least one local and one republican council."""
        return len(self.levels) > 1

    def has_member(self, user) -> bool:
        return user.is_authenticated and any(m.user_id == user.id for m in self.memberships)

    def can_view(self, user) -> bool:
        return True

    def can_edit(self, user) -> bool:
        """Admins, and ministry staff of the organising body."""
        if not user.is_authenticated:
            return False
        return user.has_role("admin") or (user.has_role("ministry") and user.works_for(self.organiser_id))


class GroupMember(db.Model):
    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("monitoring_groups.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)

    group = relationship("MonitoringGroup", back_populates="memberships")
    user = relationship("User")
    council = relationship("Council")
