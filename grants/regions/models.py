from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import LocalizedMixin
from grants.extensions import db


class Region(LocalizedMixin, db.Model):
    """A top-level territorial unit (17 regions and 3 cities), keyed by its KATO code."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    kato: Mapped[str] = mapped_column(String(9), unique=True)
    iso: Mapped[str] = mapped_column(String(8), unique=True)
    name_ru: Mapped[str] = mapped_column(String(120))
    name_kk: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    center_ru: Mapped[str | None] = mapped_column(String(120))

    @property
    def name(self) -> str:
        return self.localized("name")

    def __repr__(self) -> str:
        return f"<Region {self.kato} {self.name_ru}>"
