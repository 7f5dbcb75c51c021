"""The ministry's review in a real browser: return with a comment, the chair revises, acceptance, publication."""

import re

import pytest
from sqlalchemy import select

from grants.accounts.models import User
from grants.councils.models import GroupMember
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.reports.models import Report, ReportKind
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from tests.browser.test_ui import log_in
from tests.helpers import user

expect = pytest.importorskip("playwright.sync_api").expect

COMMENT = "Please add evidence for the sustainability conclusion."


def evaluation_in_review(live_db) -> int:
    """Group 1's project on which member2 is recused (no other browser test uses it): the three other
    members score it and the chair finalizes, through the live app's operations."""

    def drive():
        chair = user("chair")
        bins = user("member2").affiliated_bins
        evaluation = next(
            e
            for e in db.session.scalars(
                select(Evaluation).where(Evaluation.kind == SubjectKind.project).order_by(Evaluation.id)
            )
            if e.group.chair_id == chair.id and e.ngo_bin in bins and e.state == EvaluationState.scoring
        )
        members = db.session.scalars(
            select(User)
            .join(GroupMember, GroupMember.user_id == User.id)
            .where(GroupMember.group_id == evaluation.group_id)
            .order_by(User.email)
        ).all()
        scorers = [m for m in members if not evaluation.is_affiliated(m)][:3]
        assert len(scorers) == 3, "the demo group lacks three members free to score"
        codes = evaluation.methodology.codes
        for member in scorers:
            scoring.declare(evaluation, member, False)
            scoring.save_draft(
                evaluation, member, {c: {"score": 4, "comment": "Seen on site"} for c in codes}
            )
            scoring.submit(evaluation, member)
        workflow.finalize(
            evaluation,
            chair,
            {
                "findings": "Activities were carried out as planned.",
                "recommendations": "Involve parents in the final events.",
                "conclusions": {c: "Mostly matches the plan." for c in codes},
                "consensus_notes": {},
            },
        )
        db.session.commit()
        render_committed()  # the draft's PDFs are rendered after the commit, as after a request
        assert evaluation.state == EvaluationState.in_review
        return evaluation.id

    return live_db(drive)


def test_ministry_returns_the_chair_revises_and_the_ministry_accepts(live_server, live_db, context_factory):
    # No /lang/ switch here: it would be stored in the users' profiles, which other browser tests share.
    evaluation_id = evaluation_in_review(live_db)
    base = live_server

    ministry = context_factory().new_page()
    asked = []
    ministry.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))  # data-confirm
    log_in(ministry, base, "ministry@example.kz")
    ministry.goto(f"{base}/reviews/")
    row = ministry.locator(f'#waiting tr[data-evaluation="{evaluation_id}"]')
    expect(row).to_be_visible()
    row.locator("a").first.click()
    expect(ministry).to_have_url(re.compile(rf"/reviews/{evaluation_id}$"))
    expect(ministry.locator('#report object[type="application/pdf"]').first).to_have_attribute(
        "data", re.compile(r"^/reports/\d+\.pdf$")
    )
    ministry.fill("#comment", COMMENT)
    ministry.click('button[name="decision"][value="return"]')
    expect(ministry.locator(".alert-success[role=alert]")).to_be_visible()
    expect(ministry.locator("[data-state]").first).to_have_attribute("data-state", "returned")

    chair = context_factory().new_page()
    chair.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    log_in(chair, base, "chair@example.kz")
    chair.goto(f"{base}/evaluations/{evaluation_id}/consolidate")
    expect(chair.locator("[data-review-comment]")).to_contain_text(COMMENT)
    chair.fill("#findings", "Activities were carried out as planned; sustainability is funded by the akimat.")
    chair.click('button[value="finalize"]')
    expect(chair).to_have_url(re.compile(rf"/evaluations/{evaluation_id}$"))
    expect(chair.locator("[data-state]")).to_have_attribute("data-state", "in_review")

    ministry.goto(f"{base}/reviews/{evaluation_id}")
    expect(ministry.locator("[data-decision=return] [data-comment]")).to_contain_text(COMMENT)
    ministry.click('button[name="decision"][value="accept"]')
    expect(ministry.locator("[data-state]").first).to_have_attribute("data-state", "accepted")
    final = ministry.locator('#report [data-kind="final"] a[data-download]').first
    href = final.get_attribute("href")
    assert re.fullmatch(r"/reports/\d+\.pdf", href), href
    response = ministry.request.get(f"{base}{href}")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    ministry.click("#publish button[type=submit]")
    expect(ministry.locator("[data-state]").first).to_have_attribute("data-state", "published")
    assert len(asked) == 3, asked  # submit for review, accept and publish each asked first

    def stored():
        evaluation = db.session.get(Evaluation, evaluation_id)
        reports = db.session.scalars(select(Report).where(Report.evaluation_id == evaluation_id)).all()
        finals = [r for r in reports if r.kind == ReportKind.final]
        return (
            evaluation.state,
            evaluation.project_id,
            {r.version for r in reports},
            {r.version for r in finals},
        )

    state, project_id, versions, final_versions = live_db(stored)
    assert state == EvaluationState.published
    assert versions == {1, 2, 3} and final_versions == {3}

    public = context_factory().new_page()
    public.goto(f"{base}/projects/{project_id}")
    expect(public.locator(f'[data-published-evaluation="{evaluation_id}"] [data-index]')).to_have_text(
        re.compile(r"^80[.,]0$")
    )
    link = public.locator(f'[data-published-evaluation="{evaluation_id}"] a[data-final-report]').first
    answer = public.request.get(f"{base}{link.get_attribute('href')}")
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
