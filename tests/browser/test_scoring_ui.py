"""The demo campaign evaluated end to end in a real browser: three members and the chair, a project and a lot."""

import re

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from tests.browser.test_ui import log_in

expect = pytest.importorskip("playwright.sync_api").expect

PROJECT_SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}


def demo_evaluations(live_db) -> dict:
    """Ids of group 1's project evaluation (NGO not tied to member2) and lot evaluation."""

    def pick():
        chair = db.session.scalar(select(User).where(User.email == "chair@example.kz"))
        bins = db.session.scalar(select(User).where(User.email == "member2@example.kz")).affiliated_bins
        found = {}
        for e in db.session.scalars(select(Evaluation).order_by(Evaluation.id)):
            if e.group.chair_id != chair.id or e.state != EvaluationState.scoring:
                continue
            if e.kind == SubjectKind.lot:
                found.setdefault("lot", (e.id, e.methodology.codes))
            elif e.ngo_bin not in bins:
                found.setdefault("project", (e.id, e.methodology.codes))
        return found

    return live_db(pick)


def score_in_browser(context_factory, base, who, evaluation_id, codes, scores):
    page = context_factory().new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "Submit the scorecard?" (data-confirm)
    log_in(page, base, f"{who}@example.kz")
    page.goto(f"{base}/lang/en?next=/evaluations/{evaluation_id}")
    expect(page.locator("#scorecard")).to_be_visible()
    page.check('input[name="conflict"][value="no"]')
    page.check("#confirm")
    page.click('#scorecard button[type="submit"]')
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Declaration recorded")
    # Nobody else's scores are on the page yet.
    expect(page.locator("[data-aggregates]")).to_have_count(0)
    for code, value in zip(codes, scores, strict=True):
        page.check(f'input[name="score_{code}"][value="{value}"]')
        page.fill(f'textarea[name="comment_{code}"]', f"Seen on site: {code}")
    page.click('button[name="submit_card"]')
    expect(page.locator(".alert-success[role=alert]")).to_contain_text("Scorecard submitted")
    return page


def test_project_and_lot_evaluated_end_to_end_in_the_browser(live_server, live_db, context_factory):
    ids = demo_evaluations(live_db)
    project_id, project_codes = ids["project"]
    lot_id, lot_codes = ids["lot"]
    for who, scores in PROJECT_SCORES.items():
        score_in_browser(context_factory, live_server, who, project_id, project_codes, scores)
    last = None
    for who in PROJECT_SCORES:
        last = score_in_browser(context_factory, live_server, who, lot_id, lot_codes, [4] * len(lot_codes))
    # Having submitted, a member now sees the group's result so far.
    expect(last.locator("[data-aggregates]")).to_be_visible()

    chair = context_factory().new_page()
    chair.on(
        "dialog", lambda dialog: dialog.accept()
    )  # "Close scoring?", "Submit … for review?" (data-confirm)
    log_in(chair, live_server, "chair@example.kz")
    for evaluation_id, codes, index, band in (
        (project_id, project_codes, "83.3", "effective"),
        (lot_id, lot_codes, "80.0", "relevant"),
    ):
        chair.goto(f"{live_server}/lang/en?next=/evaluations/{evaluation_id}/consolidate")
        expect(chair.locator("[data-side-by-side]")).to_have_count(0)
        chair.click('button[value="close"]')
        expect(chair.locator("[data-side-by-side]")).to_be_visible()
        expect(chair.locator("[data-index]")).to_have_text(index)
        expect(chair.locator(f'[data-band="{band}"]')).to_be_visible()
        for code in codes:
            chair.fill(f"#conclusion_{code}", "The activities carried out mostly match the plan.")
        chair.fill("#findings", "Activities were carried out as planned; attendance was confirmed on site.")
        chair.fill("#recommendations", "Involve parents in the final events.")
        chair.click('button[value="finalize"]')
        expect(chair).to_have_url(re.compile(rf"/evaluations/{evaluation_id}$"))
        expect(chair.locator("[data-state]")).to_have_attribute("data-state", "in_review")

    def states():
        return {e.id: (e.state, str(e.index_value), e.band) for e in db.session.scalars(select(Evaluation))}

    result = live_db(states)
    assert result[project_id] == (EvaluationState.in_review, "83.3", "effective")
    assert result[lot_id] == (EvaluationState.in_review, "80.0", "relevant")
