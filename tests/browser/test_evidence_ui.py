"""Evidence in front of the reviewers, in a real browser (issue 11, acceptance 4): the chair on the
consolidation page and the ministry on the review page see a member's photo and open it; a member of
another group cannot (docs/domain.md#evidence-access)."""

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants.accounts.models import User
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.scoring.evidence import store_file
from tests.browser.test_ui import log_in
from tests.scoring.test_evidence_access import PDF, PNG

expect = pytest.importorskip("playwright.sync_api").expect


def published_lot_with_evidence(live_db) -> tuple[int, int, int, str]:
    """The demo's published lot evaluation of chair@'s group (no other browser test changes it): a
    photo on its first criterion and an act (PDF) on the whole evaluation, added by member1."""

    def attach():
        chair = db.session.scalar(select(User).where(User.email == "chair@example.kz"))
        evaluation = next(
            e
            for e in db.session.scalars(
                select(Evaluation)
                .where(Evaluation.kind == SubjectKind.lot, Evaluation.state == EvaluationState.published)
                .order_by(Evaluation.id)
            )
            if e.group.chair_id == chair.id
        )
        member1 = db.session.scalar(select(User).where(User.email == "member1@example.kz"))
        card = evaluation.scorecard_of(member1)
        code = evaluation.methodology.codes[0]
        photo = store_file(
            FileStorage(io.BytesIO(PNG), filename="classroom.png"),
            member1,
            scorecard=card,
            criterion_code=code,
            description="Занятие в классе",
        )
        act = store_file(FileStorage(io.BytesIO(PDF), filename="act.pdf"), member1, scorecard=card)
        db.session.commit()
        return evaluation.id, photo.id, act.id, member1.full_name

    return live_db(attach)


def _sees_and_opens(page, base: str, path: str, photo_id: int, act_id: int, author: str) -> None:
    page.goto(f"{base}{path}")
    item = page.locator(f'#exhibits [data-evidence="{photo_id}"]')
    expect(item).to_be_visible()
    expect(item).to_contain_text("classroom.png")
    expect(item.locator("[data-evidence-author]")).to_contain_text(author)
    expect(page.locator(f'#exhibits [data-evidence="{act_id}"]')).to_contain_text("act.pdf")
    thumbnail = item.locator("img")
    expect(thumbnail).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    with page.expect_popup() as popup_info:
        item.locator("a[data-evidence-open]").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == f"{base}/evaluations/evidence/{photo_id}"
    assert popup.evaluate("document.contentType") == "image/png"
    assert popup.evaluate("document.images.length && document.images[0].naturalWidth") == 1
    popup.close()
    href = page.locator(f'#exhibits [data-evidence="{act_id}"] a[data-evidence-open]').get_attribute("href")
    response = page.request.get(f"{base}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert response.body() == PDF


def test_chair_and_ministry_see_and_open_a_members_evidence(live_server, live_db, context_factory):
    evaluation_id, photo_id, act_id, author = published_lot_with_evidence(live_db)
    base = live_server

    chair = context_factory().new_page()
    log_in(chair, base, "chair@example.kz")
    _sees_and_opens(chair, base, f"/evaluations/{evaluation_id}/consolidate", photo_id, act_id, author)

    ministry = context_factory().new_page()
    log_in(ministry, base, "ministry@example.kz")
    _sees_and_opens(ministry, base, f"/reviews/{evaluation_id}", photo_id, act_id, author)

    outsider = context_factory().new_page()
    log_in(outsider, base, "member4@example.kz")
    assert outsider.request.get(f"{base}/evaluations/evidence/{photo_id}").status == 404
