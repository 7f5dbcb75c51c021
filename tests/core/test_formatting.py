"""One way to write percentages, numbers and amounts per language (grants/core/formatting.py)."""

from decimal import Decimal

import pytest

from grants.core.formatting import amount_input, parse_amount, percent

NBSP = "\u00a0"


@pytest.fixture
def db():
    """Pure functions: no database."""
    yield None


@pytest.mark.parametrize(
    "value, lang, expected",
    [
        (Decimal("96.7"), "ru", f"96,7{NBSP}%"),
        (Decimal("96.7"), "kk", "96,7%"),
        (Decimal("96.7"), "en", "96.7%"),
        (Decimal("98.0"), "ru", f"98{NBSP}%"),  # no ",0": one decimal only where needed
        (107, "kk", "107%"),
        (Decimal("103.33"), "en", "103.3%"),
        (None, "ru", "—"),
    ],
)
def test_percent_follows_the_locale_pattern(value, lang, expected):
    assert percent(value, lang=lang) == expected


def test_percent_without_decimals():
    assert percent(Decimal("45.6"), 0, lang="ru") == f"46{NBSP}%"


@pytest.mark.parametrize(
    "lang, expected",
    [("ru", f"12{NBSP}500{NBSP}000,50"), ("kk", f"12{NBSP}500{NBSP}000,50"), ("en", "12500000.50")],
)
def test_amount_input_is_written_as_people_type_it_and_reads_back(lang, expected):
    shown = amount_input(Decimal("12500000.5"), lang=lang)
    assert shown == expected
    assert parse_amount(shown) == Decimal("12500000.50")


def test_amount_input_keeps_what_the_form_refused():
    assert amount_input("twelve", lang="ru") == "twelve"
    assert amount_input(None, lang="ru") == ""
