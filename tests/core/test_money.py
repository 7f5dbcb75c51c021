"""Parsing amounts as people type them and formatting tenge for each interface language."""

from decimal import Decimal

import pytest
from babel.numbers import format_currency

from grants.core.i18n import money
from grants.core.money import parse_amount


@pytest.fixture
def db():
    """These are pure functions: override the suite's autouse database fixture so they run without one."""
    yield None


NBSP = "\u00a0"
NNBSP = "\u202f"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12 500 000,00", Decimal("12500000.00")),
        ("12500000", Decimal("12500000.00")),
        (f"12{NBSP}500{NBSP}000,00", Decimal("12500000.00")),
        (f"12{NNBSP}500{NNBSP}000,50", Decimal("12500000.50")),
        ("12500000.5", Decimal("12500000.50")),
        ("  8 250 000  ", Decimal("8250000.00")),
        ("8 250 000 ₸", Decimal("8250000.00")),
        ("0,01", Decimal("0.01")),
        ("0,005", Decimal("0.01")),  # half up
        ("-5", Decimal("-5.00")),  # a number, so the form can say "must be greater than zero"
        ("+5", Decimal("5.00")),
    ],
)
def test_parse_amount_accepts_what_people_type(text, expected):
    result = parse_amount(text)
    assert result == expected
    assert isinstance(result, Decimal)
    assert result.as_tuple().exponent == -2, "amounts carry exactly two decimal places"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "   ",
        "abc",
        "1,2,3",
        "12,500,000.00",
        "1.2.3",
        "1e5",
        "NaN",
        "Infinity",
        "12 5OO",
        "--5",
        ",",
        ".",
    ],
)
def test_parse_amount_rejects_non_numbers(text):
    assert parse_amount(text) is None


def test_parse_amount_never_returns_float():
    assert not isinstance(parse_amount("0,1"), float)
    assert parse_amount("0,1") + parse_amount("0,2") == Decimal("0.30")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_money_in_russian_and_kazakh_uses_no_break_spaces_and_the_tenge_sign(lang):
    assert money(Decimal("1234567.89"), lang) == f"1{NBSP}234{NBSP}567,89{NBSP}₸"
    assert money(Decimal("0"), lang) == f"0,00{NBSP}₸"


@pytest.mark.parametrize("lang, locale", [("ru", "ru_KZ"), ("kk", "kk_KZ")])
def test_money_matches_babel_for_the_kazakhstan_locale(lang, locale):
    value = Decimal("8250000.5")
    assert money(value, lang) == format_currency(value, "KZT", locale=locale)


def test_money_in_english_shows_the_tenge_sign_not_kzt():
    text = money(Decimal("1234567.89"), "en")
    assert "KZT" not in text
    assert "₸" in text
    assert "1,234,567.89" in text


def test_money_of_nothing_is_a_dash():
    for lang in ("kk", "ru", "en"):
        assert money(None, lang) == "—"


def test_money_always_shows_two_decimals():
    assert money(Decimal("1234.5"), "ru") == f"1{NBSP}234,50{NBSP}₸"
    assert money(1, "ru") == f"1,00{NBSP}₸"
