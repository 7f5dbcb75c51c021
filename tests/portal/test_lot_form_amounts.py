"""The lot form shows the budget as the reader writes amounts, and takes it back unchanged
(grants/core/formatting.py: amount_input)."""

import re
from decimal import Decimal

import pytest

from tests.factories import lot_form, own_lot
from tests.helpers import email_of, login

NBSP = "\u00a0"


def budget_value(page: str) -> str:
    match = re.search(r'<input[^>]*name="budget"[^>]*>', page)
    assert match, "the form has a budget field"
    return (
        re.search(r'value="([^"]*)"', match.group()).group(1).replace("&nbsp;", NBSP).replace("&#160;", NBSP)
    )


@pytest.mark.parametrize(
    "lang, shown",
    [("ru", f"12{NBSP}500{NBSP}000,50"), ("kk", f"12{NBSP}500{NBSP}000,50"), ("en", "12500000.50")],
)
def test_the_edit_form_shows_the_budget_in_the_readers_format(client, db, lang, shown):
    lot = own_lot()
    lot.budget = Decimal("12500000.50")
    db.session.commit()
    login(client, email_of("ministry"))
    page = client.get(f"/lots/{lot.id}/edit", query_string={"lang": lang}).get_data(as_text=True)
    assert budget_value(page) == shown


def test_the_shown_budget_saves_back_unchanged(client, db):
    lot = own_lot()
    lot.budget = Decimal("12500000.50")
    db.session.commit()
    login(client, email_of("ministry"))
    shown = budget_value(client.get(f"/lots/{lot.id}/edit?lang=ru").get_data(as_text=True))
    response = client.post(f"/lots/{lot.id}/edit?lang=ru", data=lot_form(lot, budget=shown))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(lot)
    assert lot.budget == Decimal("12500000.50")


def test_a_refused_budget_is_shown_back_as_typed(client, db):
    lot = own_lot()
    login(client, email_of("ministry"))
    response = client.post(f"/lots/{lot.id}/edit?lang=ru", data=lot_form(lot, budget="двенадцать"))
    assert response.status_code in (200, 422)
    assert budget_value(response.get_data(as_text=True)) == "двенадцать"
