"""Enums stored as their string values, with a translated title for the interface."""

import enum

from sqlalchemy import Enum as SAEnum


class TitledEnum(enum.StrEnum):
    """Subclasses define TITLES = {member_value: lazy_gettext(...)}."""

    @property
    def title(self) -> str:
        return str(self.TITLES()[self.value])  # type: ignore[attr-defined]

    @classmethod
    def choices(cls):
        return [(m.value, m.title) for m in cls]


def enum_column(enum_cls, length: int = 32):
    """A portable (non-native) enum column storing the member's value."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        create_constraint=False,
    )
