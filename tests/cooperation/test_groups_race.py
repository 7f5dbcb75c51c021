"""Two people completing the same working group task at the same moment: one result, one 409
(docs/concurrency.md). A live server on a fresh copy of the demo database (SQLite, or PostgreSQL with
TEST_DATABASE_URL), real HTTP requests from threads released together."""

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.audit.cli import verify_chain
from grants.audit.models import AuditEvent
from grants.cooperation.models import Attachment, WorkingGroupTask
from grants.core.errors import today_local
from grants.extensions import db as _db
from tests import live
from tests.cooperation.groups_setup import make_group, make_people, make_task


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live app has its own database."""
    yield None


@pytest.fixture
def served(live_url):
    app = live.build_app(live_url)
    with live.serve(app) as base_url:
        yield base_url, live.in_app(app)


def test_completing_a_task_twice_at_once_gives_one_result_and_one_409(served):
    base_url, run = served

    def build():
        people = make_people()
        group = make_group(people, lead=people.secretary_a)
        task = make_task(group, today_local() + timedelta(days=3), people.member_a)
        _db.session.commit()
        return task.id, people.secretary_a.email, people.member_a.email

    task_id, lead, responsible = run(build)
    sessions = [live.web_session(base_url, lead), live.web_session(base_url, responsible)]
    url = f"{base_url}/working-groups/tasks/{task_id}/complete"
    responses = live.release_together(
        2,
        lambda i: sessions[i].post(
            url,
            data={"output": f"Output {i}", "links": f"https://example.kz/{i}"},
            allow_redirects=False,
            timeout=120,
        ),
    )
    codes = Counter(getattr(r, "status_code", repr(r)) for r in responses)
    assert codes == Counter({302: 1, 409: 1}), codes

    def check():
        task = _db.session.get(WorkingGroupTask, task_id)
        documents = _db.session.scalars(select(Attachment).where(Attachment.task_id == task_id)).all()
        completions = _db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "working_group.task_complete", AuditEvent.object_id == task_id)
        )
        return task.done_on, task.output, [d.url for d in documents], completions, verify_chain()

    done_on, output, links, completions, (chain_count, problems) = run(check)
    assert done_on == today_local()
    assert output in ("Output 0", "Output 1")
    assert links == [f"https://example.kz/{output[-1]}"]  # the winner's document only
    assert completions == 1
    assert problems == [] and chain_count > 0
