"""Two keepers approving (or publishing) the same plan at the same moment: one result and 409s
(docs/concurrency.md). Real HTTP requests to a live server on a fresh copy of the demo database
(SQLite, or PostgreSQL with TEST_DATABASE_URL), from threads released together."""

from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.cooperation.models import ActivityPlan, PlanState
from grants.extensions import db as _db
from tests import live
from tests.cooperation.test_plans_support import build_plan, held_meeting

REQUESTS = 6


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live app has its own database."""
    yield None


@pytest.fixture
def served(live_url):
    app = live.build_app(live_url)
    with live.serve(app) as base_url:
        yield base_url, app, live.in_app(app)


def statuses(responses) -> Counter:
    return Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)


def audited(run, plan_id: int, action: str) -> int:
    return run(
        lambda: _db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.object_type == "ActivityPlan",
                AuditEvent.object_id == plan_id,
                AuditEvent.action == action,
            )
        )
    )


def test_concurrent_approvals_and_publications_give_one_result(served):
    base_url, app, run = served

    def prepare():
        with app.test_request_context("/"):
            plan, astana, mvd, _ = build_plan(activities=2)
            meeting = held_meeting([astana, mvd])
            _db.session.commit()
            return plan.id, meeting.id

    plan_id, meeting_id = run(prepare)
    # two keepers of the plan: the Astana council's chair and the MVD council's secretary
    sessions = [live.web_session(base_url, f"{who}@example.kz") for who in ("chair", "member3")]
    url = f"{base_url}/plans/{plan_id}"

    responses = live.release_together(
        REQUESTS,
        lambda i: sessions[i % 2].post(
            f"{url}/approve", data={"meeting_id": str(meeting_id)}, allow_redirects=False, timeout=120
        ),
    )
    codes = statuses(responses)
    assert codes == Counter({302: 1, 409: REQUESTS - 1}), codes
    assert audited(run, plan_id, "plan.approve") == 1

    responses = live.release_together(
        REQUESTS, lambda i: sessions[i % 2].post(f"{url}/publish", allow_redirects=False, timeout=120)
    )
    codes = statuses(responses)
    assert codes == Counter({302: 1, 409: REQUESTS - 1}), codes
    assert audited(run, plan_id, "plan.publish") == 1

    def state():
        plan = _db.session.get(ActivityPlan, plan_id)
        return plan.state, plan.approved_meeting_id, plan.revision

    assert run(state) == (PlanState.published, meeting_id, 1)
    count, problems = run(verify_chain)
    assert problems == [] and count > 0
