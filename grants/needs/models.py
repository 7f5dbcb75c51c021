from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db


class NeedSource(TitledEnum):
    council_recommendation = "council_recommendation"
    citizen_appeal = "citizen_appeal"
    survey = "survey"
    statistics = "statistics"
    strategic_document = "strategic_document"

    @staticmethod
    def TITLES():
        return {
            "council_recommendation": _l("Public council recommendation"),
            "citizen_appeal": _l("Citizen appeal"),
            "survey": _l("Survey"),
            "statistics": _l("Official statistics"),
            "strategic_document": _l("Strategic document"),
        }


class Priority(TitledEnum):
    high = "high"
    medium = "medium"
    low = "low"

    @staticmethod
    def TITLES():
        return {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}


class PublicNeed(LocalizedMixin, TimestampMixin, db.Model):
    """A documented social problem that lots should answer."""

    __tablename__ = "public_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title_ru: Mapped[str] = mapped_column(String(500))
    title_kk: Mapped[str | None] = mapped_column(String(500))
    title_en: Mapped[str | None] = mapped_column(String(500))
    description_ru: Mapped[str | None] = mapped_column(Text)
    description_kk: Mapped[str | None] = mapped_column(Text)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    source: Mapped[NeedSource] = mapped_column(enum_column(NeedSource), index=True)
    evidence: Mapped[str | None] = mapped_column(Text)  # links or references, one per line
    priority: Mapped[Priority] = mapped_column(enum_column(Priority), default=Priority.medium, index=True)
    year_raised: Mapped[int] = mapped_column(Integer, index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    region = relationship("Region")
    organisation = relationship("Organisation")
    lot_links = relationship("LotNeed", back_populates="need", cascade="all, delete-orphan")

    @property
    def title(self) -> str:
        return self.localized("title")

    @property
    def evidence_items(self) -> list[str]:
        return [line.strip() for line in (self.evidence or "").splitlines() if line.strip()]

    @property
    def lots(self):
        return [link.lot for link in self.lot_links]

    def can_view(self, user) -> bool:
        return True

    def can_edit(self, user) -> bool:
        """Admins, and ministry staff of the body that recorded the need."""
        if not user.is_authenticated:
            return False
        return user.has_role("admin") or (user.has_role("ministry") and user.works_for(self.organisation_id))
