"""Enums stored as their string values, with a translated title for the interface."""

import enum

from sqlalchemy import Enum as SAEnum


class TitledEnum(enum.StrEnum):
    """Subclasses define TITLES() returning {member_value: lazy_gettext(...)}.

    `title` is the title in the reader's language now; `choices()` keeps the lazy titles, so that a
    form class built at import time still shows its options in each reader's language
    (docs/i18n.md#enum-titles)."""

    @property
    def title(self) -> str:
        return str(self.TITLES()[self.value])  # type: ignore[attr-defined]

    @property
    def lazy_title(self):
        return self.TITLES()[self.value]  # type: ignore[attr-defined]

    @classmethod
    def choices(cls):
        return [(m.value, m.lazy_title) for m in cls]


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
