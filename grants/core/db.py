"""Declarative base with a constraint naming convention and common mixins."""

from datetime import UTC, datetime

from flask_babel import get_locale
from sqlalchemy import DateTime, MetaData, func, or_
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


def current_language() -> str:
    """The two-letter language of the request (kk, ru or en)."""
    try:
        locale = get_locale()
    except Exception:  # outside a request (CLI, jobs)
        return "ru"
    return locale.language if locale else "ru"


class LocalizedMixin:
    """Objects with name_ru/name_kk/name_en (or title_*) columns pick the reader's language."""

    LANGUAGE_ORDER = {"kk": ("kk", "ru", "en"), "ru": ("ru", "kk", "en"), "en": ("en", "ru", "kk")}

    def localized(self, field: str, lang: str | None = None) -> str:
        lang = lang or current_language()
        for code in self.LANGUAGE_ORDER[lang]:
            value = getattr(self, f"{field}_{code}", None)
            if value:
                return value
        return ""

    def shown_language(self, field: str, lang: str | None = None) -> str:
        """The language of what `localized(field, lang)` shows, for the `lang` attribute of its element:
        a title that exists only in Russian is marked `lang="ru"` on a Kazakh page
        (docs/i18n.md#user-content-in-another-language)."""
        lang = lang or current_language()
        for code in self.LANGUAGE_ORDER[lang]:
            if getattr(self, f"{field}_{code}", None):
                return code
        return lang


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored datetime is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def text_search(columns, q: str):
    """Case-insensitive substring match of q in any of the columns; % and _ in q are plain text."""
    needle = q.strip().lower()
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))
