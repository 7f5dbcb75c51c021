"""The top menu fits (issue 11, acceptance 1): at 1280×800 and 1366×768, in Kazakh and Russian,
logged out and as each demo role, every menu entry and the sign-out are visible or one click away
(open its dropdown: then visible and inside the viewport), and the page is never wider than the
window. On a 390 px phone the toggler opens the menu and every entry can be reached.

One browser context per role (logged in once through the login form); the language is switched
with /lang/<code> inside that context, so each role logs in once for both languages.
"""

import re

import pytest

from tests.helpers import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

DESKTOPS = [(1280, 800), (1366, 768)]
PHONE = (390, 844)
LOCALES = ["kk", "ru"]

PUBLIC = {"/lots/", "/results", "/needs/", "/councils/", "/groups/", "/organisations/", "/methodologies/"} | {
    "/plans/", "/meetings/", "/working-groups/", "/recommendations/", "/information/", "/feed",
}  # fmt: skip
SIGNED_IN = {"/account", "/logout"}
# What each role must find in the menu (hrefs of links, the action of the sign-out form).
ROLES = {
    None: PUBLIC | {"/login"},
    "admin": PUBLIC
    | SIGNED_IN
    | {"/campaigns/", "/admin/users", "/imports/lots", "/admin/outbox/", "/admin/reports/"},
    "ministry": PUBLIC | SIGNED_IN | {"/campaigns/", "/reviews/", "/imports/lots"},
    "chair": PUBLIC | SIGNED_IN | {"/evaluations/", "/campaigns/"},
    "member1": PUBLIC | SIGNED_IN | {"/evaluations/", "/campaigns/"},
    "ngo": PUBLIC | SIGNED_IN | {"/my/projects"},
    "official": PUBLIC | SIGNED_IN,
}

# The entries of the menu: links, and the sign-out form's button named by the form's action.
ENTRIES_JS = """() => [...document.querySelectorAll('#nav a[href], #nav form button[type=submit]')]
  .filter(el => !el.matches('[data-bs-toggle]'))
  .map(el => el.tagName === 'BUTTON' ? new URL(el.form.action).pathname
                                     : new URL(el.href).pathname)"""

# Which entries are showing right now, wholly inside the viewport (and not covered by another box).
SHOWING_JS = """() => {
  const inside = el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    if (getComputedStyle(el).visibility === 'hidden') return false;
    if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return false;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return hit !== null && (hit === el || el.contains(hit));
  };
  return [...document.querySelectorAll('#nav a[href], #nav form button[type=submit]')]
    .filter(el => !el.matches('[data-bs-toggle]') && inside(el))
    .map(el => el.tagName === 'BUTTON' ? new URL(el.form.action).pathname
                                       : new URL(el.href).pathname);
}"""


def log_in(page, base: str, account: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#email", f"{account}@example.kz")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form").locator("[type=submit]").click()
    expect(page).to_have_url(f"{base}/")


@pytest.fixture(scope="module")
def role_pages(browser, live_server, live_app):
    """page_for(account) → a page of its own context, logged in once (None: an anonymous visitor)."""
    from sqlalchemy import select

    from grants.accounts.models import User
    from grants.extensions import db

    contexts, pages = [], {}

    def page_for(account):
        if account not in pages:
            if account is not None:
                with live_app.app_context():
                    exists = db.session.scalar(select(User.id).filter_by(email=f"{account}@example.kz"))
                    db.session.remove()
                if exists is None:
                    pytest.skip(f"the demo data has no {account}@example.kz account")
            context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 800})
            context.set_default_timeout(30_000)  # generous: `make test` runs two suites at once on two cores
            contexts.append(context)
            page = context.new_page()
            if account is not None:
                log_in(page, live_server, account)
            pages[account] = page
        return pages[account]

    yield page_for
    for context in contexts:
        context.close()


