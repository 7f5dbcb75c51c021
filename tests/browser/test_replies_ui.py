"""Right of reply in a real browser: the demo NGO replies to its published evaluation, the chair rejects it."""

import re

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.extensions import db
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.replies.models import Reply
from tests.browser.test_ui import log_in

expect = pytest.importorskip("playwright.sync_api").expect

REPLY = "Охват подтверждён списками участников; прошу учесть приложенные документы."
REASON = "Списки не подписаны руководителем НПО."


def published_evaluation_of_the_demo_ngo(live_db) -> int:
    def find():
        ngo = db.session.scalar(select(User).where(User.email == "ngo@example.kz"))
        return next(
            e.id
            for e in db.session.scalars(
                select(Evaluation).where(
                    Evaluation.state == EvaluationState.published, Evaluation.kind == SubjectKind.project
                )
            )
            if e.project.ngo_id == ngo.organisation_id
        )

    return live_db(find)


def test_ngo_replies_and_the_chair_rejects_with_a_reason(live_server, live_db, context_factory):
    evaluation_id = published_evaluation_of_the_demo_ngo(live_db)
    base = live_server
    page_url = f"{base}/evaluations/{evaluation_id}/replies"

    ngo = context_factory().new_page()
    log_in(ngo, base, "ngo@example.kz")
    ngo.goto(page_url)
    expect(ngo.locator("[data-reply-window]")).to_be_visible()
    ngo.select_option("#target", index=2)
    ngo.click("#reply-form button[type=submit], #reply-form input[type=submit]")  # empty text: refused
    expect(ngo.locator("#reply-form .invalid-feedback").first).to_be_visible()
    ngo.fill("#text", REPLY)
    ngo.click("#reply-form input[type=submit], #reply-form button[type=submit]")
    card = ngo.locator("[data-reply]").last
    expect(card).to_have_attribute("data-ruling", "pending")
    expect(card).to_contain_text(REPLY)

    chair = context_factory().new_page()
    log_in(chair, base, "chair@example.kz")
    chair.goto(page_url)
    form = chair.locator("form[data-ruling-form]").last
    form.locator("input[value=rejected]").check()
    form.locator("textarea").fill(REASON)
    form.locator("[type=submit]").click()
    expect(chair.locator(".alert-success").first).to_be_visible()
    expect(chair.locator("[data-reply]").last).to_have_attribute("data-ruling", "rejected")

    public = context_factory().new_page()
    public.goto(page_url)
    expect(public.locator("[data-reply]").last).to_contain_text(REASON)
    expect(public.locator("#reply-form")).to_have_count(0)

    def stored():
        reply = db.session.scalar(
            select(Reply).where(Reply.evaluation_id == evaluation_id).order_by(Reply.id.desc())
        )
        return reply.ruling.value, reply.reason, reply.report_version

    ruling, reason, version = live_db(stored)
    assert (ruling, reason) == ("rejected", REASON)
    assert version is not None and version > 0  # a new final report version prints the ruling
    assert re.fullmatch(r"\d+", str(version))
