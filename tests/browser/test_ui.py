"""The interface in a real browser: filters, language switch, login with CSRF, lot editing, access, mobile."""

import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.extensions import db
from grants.lots.models import Lot
from grants.projects.operations import contracted_total
from grants.regions.models import Region
from tests.helpers import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

ASTANA_KATO = "710000000"
NEW_BUDGET = Decimal("12500000.00")


def catalog(live_app, message: str, locale: str) -> str:
    """What the compiled catalog says for message in locale (ru_KZ, kk_KZ or en)."""
    from flask_babel import force_locale, gettext

    with live_app.test_request_context(), force_locale(locale):
        return gettext(message)


def spaces(text: str) -> str:
    """Money is printed with no-break spaces; compare it as ordinary text."""
    return re.sub(r"[\u00a0\u202f\s]+", " ", text).strip()


def ministry_lots(live_db):
    """(own lot id, own lot's budget, another administrator's lot id) for ministry@example.kz."""

    def pick():
        user = db.session.execute(select(User).filter_by(email="ministry@example.kz")).scalar_one()
        assert user.organisation_id is not None
        own = db.session.scalars(
            select(Lot).where(Lot.administrator_id == user.organisation_id).order_by(Lot.id)
        ).all()
        editable = [lot for lot in own if contracted_total(lot.id) < NEW_BUDGET and lot.budget != NEW_BUDGET]
        assert editable, "the demo data has no lot of the ministry's organisation that the test can edit"
        other = db.session.scalars(
            select(Lot.id).where(Lot.administrator_id != user.organisation_id).order_by(Lot.id).limit(1)
        ).first()
        assert other is not None
        return editable[0].id, editable[0].budget, other

    return live_db(pick)


def lot_budget(live_db, lot_id: int) -> Decimal:
    return live_db(lambda: db.session.get(Lot, lot_id).budget)


