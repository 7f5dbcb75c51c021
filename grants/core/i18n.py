"""Language selection and locale-aware formatting (kk_KZ, ru_KZ, en)."""

from datetime import date, datetime
from decimal import Decimal

from babel.numbers import format_currency, format_decimal
from flask import current_app, request, session
from flask_babel import format_date, format_datetime, get_locale
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import Form

# The babel locale used for each interface language: ru_KZ/kk_KZ print ₸ (ru_RU would print KZT).
BABEL_LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en"}
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def select_locale() -> str:
    """?lang= for one request, else the choice stored in the session, else the browser's, else ru."""
    languages = current_app.config["LANGUAGES"]
    lang = request.args.get("lang")
    if lang not in languages:
        lang = session.get("lang")
    if lang not in languages:
        lang = request.cookies.get("lang")
    if lang not in languages:
        lang = request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    return BABEL_LOCALES[lang]


def language() -> str:
    locale = get_locale()
    return locale.language if locale else "ru"


def money(value: Decimal | int | float | None, lang: str | None = None) -> str:
    """1234567.89 -> '1 234 567,89 ₸' in kk/ru (no-break spaces), '₸1,234,567.89' in en."""
    if value is None:
        return "—"
    locale = BABEL_LOCALES[lang] if lang else str(get_locale())
    # CLDR's English data spells the currency "KZT"; the reader expects the tenge sign everywhere.
    return format_currency(Decimal(value), "KZT", locale=locale).replace("KZT", "₸")


def number(value, lang: str | None = None) -> str:
    if value is None:
        return "—"
    locale = BABEL_LOCALES[lang] if lang else str(get_locale())
    return format_decimal(value, locale=locale)


def fixed(value, places: int = 1, lang: str | None = None) -> str:
    """A number with exactly `places` decimals in the reader's locale: 83.3 -> '83,3' (ru), 80 -> '80.0' (en)."""
    if value is None:
        return "—"
    locale = BABEL_LOCALES[lang] if lang else str(get_locale())
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=True)


def date_long(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return format_datetime(value, "medium")
    return format_date(value, "long")


def date_short(value: date | None) -> str:
    if value is None:
        return "—"
    return format_date(value, "medium")


KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def text_lang(text, default: str | None = None) -> str:
    """The language a piece of user text is written in, told by its letters: Kazakh letters (ә, ғ, қ,
    ң, ө, ұ, ү, һ, і) -> kk, other Cyrillic -> ru, Latin only -> en; `default` (the page's language)
    when it has no letters. For the `lang` attribute of comments and replies
    (docs/i18n.md#user-content-in-another-language)."""
    value = str(text or "")
    if any(c in KAZAKH_LETTERS for c in value):
        return "kk"
    if any("\u0400" <= c <= "\u04ff" for c in value):
        return "ru"
    if any(c.isascii() and c.isalpha() for c in value):
        return "en"
    return default or language()


class RowForm(Form):
    """A sub-form (a row of a FieldList) whose built-in messages ("Not a valid choice.", "This field
    is required.") are in the reader's language, as a FlaskForm's are: a plain wtforms.Form speaks
    English only (docs/i18n.md#form-messages)."""

    class Meta:
        def get_translations(self, form):
            return wtforms_translations
