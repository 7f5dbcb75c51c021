"""Issue 11, acceptance 3: a member types scores and a comment, adds evidence and a site visit, and
finds the scores and the comment still there (also after a reload, thanks to the autosaved draft);
a refused visit keeps its fields; leaving with unsaved changes warns; submitting asks first."""

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.extensions import db
from grants.monitoring.models import Evaluation, SubjectKind
from tests.browser.test_ui import log_in

expect = pytest.importorskip("playwright.sync_api").expect

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def open_evaluation(live_db) -> tuple[int, list[str]]:
    """A project evaluation in scoring where member1 sits and has not submitted; not the one
    tests/browser/test_scoring_ui.py scores (there member2 is not affiliated; here he is)."""

    def pick():
        member1 = db.session.scalar(select(User).where(User.email == "member1@example.kz"))
        member2_bins = db.session.scalar(
            select(User).where(User.email == "member2@example.kz")
        ).affiliated_bins
        for e in db.session.scalars(select(Evaluation).order_by(Evaluation.id.desc())):
            card = e.scorecard_of(member1)
            if (
                e.in_scoring
                and e.kind == SubjectKind.project
                and e.group.has_member(member1)
                and not e.is_affiliated(member1)
                and e.ngo_bin in member2_bins
                and not (card and (card.submitted_at or card.recused))
            ):
                return e.id, e.methodology.codes
        raise AssertionError("the demo data lacks an open evaluation for member1")

    return live_db(pick)


def test_scores_survive_evidence_visits_and_reload_and_leaving_warns(live_server, live_db, context_factory):
    evaluation_id, codes = open_evaluation(live_db)
    page = context_factory().new_page()
    dialogs = []

    def answer(dialog):
        dialogs.append((dialog.type, dialog.message))
        if dialog.type == "confirm":
            dialog.dismiss()  # "Submit the scorecard?" — not now
        else:
            dialog.accept()

    page.on("dialog", answer)
    log_in(page, live_server, "member1@example.kz")
    url = f"{live_server}/evaluations/{evaluation_id}"
    page.goto(f"{live_server}/lang/en?next=/evaluations/{evaluation_id}")
    if page.locator('input[name="conflict"]').count():
        page.check('input[name="conflict"][value="no"]')
        page.check("#confirm")
        page.click('#scorecard button[type="submit"]')
        expect(page.locator(".alert-success[role=alert]")).to_contain_text("Declaration recorded")

    # The member types two scores and a comment (real clicks and keys: a user gesture).
    page.click(f'label[for="score_{codes[0]}-4"]')
    page.click(f'label[for="score_{codes[1]}-2"]')
    page.click(f"#comment_{codes[1]}")
    page.keyboard.type("Two of five activities were held")

    # Evidence added in the page.
    page.select_option("#criterion_code", codes[1])
    page.set_input_files("#file", files=[{"name": "proof.png", "mimeType": "image/png", "buffer": PNG}])
    page.fill("#description", "Attendance sheet")
    page.click("#evidence-form button[type=submit]")
    expect(page.locator("#evidence .evidence-list")).to_contain_text("proof.png")
    expect(page.locator("#evidence [data-section-status]")).to_have_text("Evidence added.")

    # A refused visit (a date in the future): every field still filled, the error beside the date.
    page.fill("#visit_date", "2999-01-01")
    page.fill("#place", "Astana, community centre")
    page.fill("#observations", "Classes are held twice a week.")
    page.click("#visit-form button[type=submit]")
    expect(page.locator('[data-field-error="visit_date"]')).to_be_visible()
    expect(page.locator("#visit_date")).to_have_value("2999-01-01")
    expect(page.locator("#place")).to_have_value("Astana, community centre")
    expect(page.locator("#observations")).to_have_value("Classes are held twice a week.")
    expect(page.locator("#visits [data-section-problem]")).to_be_visible()
    assert "visit_date" not in page.locator("#visits").inner_text()

    # Corrected, it is recorded in the page.
    page.fill("#visit_date", "2026-01-15")
    page.click("#visit-form button[type=submit]")
    expect(page.locator("#visits [data-section-status]")).to_have_text("Site visit recorded.")
    expect(page.locator("#visits")).to_contain_text("Astana, community centre")

    # The scores and the comment are still there.
    expect(page.locator(f"#score_{codes[0]}-4")).to_be_checked()
    expect(page.locator(f"#score_{codes[1]}-2")).to_be_checked()
    expect(page.locator(f"#comment_{codes[1]}")).to_have_value("Two of five activities were held")

    # Submitting asks first; dismissed, nothing is submitted.
    page.click('button[name="submit_card"]')
    assert dialogs and dialogs[-1][0] == "confirm"
    expect(page.locator("#scorecard-form")).to_be_visible()

    # The draft was saved as the member typed: still there after a reload.
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    page.reload()
    expect(page.locator(f"#score_{codes[0]}-4")).to_be_checked()
    expect(page.locator(f"#score_{codes[1]}-2")).to_be_checked()
    expect(page.locator(f"#comment_{codes[1]}")).to_have_value("Two of five activities were held")
    expect(page.locator("#evidence .evidence-list")).to_contain_text("proof.png")

    # Saved: leaving does not warn.
    dialogs.clear()
    page.goto(f"{live_server}/evaluations/")
    assert [d for d in dialogs if d[0] == "beforeunload"] == []

    # Typed and not yet saved: leaving warns.
    page.goto(url)
    page.click(f"#comment_{codes[2]}")
    page.keyboard.type("Not saved yet")
    page.goto(f"{live_server}/evaluations/")
    assert [d for d in dialogs if d[0] == "beforeunload"], dialogs


def test_the_scorecard_is_completed_with_the_keyboard_alone(live_server, live_db, context_factory):
    evaluation_id, codes = open_evaluation(live_db)
    page = context_factory(viewport={"width": 390, "height": 844}).new_page()
    log_in(page, live_server, "member1@example.kz")
    page.goto(f"{live_server}/lang/en?next=/evaluations/{evaluation_id}")
    if page.locator('input[name="conflict"]').count():
        page.check('input[name="conflict"][value="no"]')
        page.check("#confirm")
        page.click('#scorecard button[type="submit"]')
    # Phone: every score option is a target of at least 44 × 44 px.
    for box in page.locator(".score-option").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.width, r.height])"
    ):
        assert box[0] >= 44 and box[1] >= 44, box
    # Keyboard: into the first criterion's scores, arrows choose, Tab goes to its comment.
    page.focus(f"#score_{codes[0]}-0")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"#score_{codes[0]}-3")).to_be_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"comment_{codes[0]}"
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Tab")  # to the next criterion's scores
    assert page.evaluate("document.activeElement.name") == f"score_{codes[1]}"
    expect(page.locator("[data-autosave-status]")).to_contain_text("Draft saved at")
    expect(page.locator(f"#score_{codes[0]}-3")).to_be_checked()