def reachable_entries(page) -> set[str]:
    """Entries showing at once, plus those showing after one click on their dropdown's toggle."""
    found = set(page.evaluate(SHOWING_JS))
    toggles = page.locator("#nav [data-bs-toggle=dropdown]")
    for i in range(toggles.count()):
        toggle = toggles.nth(i)
        expect(toggle).to_be_visible()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        found |= set(page.evaluate(SHOWING_JS))
        page.keyboard.press("Escape")
        expect(toggle).to_have_attribute("aria-expanded", "false")
    return found


def page_width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


@pytest.mark.parametrize("account", list(ROLES), ids=lambda a: a or "anonymous")
def test_every_menu_entry_fits_on_a_laptop(role_pages, live_server, account):
    page = role_pages(account)
    for locale in LOCALES:
        page.goto(f"{live_server}/lang/{locale}?next=/")
        expect(page.locator("html")).to_have_attribute("lang", locale)
        entries = set(page.evaluate(ENTRIES_JS))
        missing = ROLES[account] - entries
        assert not missing, f"{account} in {locale}: the menu lacks {sorted(missing)}"
        for width, height in DESKTOPS:
            page.set_viewport_size({"width": width, "height": height})
            where = f"{account or 'anonymous'}, {locale}, {width}×{height}"
            expect(page.locator("nav .navbar-toggler")).to_be_hidden()
            scroll, inner = page_width(page)
            assert scroll <= inner, f"{where}: the page is {scroll}px wide in a {inner}px window"
            # One row: every top-level entry sits on the navbar's first line.
            tops = page.evaluate(
                "[...document.querySelectorAll('#nav > .navbar-nav > .nav-item')]"
                ".map(li => Math.round(li.getBoundingClientRect().top))"
            )
            assert max(tops) - min(tops) <= 4, f"{where}: the menu wraps onto a second line ({tops})"
            unreachable = entries - reachable_entries(page)
            assert not unreachable, f"{where}: not reachable in one click: {sorted(unreachable)}"


@pytest.mark.parametrize("account", [None, "admin", "ngo"], ids=lambda a: a or "anonymous")
def test_the_phone_menu_opens_and_reaches_every_entry(role_pages, live_server, account):
    page = role_pages(account)
    page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
    for locale in LOCALES:
        page.goto(f"{live_server}/lang/{locale}?next=/")
        toggler = page.locator("nav .navbar-toggler")
        expect(toggler).to_be_visible()
        expect(page.locator('#nav a.nav-link[href="/lots/"]')).to_be_hidden()
        scroll, inner = page_width(page)
        assert scroll <= inner, f"{locale}: the phone page is {scroll}px wide in a {inner}px window"

        toggler.click()
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
        expect(page.locator('#nav a.nav-link[href="/lots/"]')).to_be_visible()
        entries = set(page.evaluate(ENTRIES_JS))
        assert ROLES[account] <= entries
        reachable = set()
        for selector in ["#nav a[href]:not([data-bs-toggle])", "#nav form button[type=submit]"]:
            items = page.locator(selector)
            for i in range(items.count()):
                item = items.nth(i)
                if not item.is_visible():  # inside a closed dropdown: open it (one tap)
                    toggle = item.locator(
                        "xpath=ancestor::li[contains(@class,'dropdown')]/a[@data-bs-toggle]"
                    )
                    toggle.click()
                    expect(item).to_be_visible()
                item.scroll_into_view_if_needed()
                box = item.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], selector
                reachable.add(item.get_attribute("href") or "/logout")
        scroll, inner = page_width(page)
        assert scroll <= inner, f"{locale}: the open phone menu is {scroll}px wide"
        assert ROLES[account] <= {href.split("?")[0] for href in reachable}


def test_the_home_page_loads_every_resource(context_factory, live_server):
    """No 404 in the console (the browser's own /favicon.ico request included) on a first visit."""
    page = context_factory().new_page()
    failures = []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and failures.append(m.text))
    page.goto(f"{live_server}/")
    page.wait_for_load_state("networkidle")
    assert failures == []
    assert page.evaluate("document.querySelector('link[rel=icon]').href").endswith("/static/favicon.svg")
