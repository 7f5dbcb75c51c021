"""The lot registry on a 390 px phone: every lot's budget and status are on screen (as a card),
not past the right edge of a scrolling table."""

import pytest

pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_budget_and_status_are_visible_on_a_phone(live_server, context_factory, lang):
    page = context_factory(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{live_server}/lots/?lang={lang}")
    rows = page.locator("[data-lot-table] tbody tr")
    assert rows.count() > 0
    for i in range(min(rows.count(), 5)):
        for cell in ("[data-lot-budget]", "[data-lot-status]"):
            target = rows.nth(i).locator(cell)
            box = target.bounding_box()
            assert box and box["width"] > 0, cell
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (cell, box)
            # each value is labelled by its column's name
            assert target.get_attribute("data-label")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
