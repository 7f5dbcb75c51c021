"""The Content-Security-Policy in a real browser: no page breaks a rule, the pages' own scripts
(Bootstrap, grants/static/js/) run, and an injected inline script is blocked."""

import pytest

from tests.helpers import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

PAGES = ["/", "/lots/", "/results", "/needs/", "/campaigns/", "/reviews/", "/account", "/methodologies/"]


def watch_violations(page) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and violations.append(message.text),
    )
    page.on("pageerror", lambda error: violations.append(f"page error: {error}"))
    return violations


def test_pages_keep_the_policy_and_their_scripts_still_run(page, live_server):
    violations = watch_violations(page)
    page.goto(f"{live_server}/login")
    page.fill("#email", "ministry@example.kz")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form").locator("[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/")
    for path in PAGES:
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    # A campaign's published results, with its charts.
    page.goto(f"{live_server}/results")
    link = page.locator("main a[href^='/results/']").first
    link.click()
    page.wait_for_load_state()
    assert "/results/" in page.url
    # Bootstrap's script (a static file) runs: the language menu opens.
    page.locator("#lang-menu").click()
    expect(page.locator(".dropdown-menu.show")).to_be_visible()
    assert violations == []


def test_an_injected_inline_script_is_blocked(page, live_server):
    violations = watch_violations(page)
    page.goto(f"{live_server}/lots/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        }"""
    )
    assert page.evaluate("() => window.injected === undefined")
    assert any("Content Security Policy" in v for v in violations)


def test_this_site_cannot_be_framed(page, live_server):
    """frame-ancestors 'none': a page that frames the login form shows nothing of it."""
    page.goto(f"{live_server}/lots/")
    page.evaluate(
        """(url) => new Promise(done => {
            const frame = document.createElement("iframe");
            frame.src = url; frame.onload = done; document.body.appendChild(frame);
            setTimeout(done, 3000);
        })""",
        f"{live_server}/login",
    )
    frame = page.frames[-1]
    assert frame != page.main_frame
    assert "csrf_token" not in frame.content(), "the framed page must not render"
