"""One place for how numbers, money, percentages and dates are written (docs/formatting.md).

Pages, PDF reports and exports all format through these functions, in the reader's locale
(kk_KZ, ru_KZ or en: CLDR's patterns via Babel), so "98 %" in a Russian page is "98 %" in the
Russian report too. Templates reach them as filters: money, number, fixed, percent, amount_input,
date_long, date_time, date_short (grants/main/templating.py).
"""

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent
from flask_babel import format_date, format_time, get_locale

# The babel locale used for each interface language: ru_KZ/kk_KZ print ₸ (ru_RU would print KZT).
BABEL_LOCALES = {"kk": "kk_KZ", "ru": "ru_KZ", "en": "en"}

CENT = Decimal("0.01")
DASH = "—"  # what every formatter prints for a missing value
_SPACES = re.compile(r"[\s\u00a0\u202f]")


def _locale(lang: str | None) -> str:
    return BABEL_LOCALES[lang] if lang else str(get_locale() or "ru_KZ")


# --- reading what people type ------------------------------------------------------------------


def parse_amount(text: str | None) -> Decimal | None:
    """'12 500 000,00', '12500000' or '12500000.5' -> Decimal with 2 places; None if not a number
    (also '12,500,000.00': a comma is a decimal comma, never a separator of thousands)."""
    if text is None:
        return None
    cleaned = _SPACES.sub("", str(text)).replace("₸", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", cleaned):
        return None
    try:
        return Decimal(cleaned).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None


# --- writing for the reader --------------------------------------------------------------------


def money(value: Decimal | int | float | None, lang: str | None = None) -> str:
    """1234567.89 -> '1 234 567,89 ₸' in kk/ru (no-break spaces), '₸1,234,567.89' in en."""
    if value is None:
        return DASH
    # CLDR's English data spells the currency "KZT"; the reader expects the tenge sign everywhere.
    return format_currency(Decimal(value), "KZT", locale=_locale(lang)).replace("KZT", "₸")


def number(value, lang: str | None = None) -> str:
    """3000 -> '3 000' (kk/ru, no-break space), '3,000' (en); decimals as they are."""
    if value is None:
        return DASH
    return format_decimal(value, locale=_locale(lang))


def fixed(value, places: int = 1, lang: str | None = None) -> str:
    """A number with exactly `places` decimals in the reader's locale: 83.3 -> '83,3' (ru), 80 -> '80.0' (en)."""
    if value is None:
        return DASH
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=_locale(lang), decimal_quantization=True)


def percent(value, places: int = 1, lang: str | None = None) -> str:
    """A share given in percentage points, in the locale's CLDR percent pattern with up to `places`
    decimals: 96.67 -> '96,7 %' (ru), '96,7%' (kk), '96.7%' (en); 98 -> '98 %' (ru)."""
    if value is None:
        return DASH
    locale = _locale(lang)
    pattern = Locale.parse(locale).percent_formats[None].pattern
    if places:
        pattern = pattern.replace("#,##0", "#,##0." + "#" * places, 1)
    return format_percent(Decimal(str(value)) / 100, format=pattern, locale=locale, decimal_quantization=True)


def amount_input(value, lang: str | None = None) -> str:
    """An amount as the reader would type it into a form: 12500000.5 -> '12 500 000,50' (ru/kk, no-break
    spaces), '12500000.50' (en: parse_amount takes a comma for a decimal comma, so no commas there);
    no currency sign. parse_amount reads each of these back."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)  # what the user typed and the form refused: shown back as it was
    locale = _locale(lang)
    pattern = "0.00" if locale == "en" else "#,##0.00"
    return format_decimal(amount, format=pattern, locale=locale, decimal_quantization=True)


def date_long(value: date | datetime | None) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return date_time(value)  # a moment: to the minute, never the seconds
    return format_date(value, "long")


def date_time(value: datetime | None) -> str:
    """A moment to the minute (a meeting's start): the long date and the short time, in local time."""
    if value is None:
        return DASH
    return f"{format_date(value, 'long')}, {format_time(value, 'short')}"


def date_short(value: date | None) -> str:
    if value is None:
        return DASH
    return format_date(value, "medium")


# --- the language of stored text ---------------------------------------------------------------


def content_lang(obj, field: str, lang: str) -> str:
    """The language of the text `obj.localized(field, lang)` shows (grants/core/db.py LocalizedMixin):
    the first of the reader's fallback order whose `<field>_<code>` column is filled."""
    return obj.shown_language(field, lang)


LONG_WORD = re.compile(r"(\S{60})(?=\S)")


def breakable(text) -> str:
    """Free text for a PDF with a zero-width space after every 60 letters of a longer "word": WeasyPrint's
    hyphenation (hyphens: auto) of one unbroken 3,000-letter word takes minutes, of 60-letter pieces no
    time (docs/formatting.md#pdf-typography). Ordinary words, URLs and codes are left as they are."""
    if text is None:
        return ""
    return LONG_WORD.sub("\\1\u200b", str(text))
