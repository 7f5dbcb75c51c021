from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import LocalizedMixin, TimestampMixin
from grants.core.enums import TitledEnum, enum_column
from grants.extensions import db


class OrganisationKind(TitledEnum):
    government = "government"
    ngo = "ngo"
    other = "other"

    @staticmethod
    def TITLES():
        return {"government": _l("Government body"), "ngo": _l("NGO"), "other": _l("Other")}


class Organisation(LocalizedMixin, TimestampMixin, db.Model):
    """A legal entity by BIN: a lot administrator (government body) or an implementing NGO."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    bin: Mapped[str] = mapped_column(String(12), unique=True)
    name_ru: Mapped[str] = mapped_column(String(500))
    name_kk: Mapped[str | None] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(500))
    website: Mapped[str | None] = mapped_column(String(300))

    region = relationship("Region")

    @property
    def name(self) -> str:
        return self.localized("name")

    @property
    def is_government(self) -> bool:
        return self.kind == OrganisationKind.government

    # Organisations are public facts (as in the state NGO database); only admins edit them.
    def can_view(self, user) -> bool:
        return True

    def can_edit(self, user) -> bool:
        return user.is_authenticated and user.has_role("admin")

    def __repr__(self) -> str:
        return f"<Organisation {self.bin}>"
