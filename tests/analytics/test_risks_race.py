"""Two reviews of one risk flag at the same moment: one is taken, the other gets 409
(docs/analytics.md#risk-flags; the threads-released-together pattern of tests/concurrency)."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.analytics import risks
from grants.analytics.models import FlagReview
from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.extensions import db as _db
from tests import live


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live app has its own database."""
    yield None


@pytest.fixture
def served(live_url):
    app = live.build_app(live_url)
    with live.serve(app) as base_url:
        yield base_url, app, live.in_app(app)


def test_two_reviews_of_one_flag_at_once_give_one_review_and_one_409(served):
    base_url, app, run = served

    def demo_flag():
        with app.test_request_context("/?lang=en"):
            flag = next(f for f in risks.flags() if f.rule == "single_applicant")
            return flag.rule, flag.subject_kind, flag.subject_id

    rule, kind, subject_id = run(demo_flag)
    url = f"{base_url}/risks/review/{rule}/{kind}/{subject_id}?lang=en"
    sessions = [
        live.web_session(base_url, "ministry@example.kz"),
        live.web_session(base_url, "admin@example.kz"),
    ]

    def review(i: int):
        return sessions[i].post(url, data={"note": f"Проверка {i}"}, allow_redirects=False, timeout=120)

    responses = live.release_together(2, review)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes[409] == 1, codes
    assert codes[302] == 1, codes
    loser = next(r for r in responses if r.status_code == 409)
    assert "already been reviewed" in loser.text

    def check():
        reviews = _db.session.scalars(select(FlagReview)).all()
        audited = _db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "risk.review")
        )
        return [(r.rule, r.subject_kind, r.subject_id, r.note) for r in reviews], audited, verify_chain()

    reviews, audited, (count, problems) = run(check)
    assert len(reviews) == 1 and reviews[0][:3] == (rule, kind, subject_id)
    assert reviews[0][3] in ("Проверка 0", "Проверка 1")
    assert audited == 1
    assert problems == [] and count > 0
