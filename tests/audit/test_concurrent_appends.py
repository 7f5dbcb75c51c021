"""30 members saving scorecards at the same moment, over real HTTP, leave one unforked, verifiable chain.

Before appends were serialised, 31 parallel saves gave 8 duplicate prev_hash values (issue 9).
The server is tests/live.py's threaded server on a fresh copy of the seeded demo (SQLite, or
PostgreSQL with TEST_DATABASE_URL).
"""

from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.accounts.models import User
from grants.accounts.operations import issue_token
from grants.audit import chain
from grants.audit.models import AuditEvent
from grants.councils.models import GroupMember
from grants.extensions import db as _db
from tests import live
from tests.api.evaluation_fixtures import build_campaign

MEMBERS = 30


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live app has a database of its own."""
    yield None


def _crowd(setup) -> list[tuple[str, int, list[str]]]:
    """MEMBERS new members of the campaign's group, each with an API token: (token, evaluation id, codes)."""
    targets = [setup.project, setup.lot]
    crowd = []
    for i in range(MEMBERS):
        member = User(
            email=f"crowd{i}@example.kz", full_name=f"Crowd member {i}", password_hash="!", language="en"
        )
        member.set_roles(["member"])
        _db.session.add(member)
        _db.session.flush()
        _db.session.add(GroupMember(group_id=setup.group.id, user_id=member.id))
        token, _expires = issue_token(member)
        evaluation = targets[i % len(targets)]
        crowd.append((token, evaluation.id, evaluation.methodology.codes))
    _db.session.commit()
    return crowd


def test_thirty_concurrent_audited_saves_leave_a_valid_chain(live_url):
    app = live.build_app(live_url)
    with app.app_context():
        crowd = _crowd(build_campaign())
        events_before = _db.session.scalar(select(func.count()).select_from(AuditEvent))
        _db.session.remove()

    with live.serve(app) as base_url:

        def save(i: int):
            token, evaluation_id, codes = crowd[i]
            body = {"conflict_of_interest": False, "scores": {code: {"score": 3} for code in codes}}
            return live.requests.put(
                f"{base_url}/api/v1/evaluations/{evaluation_id}/scorecard",
                json=body,
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            )

        responses = live.release_together(MEMBERS, save)

    codes = Counter(getattr(r, "status_code", repr(r)) for r in responses)
    assert codes == Counter({200: MEMBERS}), [
        (getattr(r, "status_code", r), getattr(r, "text", "")[:200]) for r in responses
    ]

    with app.app_context():
        events = _db.session.execute(
            select(AuditEvent.id, AuditEvent.action, AuditEvent.prev_hash).order_by(AuditEvent.id)
        ).all()
        new = events[events_before:]
        # Each member's request declared (no conflict) and saved the draft: two events each.
        assert Counter(action for _id, action, _prev in new) == {
            "scorecard.declare": MEMBERS,
            "scorecard.save": MEMBERS,
        }
        links = Counter(prev for _id, _action, prev in events)
        assert max(links.values()) == 1, "two events claim the same predecessor: the chain forked"
        result = chain.verify()
        assert result.ok, result.problems
        assert result.events == len(events)
        _db.session.remove()
        _db.engine.dispose()
