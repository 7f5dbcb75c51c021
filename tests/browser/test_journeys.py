"""The whole workflow as people use it, in a real browser, once in Kazakh and once in Russian.

The ministry creates a campaign and assigns a project of the demo NGO to the demo chair's group and
starts it; three members declare and score it with evidence (one at a desktop, one on a phone, one
with the keyboard alone: Tab, Space, arrows and Enter, no clicks); the chair closes scoring, sees
and opens the evidence, consolidates and submits; the ministry returns it with a comment, the chair
revises, the ministry accepts and publishes; the NGO replies and the chair rules; an anonymous
visitor finds the result on the portal, downloads the final report and verifies it.

Every page the journeys visit is checked by axe (no serious or critical violation, tests/browser/
a11y.py) and must be in the journey's language (`<html lang>`). Each journey runs on a fresh copy of
the seeded demo (`fresh_live` in conftest.py). The main steps navigate by URL, not through the menu,
and the selectors are ids, names and data attributes, not translated texts.
"""

import hashlib
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.councils.models import GroupMember, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Evaluation, EvaluationState
from grants.projects.models import Project
from tests.browser.a11y import PageHealth, assert_accessible
from tests.helpers import DEMO_PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

LOCALES = {"kk": "kk-KZ", "ru": "ru-RU"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
# The three members' scores for every criterion: desktop, phone, keyboard.
SCORES = (4, 5, 3)
# The chair's consolidation page shows each member's evidence once the evidence list is in place.
EVIDENCE_LISTED_FOR_REVIEWERS = (
    Path(__file__).parents[2] / "templates/scoring/_evidence_list.html"
).is_file()


def small_png() -> bytes:
    """A valid 2×2 grey PNG, built here so that the test needs no file on disk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x80\x80\x80" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass
class Cast:
    """Who and what the journey works with, chosen from the demo data."""

    project_id: int
    group_id: int
    members: list[str]
    codes: list[str] = field(default_factory=list)


def cast_of(fresh) -> Cast:
    """A project of a lot of the ministry's organisation carried out by the demo NGO, the demo chair's
    group, and three of its members without ties to that NGO."""

    def pick():
        def user(email):
            return db.session.scalar(select(User).where(User.email == email))

        ministry, ngo, chair = user("ministry@example.kz"), user("ngo@example.kz"), user("chair@example.kz")
        projects = db.session.scalars(
            select(Project)
            .join(Lot, Project.lot_id == Lot.id)
            .where(Lot.administrator_id == ministry.organisation_id, Project.ngo_id == ngo.organisation_id)
            .order_by(Project.id)
        ).all()
        groups = db.session.scalars(
            select(MonitoringGroup).where(MonitoringGroup.chair_id == chair.id).order_by(MonitoringGroup.id)
        ).all()
        for project in projects:
            for group in groups:
                members = db.session.scalars(
                    select(User)
                    .join(GroupMember, GroupMember.user_id == User.id)
                    .where(GroupMember.group_id == group.id, User.email.like("member%"))
                    .order_by(User.email)
                ).all()
                free = [m.email for m in members if project.ngo.bin not in m.affiliated_bins]
                if len(free) >= 3:
                    return Cast(project.id, group.id, free[:3])
        raise AssertionError("the demo has no project of the demo NGO that the chair's group can evaluate")

    return fresh.run(pick)


class Journey:
    """Pages in one language; every visit and every navigation is checked by axe and for its language."""

    def __init__(self, browser, fresh, lang: str):
        self.browser = browser
        self.base = fresh.base
        self.fresh = fresh
        self.lang = lang
        self.contexts = []
        self.checked = 0

    def page(self, email: str | None = None, **options):
        context = self.browser.new_context(locale=LOCALES[self.lang], **(options or DESKTOP))
        context.set_default_timeout(30_000)  # generous: `make test` runs two suites at once on two cores
        self.contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # confirmations before irreversible steps
        page.health = PageHealth.attach(page)
        if email:
            page.goto(f"{self.base}/login")
            page.fill("#email", email)
            page.fill("#password", DEMO_PASSWORD)
            page.locator("main form").locator("[type=submit]").click()
            expect(page).to_have_url(f"{self.base}/")
        # The site's own switch: stored in the session and a cookie (the profile keeps its language).
        self.visit(page, f"/lang/{self.lang}?next=/")
        return page

    def visit(self, page, path: str):
        response = page.goto(f"{self.base}{path}")
        assert response is not None and response.status < 400, f"{path}: {response and response.status}"
        self.check(page)
        return page

    def check(self, page):
        """After a navigation: the page is in the journey's language and axe finds nothing serious."""
        page.wait_for_load_state("load")
        expect(page.locator("html")).to_have_attribute("lang", self.lang)
        assert_accessible(page)
        self.checked += 1

    def submit(self, page, button):
        """Click a submit button and check the page the server answers with."""
        with page.expect_navigation():
            button.click()
        self.check(page)

    def close(self):
        for context in self.contexts:
            context.close()


# --- keyboard only ----------------------------------------------------------------------------


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def choose_by_keyboard(page, name: str, value: str) -> None:
    """Tab into a radio group, Space to choose the focused option, arrows to the wanted one."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    page.keyboard.press("Space")
    for _ in range(10):
        if page.evaluate("() => document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowRight")
    expect(page.locator(f'input[name="{name}"][value="{value}"]')).to_be_checked()


# --- the steps --------------------------------------------------------------------------------


def ministry_creates_and_starts(journey: Journey, cast: Cast) -> tuple[int, int]:
    page = journey.page("ministry@example.kz")
    journey.visit(page, "/campaigns/")
    journey.visit(page, "/campaigns/new")
    today = date.today()
    name = f"Journey {journey.lang} {today.year}"
    page.fill("#name_ru", f"Мониторинг {name}")
    page.fill("#name_kk", f"Мониторинг {name}")
    page.fill("#period_start", (today - timedelta(days=90)).isoformat())
    page.fill("#period_end", (today + timedelta(days=30)).isoformat())
    page.fill("#scoring_deadline", (today + timedelta(days=20)).isoformat())
    page.fill("#review_deadline", (today + timedelta(days=40)).isoformat())
    page.select_option("#project_methodology_id", index=1)
    page.check(f'input[name="group_ids"][value="{cast.group_id}"]')
    journey.submit(page, page.locator("main form[method=post]").locator("button[type=submit]").first)
    match = re.search(r"/campaigns/(\d+)$", page.url)
    assert match, f"the new campaign did not open: {page.url}"
    campaign_id = int(match.group(1))

    page.select_option("#one-group_id", str(cast.group_id))
    page.select_option("#one-subject", f"project:{cast.project_id}")
    journey.submit(page, page.locator('form[action$="/assign"] [type=submit]'))
    row = page.locator("tr[data-evaluation]")
    expect(row).to_have_count(1)
    evaluation_id = int(row.get_attribute("data-evaluation"))
    journey.submit(page, page.locator('form[action$="/start"] [type=submit]'))
    expect(page.locator(".alert-success").first).to_be_visible()

    def state():
        evaluation = db.session.get(Evaluation, evaluation_id)
        return evaluation.state, evaluation.methodology.codes

    current, codes = journey.fresh.run(state)
    assert current == EvaluationState.scoring
    cast.codes = list(codes)
    return campaign_id, evaluation_id


def add_evidence(journey: Journey, page, filename: str) -> str:
    """Upload a small PNG through the evidence form; returns the link to the stored file."""
    file_input = page.locator('input[type=file][name$="file"]').first
    file_input.set_input_files({"name": filename, "mimeType": "image/png", "buffer": small_png()})
    form = file_input.locator("xpath=ancestor::form[1]")
    named = form.locator("button[name=add], input[type=submit][name=add]")
    button = (
        named.first if named.count() else form.locator("button[type=submit]:not([name=submit_card])").last
    )
    # the page sends the evidence in place (grants/static/js/scorecard.js) and replaces its section
    with page.expect_response(lambda r: r.request.method == "POST" and "/evidence" in r.url) as answer:
        button.click()
    assert answer.value.status == 200, answer.value.status
    link = page.locator(f'a[href*="/evidence/"]:has-text("{filename}")').first
    expect(link).to_be_visible()
    journey.check(page)
    return link.get_attribute("href")


def expect_scores(page, cast: Cast, score: int, comment: str) -> None:
    for code in cast.codes:
        expect(page.locator(f'input[name="score_{code}"][value="{score}"]')).to_be_checked()
        expect(page.locator(f'textarea[name="comment_{code}"]')).to_have_value(f"{comment} {code}")


def member_scores(journey: Journey, cast: Cast, evaluation_id: int, email: str, score: int, how: str) -> str:
    page = journey.page(email, **(PHONE if how == "phone" else DESKTOP))
    journey.visit(page, "/evaluations/")
    journey.visit(page, f"/evaluations/{evaluation_id}")
    comment = f"{how}: seen on site"
    if how == "keyboard":
        choose_by_keyboard(page, "conflict", "no")
        tab_to(page, "#confirm")
        page.keyboard.press("Space")
        expect(page.locator("#confirm")).to_be_checked()
        tab_to(page, '#scorecard form[action$="/declare"] button[type=submit]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        journey.check(page)
        for code in cast.codes:
            choose_by_keyboard(page, f"score_{code}", str(score))
            tab_to(page, f'textarea[name="comment_{code}"]')
            page.keyboard.type(f"{comment} {code}")
        tab_to(page, 'button[name="save"]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        journey.check(page)
    else:
        page.check('input[name="conflict"][value="no"]')
        page.check("#confirm")
        journey.submit(page, page.locator('#scorecard form[action$="/declare"] button[type=submit]'))
        for code in cast.codes:
            page.check(f'input[name="score_{code}"][value="{score}"]')
            page.fill(f'textarea[name="comment_{code}"]', f"{comment} {code}")
        journey.submit(page, page.locator('button[name="save"]'))
    expect_scores(page, cast, score, comment)

    href = add_evidence(journey, page, f"evidence-{how}.png")
    expect_scores(page, cast, score, comment)  # the evidence did not cost the scores typed

    if how == "keyboard":
        tab_to(page, 'button[name="submit_card"]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        journey.check(page)
    else:
        journey.submit(page, page.locator('button[name="submit_card"]'))
    expect(page.locator('button[name="submit_card"]')).to_have_count(0)  # submitted: locked
    page.health.assert_clean()
    return href


def chair_consolidates(journey: Journey, cast: Cast, evaluation_id: int, evidence: list[str]) -> tuple:
    page = journey.page("chair@example.kz")
    journey.visit(page, f"/evaluations/{evaluation_id}/consolidate")
    journey.submit(page, page.locator('button[value="close"]'))
    expect(page.locator("[data-side-by-side]")).to_be_visible()
    index = page.locator("[data-index]").first.inner_text().strip()
    # The chair may open every member's evidence now that scoring is closed.
    for href in evidence:
        answer = page.request.get(f"{journey.base}{href}")
        assert answer.status == 200 and answer.body().startswith(b"\x89PNG"), href
        if EVIDENCE_LISTED_FOR_REVIEWERS:
            expect(page.locator(f'a[href="{href}"]').first).to_be_visible()
    for code in cast.codes:
        page.fill(f"#conclusion_{code}", f"{code}: the activities mostly match the plan.")
    page.fill("#findings", "Activities were carried out as planned; attendance confirmed on site.")
    page.fill("#recommendations", "Involve parents in the final events.")
    journey.submit(page, page.locator('button[value="finalize"]'))
    expect(page).to_have_url(re.compile(rf"/evaluations/{evaluation_id}$"))
    expect(page.locator("[data-state]").first).to_have_attribute("data-state", "in_review")
    page.health.assert_clean()
    return page, index


def ministry_returns_then_accepts(journey: Journey, chair, evaluation_id: int) -> None:
    comment = "Please add evidence for the sustainability conclusion."
    ministry = journey.page("ministry@example.kz")
    journey.visit(ministry, "/reviews/")
    expect(ministry.locator(f'tr[data-evaluation="{evaluation_id}"]').first).to_be_visible()
    journey.visit(ministry, f"/reviews/{evaluation_id}")
    ministry.fill("#comment", comment)
    journey.submit(ministry, ministry.locator('button[name="decision"][value="return"]'))
    expect(ministry.locator("[data-state]").first).to_have_attribute("data-state", "returned")

    journey.visit(chair, f"/evaluations/{evaluation_id}/consolidate")
    expect(chair.locator("[data-review-comment]")).to_contain_text(comment)
    chair.fill("#findings", "Activities were carried out as planned; sustainability is funded by the akimat.")
    journey.submit(chair, chair.locator('button[value="finalize"]'))
    expect(chair.locator("[data-state]").first).to_have_attribute("data-state", "in_review")

    journey.visit(ministry, f"/reviews/{evaluation_id}")
    journey.submit(ministry, ministry.locator('button[name="decision"][value="accept"]'))
    expect(ministry.locator("[data-state]").first).to_have_attribute("data-state", "accepted")
    journey.submit(ministry, ministry.locator("#publish button[type=submit]"))
    expect(ministry.locator("[data-state]").first).to_have_attribute("data-state", "published")
    ministry.health.assert_clean()


def ngo_replies_and_chair_rules(journey: Journey, chair, evaluation_id: int) -> None:
    path = f"/evaluations/{evaluation_id}/replies"
    reply = "Охват подтверждён списками участников."
    ngo = journey.page("ngo@example.kz")
    journey.visit(ngo, path)
    expect(ngo.locator("[data-reply-window]")).to_be_visible()
    ngo.select_option("#target", index=2)
    ngo.fill("#text", reply)
    journey.submit(ngo, ngo.locator("#reply-form [type=submit]").first)
    card = ngo.locator("[data-reply]").last
    expect(card).to_have_attribute("data-ruling", "pending")
    expect(card).to_contain_text(reply)
    ngo.health.assert_clean()

    journey.visit(chair, path)
    form = chair.locator("form[data-ruling-form]").last
    form.locator("input[value=rejected]").check()
    form.locator("textarea").fill("Списки не подписаны руководителем НПО.")
    journey.submit(chair, form.locator("[type=submit]"))
    expect(chair.locator("[data-reply]").last).to_have_attribute("data-ruling", "rejected")
    chair.health.assert_clean()


def visitor_finds_and_verifies(
    journey: Journey, cast: Cast, campaign_id: int, evaluation_id: int, index: str
):
    page = journey.page()
    journey.visit(page, "/results")
    link = page.locator(f'a[href="/results/{campaign_id}"]')
    expect(link).to_be_visible()
    journey.submit(page, link)
    row = page.locator(f'tr[data-evaluation="{evaluation_id}"]')
    expect(row.locator("[data-index]")).to_have_text(index)
    journey.visit(page, f"/projects/{cast.project_id}")
    published = page.locator(f'[data-published-evaluation="{evaluation_id}"]')
    expect(published.locator("[data-index]")).to_have_text(index)

    journey.visit(page, f"/results/{campaign_id}")
    final = page.locator(f'tr[data-evaluation="{evaluation_id}"] a[data-final-report="{journey.lang}"]')
    href = final.get_attribute("href")
    pdf = page.request.get(f"{journey.base}{href}")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    digest = hashlib.sha256(pdf.body()).hexdigest()

    journey.visit(page, "/verify/")
    page.set_input_files("#file", {"name": "report.pdf", "mimeType": "application/pdf", "buffer": pdf.body()})
    journey.submit(page, page.locator("#verify-form [type=submit]"))
    expect(page.locator("[data-verified]")).to_have_attribute("data-verified", "final")
    expect(page.locator("[data-sha256]")).to_have_text(digest)
    page.health.assert_clean()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_whole_workflow_in_the_browser(lang, browser, fresh_live):
    journey = Journey(browser, fresh_live, lang)
    try:
        cast = cast_of(fresh_live)
        campaign_id, evaluation_id = ministry_creates_and_starts(journey, cast)
        evidence = [
            member_scores(journey, cast, evaluation_id, email, score, how)
            for email, score, how in zip(cast.members, SCORES, ("desktop", "phone", "keyboard"), strict=True)
        ]
        chair, index = chair_consolidates(journey, cast, evaluation_id, evidence)
        ministry_returns_then_accepts(journey, chair, evaluation_id)
        ngo_replies_and_chair_rules(journey, chair, evaluation_id)
        visitor_finds_and_verifies(journey, cast, campaign_id, evaluation_id, index)
    finally:
        journey.close()

    def stored():
        evaluation = db.session.get(Evaluation, evaluation_id)
        cards = [c for c in evaluation.scorecards if c.submitted_at]
        return evaluation.state, len(cards), sum(len(c.evidence) for c in cards)

    assert fresh_live.run(stored) == (EvaluationState.published, 3, 3)
    assert journey.checked >= 30  # axe ran on every page the journey went through