def log_in(page, base: str, email: str = "ministry@example.kz") -> None:
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form").locator("[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


def test_anonymous_registry_filters_by_region_and_year(page, live_server, live_db):
    def astana():
        region = db.session.execute(select(Region).filter_by(kato=ASTANA_KATO)).scalar_one()
        year = db.session.execute(
            select(Lot.year, func.count())
            .where(Lot.region_id == region.id)
            .group_by(Lot.year)
            .order_by(func.count().desc(), Lot.year.desc())
            .limit(1)
        ).first()[0]
        return region.name_ru, year

    astana_name, year = live_db(astana)

    page.goto(f"{live_server}/lots/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    rows = page.locator("table tbody tr")
    expect(rows.first.locator("td")).to_have_count(8)  # with the latest published relevance index
    all_regions = {text.strip() for text in rows.locator("td:nth-child(4)").all_inner_texts()}
    assert all_regions - {astana_name}, (
        "the unfiltered first page shows only Astana; the filter test would prove nothing"
    )

    page.select_option("#region", ASTANA_KATO)
    page.select_option("#year", str(year))
    page.locator("form[role=search] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"region={ASTANA_KATO}"))
    expect(page.locator("#region")).to_have_value(ASTANA_KATO)
    expect(page.locator("#year")).to_have_value(str(year))

    count = rows.count()
    assert count > 0
    expect(rows.first.locator("td")).to_have_count(
        8
    )  # with the latest published relevance index  # a real lot, not the "no lots match" row
    assert [t.strip() for t in rows.locator("td:nth-child(4)").all_inner_texts()] == [astana_name] * count
    assert [t.strip() for t in rows.locator("td:nth-child(2)").all_inner_texts()] == [str(year)] * count

    rows.first.locator("td:nth-child(3) a").first.click()
    expect(page).to_have_url(re.compile(r"/lots/\d+$"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator('a[href$="/edit"]')).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(r"^(Edit|Редактировать|Өңдеу)$"))).to_have_count(0)
    expect(page.locator("main")).to_contain_text(astana_name)


def test_language_switch_sticks_across_pages(page, live_server, live_app):
    kk_lots = catalog(live_app, "Lots", "kk_KZ")
    if kk_lots == "Lots":
        pytest.fail(
            "the compiled kk catalog has no translation for 'Lots' (run pybabel compile after translating)"
        )
    ru_lots = catalog(live_app, "Lots", "ru_KZ")
    nav_lots = page.locator('nav a.nav-link[href="/lots/"]')

    page.goto(f"{live_server}/lots/")
    expect(nav_lots).to_have_text(ru_lots)

    page.click("#lang-menu")
    page.locator('.dropdown-menu a.dropdown-item[lang="kk"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page).to_have_url(re.compile(r"/lots/\??$"))
    expect(nav_lots).to_have_text(kk_lots)
    expect(page.locator("#lang-menu")).to_have_text("Қазақша")

    page.locator("table tbody tr td:nth-child(3) a").first.click()
    expect(page).to_have_url(re.compile(r"/lots/\d+$"))
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(nav_lots).to_have_text(kk_lots)
    expect(page.locator(".breadcrumb a")).to_have_text(kk_lots)
    lot_url = page.url

    page.click("#lang-menu")
    page.locator('.dropdown-menu a.dropdown-item[lang="en"]').click()
    expect(page).to_have_url(lot_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav_lots).to_have_text("Lots")
    expect(page.locator("#lang-menu")).to_have_text("English")

    page.goto(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_ministry_edits_own_lot_budget(page, live_server, live_app, live_db):
    lot_id, budget_before, _ = ministry_lots(live_db)
    log_in(page, live_server)
    expect(page.locator("section[data-role=ministry]")).to_be_visible()

    page.goto(f"{live_server}/lots/{lot_id}")
    page.locator(f'a[href="/lots/{lot_id}/edit"]').click()
    expect(page).to_have_url(f"{live_server}/lots/{lot_id}/edit")
    save = page.locator("main form[method=post] button[type=submit]")

    page.fill("#budget", "-5")
    save.click()
    expect(page).to_have_url(f"{live_server}/lots/{lot_id}/edit")
    budget_field = page.locator("div:has(> #budget)")
    expect(budget_field.locator(".invalid-feedback")).to_have_text(
        catalog(live_app, "The amount must be greater than zero.", "ru_KZ")
    )
    expect(page.locator("#budget")).to_have_value("-5")
    expect(page.locator("main .alert-danger")).to_be_visible()
    assert lot_budget(live_db, lot_id) == budget_before

    page.fill("#budget", "12 500 000,00")
    save.click()
    expect(page).to_have_url(f"{live_server}/lots/{lot_id}")
    expect(page.locator("main .alert-success")).to_be_visible()
    assert spaces(page.locator("dd.money").inner_text()) == "12 500 000,00 ₸"
    assert lot_budget(live_db, lot_id) == NEW_BUDGET


def test_ministry_cannot_edit_another_administrators_lot(page, live_server, live_app, live_db):
    _, _, other_id = ministry_lots(live_db)
    log_in(page, live_server)

    response = page.goto(f"{live_server}/lots/{other_id}/edit")
    assert response.status == 403
    expect(page.locator("main h1")).to_have_text("403")
    expect(page.locator("main .lead")).to_have_text(
        catalog(live_app, "You do not have permission to do this.", "ru_KZ")
    )
    expect(page.locator("#budget")).to_have_count(0)

    page.goto(f"{live_server}/lots/{other_id}")
    expect(page.locator(f'a[href="/lots/{other_id}/edit"]')).to_have_count(0)


def test_logout_needs_csrf_and_ends_the_session(page, live_server, live_db):
    own_id, _, _ = ministry_lots(live_db)
    log_in(page, live_server)
    logout = page.locator('nav form[action="/logout"] button[type=submit]')
    page.locator("#user-menu").click()  # sign-out sits in the user menu
    expect(logout).to_be_visible()

    forged = page.request.post(f"{live_server}/logout", max_redirects=0)
    assert forged.status == 400, "a logout POST without the CSRF token must be refused"
    page.reload()
    expect(page.locator("section[data-role=ministry]")).to_be_visible()

    page.locator("#user-menu").click()
    logout.click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("main .alert-info")).to_be_visible()
    expect(page.locator('nav a[href="/login"]')).to_be_visible()
    expect(logout).to_have_count(0)
    expect(page.locator("section[data-role]")).to_have_count(0)

    page.goto(f"{live_server}/lots/{own_id}/edit")
    expect(page).to_have_url(re.compile(r"/login\?"))
    url = urlsplit(page.url)
    assert parse_qs(url.query)["next"][0].rstrip("?") == f"/lots/{own_id}/edit"
    expect(page.locator("#password")).to_be_visible()


def test_mobile_navbar_collapses_into_toggler(context_factory, live_server, live_app):
    page = context_factory(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True).new_page()
    page.goto(f"{live_server}/")
    toggler = page.locator("nav .navbar-toggler")
    nav_lots = page.locator('#nav a.nav-link[href="/lots/"]')
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(nav_lots).to_be_hidden()
    expect(page.locator('#nav a[href="/login"]')).to_be_hidden()

    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    expect(nav_lots).to_be_visible()
    expect(nav_lots).to_have_text(catalog(live_app, "Lots", "ru_KZ"))
    expect(page.locator('#nav a[href="/login"]')).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px wide)"

    nav_lots.click()
    expect(page).to_have_url(f"{live_server}/lots/")
    expect(toggler).to_be_visible()
    expect(nav_lots).to_be_hidden()


def test_desktop_shows_nav_without_toggler(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/")
    expect(page.locator("nav .navbar-toggler")).to_be_hidden()
    expect(page.locator('#nav a.nav-link[href="/lots/"]')).to_be_visible()
