"""Publishing the minutes twice at the same moment: one result, the other 409; the decisions'
recommendations are sent once (docs/concurrency.md, the pattern of tests/concurrency/)."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.cooperation.models import Meeting, MeetingState, Recommendation, RecommendationStatus
from grants.extensions import db as database
from tests import live
from tests.cooperation.meeting_fixtures import meeting_in


@pytest.fixture
def db():
    """Override tests/conftest.py's transactional `db`: the live app has its own database."""
    yield None


@pytest.fixture
def served(live_url):
    app = live.build_app(live_url)
    with live.serve(app) as base_url:
        yield base_url, app, live.in_app(app)


def test_two_concurrent_publications_give_one_result_and_one_409(served):
    base_url, app, run = served

    def build():
        with app.test_request_context("/?lang=en"):
            meeting = meeting_in("ready", with_recommendations=2)
            database.session.commit()
            return meeting.id

    meeting_id = run(build)
    sessions = [live.web_session(base_url, "chair@example.kz") for _ in range(2)]
    url = f"{base_url}/meetings/{meeting_id}/publish"

    responses = live.release_together(2, lambda i: sessions[i].post(url, allow_redirects=False, timeout=120))

    codes = Counter(getattr(r, "status_code", repr(r)) for r in responses)
    assert codes == Counter({302: 1, 409: 1}), codes

    def check():
        assert database.session.get(Meeting, meeting_id).state == MeetingState.published
        recs = database.session.scalars(
            select(Recommendation).where(Recommendation.meeting_id == meeting_id)
        ).all()
        assert len(recs) == 2 and all(r.status == RecommendationStatus.sent and r.is_published for r in recs)
        published = database.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "meeting.publish", AuditEvent.object_id == meeting_id)
        )
        sends = database.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "recommendation.send", AuditEvent.object_id.in_([r.id for r in recs]))
        )
        assert (published, sends) == (1, 2)
        count, problems = verify_chain()
        assert problems == [] and count > 0

    run(check)
