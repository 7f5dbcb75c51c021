"""Two responses to one recommendation at the same moment: one is taken, the other gets 409
(docs/concurrency.md; the threads-released-together pattern of tests/concurrency)."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.extensions import db as _db
from tests import live
from tests.cooperation.recommendation_world import build_world, sent


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live app has its own database."""
    yield None


@pytest.fixture
def served(live_url):
    app = live.build_app(live_url)
    with live.serve(app) as base_url:
        yield base_url, app, live.in_app(app)


def prepared(run) -> tuple[int, str]:
    def build():
        world = build_world()
        rec = sent(world, world.body_a, "Ответьте один раз")
        _db.session.commit()
        return rec.id, world.official_a.email

    return run(build)


def test_two_responses_at_once_give_one_answer_and_one_409(served):
    base_url, app, run = served
    rec_id, email = prepared(run)
    api = live.api_session(base_url, email)
    page = live.web_session(base_url, email)

    def answer(i: int):
        if i == 0:
            return api.post(
                f"{base_url}/api/v1/recommendations/{rec_id}/response",
                json={"text": f"Ответ {i}"},
                timeout=120,
            )
        return page.post(
            f"{base_url}/recommendations/{rec_id}/respond",
            data={"text": f"Ответ {i}"},
            allow_redirects=False,
            timeout=120,
        )

    responses = live.release_together(2, answer)
    codes = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert codes[409] == 1, codes
    assert codes[200] + codes[302] == 1, codes

    def check():
        rec = _db.session.get(Recommendation, rec_id)
        responses = _db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.object_type == "Recommendation",
                AuditEvent.object_id == rec_id,
                AuditEvent.action == "recommendation.respond",
            )
        )
        return rec.status, rec.response, responses, verify_chain()

    status, response, audited, (count, problems) = run(check)
    assert status == RecommendationStatus.answered
    assert response in ("Ответ 0", "Ответ 1")
    assert audited == 1
    assert problems == [] and count > 0
