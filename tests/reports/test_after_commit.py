"""Reports are rendered after commit (issue 10, acceptance 5; docs/operations.md, "Reports after commit").

Finalize and accept record the report version and return without rendering; without Redis the
PDFs appear once the request's transaction has committed, with a real RQ worker on Redis they
appear when the worker runs the queued jobs. A render that raises is retried, then marked failed
and listed for administrators, and its report never holds a partial file.
Renders are observed through `grants.reports.rendering.report_rendering`, sent before each attempt.
"""

import contextlib

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from grants import create_app
from grants.extensions import db as _db
from grants.monitoring import operations as workflow
from grants.monitoring.models import EvaluationState
from grants.reports import rendering
from grants.reports.models import RenderStatus, Report, ReportKind
from grants.reports.operations import review
from grants.seed.demo import seed_demo
from tests import live
from tests.conftest import DEMO_PASSWORD, login
from tests.helpers import redis_test_url
from tests.reports import consolidation, reload, reports_of, scored, user

REDIS_TEST_URL = redis_test_url(14)


@contextlib.contextmanager
def renders(fail_times: int = 0):
    """The report ids rendered (one entry per attempt); the first `fail_times` attempts raise."""
    attempts: list[int] = []

    def listener(report, **_kw):
        attempts.append(report.id)
        if len(attempts) <= fail_times:
            raise RuntimeError(f"renderer broke on attempt {len(attempts)}")

    rendering.report_rendering.connect(listener)
    try:
        yield attempts
    finally:
        rendering.report_rendering.disconnect(listener)


# --- without Redis: inline, right after the commit --------------------------------------------


def test_finalize_and_accept_return_without_rendering(app, db):
    evaluation = scored()
    with renders() as attempts:
        workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
        db.session.commit()
        (draft,) = reports_of(evaluation)
        assert attempts == []  # the operation and its commit rendered nothing
        assert (draft.kind, draft.render_status) == (ReportKind.draft, RenderStatus.pending)
        assert draft.content is None and draft.sha256 is None and draft.size is None
        assert "Вывод группы" in draft.html  # the text is fixed at issue

        rendering.render_committed()  # what the end of a request does
        assert attempts == [draft.id]
        (draft,) = reports_of(evaluation)
        assert draft.is_ready and draft.content.startswith(b"%PDF") and draft.size == len(draft.content)

        review(evaluation, user("ministry"), "accept", None)
        db.session.commit()
        final = reports_of(evaluation)[-1]
        assert final.kind == ReportKind.final and not final.is_ready and attempts == [draft.id]
        rendering.render_committed()
        assert attempts == [draft.id, final.id] and reports_of(evaluation)[-1].is_ready


def test_the_pages_show_being_prepared_and_the_pdf_answers_409_until_it_exists(app, db, client):
    evaluation = scored()
    workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
    db.session.commit()
    rendering.committed_ids()  # dropped: as if the process died between commit and rendering
    (draft,) = reports_of(evaluation)
    assert not draft.is_ready

    login(client, "chair@example.kz")
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert f'data-report-pending="draft-{draft.lang}"' in page and "being prepared" in page
    assert f"/reports/{draft.id}.pdf" not in page
    pdf = client.get(f"/reports/{draft.id}.pdf")
    assert pdf.status_code == 409 and pdf.headers["Retry-After"] == "30"
    assert pdf.get_json()["error"]["code"] == "report_being_prepared"
    assert client.get(f"/evaluations/{evaluation.id}/report.pdf?lang={draft.lang}").status_code == 409

    # The tick hands reports pending too long to the renderer again.
    app.config["RENDER_STALE_MINUTES"] = 0
    try:
        result = app.test_cli_runner().invoke(args=["tick"])
    finally:
        del app.config["RENDER_STALE_MINUTES"]
    assert result.exit_code == 0, result.output
    assert "dispatch_stale: 1" in result.output
    (draft,) = reports_of(evaluation)
    assert draft.is_ready
    page = client.get(f"/evaluations/{evaluation.id}?lang=en").get_data(as_text=True)
    assert f'href="/reports/{draft.id}.pdf" data-report-link="draft-{draft.lang}"' in page
    pdf = client.get(f"/reports/{draft.id}.pdf")
    assert pdf.status_code == 200 and pdf.data == draft.content and pdf.data.startswith(b"%PDF")


def test_a_request_renders_after_its_commit(app, db, client):
    evaluation = scored()
    login(client, "chair@example.kz")
    with renders() as attempts:
        response = client.post(
            f"/evaluations/{evaluation.id}/consolidate",
            data={
                "action": "finalize",
                "findings": "Выводы",
                "recommendations": "Рекомендации",
                **{f"conclusion_{code}": "Положительно" for code in evaluation.methodology.codes},
            },
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert reload(evaluation).state == EvaluationState.in_review
    (draft,) = reports_of(evaluation)
    assert attempts == [draft.id] and draft.is_ready and draft.content.startswith(b"%PDF")


def test_a_failing_render_is_retried_then_failed_and_shown_to_administrators(app, db, client):
    evaluation = scored()
    workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
    db.session.commit()
    with renders(fail_times=100) as attempts:
        rendering.render_committed()
    (draft,) = reports_of(evaluation)
    assert attempts == [draft.id] * rendering.RENDER_ATTEMPTS
    assert (draft.render_status, draft.render_attempts) == (RenderStatus.failed, rendering.RENDER_ATTEMPTS)
    assert "renderer broke on attempt 3" in draft.render_error
    assert draft.content is None and draft.sha256 is None  # never a half-issued report

    login(client, "admin@example.kz")
    page = client.get("/admin/reports/?lang=en").get_data(as_text=True)
    assert f'data-report-render="{draft.id}" data-render-status="failed"' in page
    assert "renderer broke on attempt 3" in page
    member = app.test_client()
    login(member, "member1@example.kz")
    assert member.get("/admin/reports/").status_code == 403

    with renders() as attempts:  # the cause is fixed; an administrator retries
        response = client.post(f"/admin/reports/{draft.id}/retry")
    assert response.status_code == 302 and attempts == [draft.id]
    (draft,) = reports_of(evaluation)
    assert draft.is_ready and draft.content.startswith(b"%PDF") and draft.render_error is None
    assert f'data-report-render="{draft.id}"' not in client.get("/admin/reports/").get_data(as_text=True)


def test_a_render_that_fails_once_is_retried_inline(app, db):
    evaluation = scored()
    workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
    db.session.commit()
    with renders(fail_times=1) as attempts:
        rendering.render_committed()
    (draft,) = reports_of(evaluation)
    assert attempts == [draft.id, draft.id]
    assert draft.is_ready and draft.render_attempts == 2 and draft.render_error is None


# --- with Redis: a real RQ worker ----------------------------------------------------------------


@pytest.fixture
def worker_app(tmp_path):
    """An app on a SQLite file of its own, so the worker's app (built from the job's arguments) sees
    what the test committed."""
    redis = live.redis_or_fail(REDIS_TEST_URL)
    shared = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": REDIS_TEST_URL,
        "REPORTS_DIR": str(tmp_path / "reports"),
        "REPORT_LANGUAGES": ("ru",),
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "RENDER_RETRY_INTERVALS": (0,),  # retry at once: a burst worker runs the retries too
    }
    app = create_app({**shared, "JOB_APP_CONFIG": shared, "SERVER_NAME": None, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
    redis.flushdb()
    yield app, redis
    redis.flushdb()
    redis.close()
    with app.app_context():
        _db.engine.dispose()


def _in_review(app) -> tuple[int, int]:
    """Finalize a fresh evaluation in the worker app's database; returns (evaluation id, report id)."""
    with app.app_context():
        evaluation = scored()
        workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
        _db.session.commit()
        rendering.render_committed()  # with REDIS_URL: queued, not rendered
        (draft,) = reports_of(evaluation)
        ids = (evaluation.id, draft.id)
        _db.session.remove()
    return ids


def _report(app, report_id: int) -> Report:
    with app.app_context():
        report = _db.session.get(Report, report_id)
        _db.session.expunge(report)  # readable after the context: its attributes are loaded
        _db.session.remove()
    return report


def test_reports_appear_when_the_rq_worker_runs(worker_app):
    from rq import Queue, SimpleWorker

    app, redis = worker_app
    queue = Queue(rendering.QUEUE, connection=redis)
    with renders() as attempts:
        _evaluation_id, report_id = _in_review(app)
        assert attempts == [] and queue.count == 1
        with app.app_context():
            report = _db.session.get(Report, report_id)
            assert report.render_status == RenderStatus.pending and report.content is None
            _db.session.remove()
        assert SimpleWorker([queue], connection=redis).work(burst=True)
    assert attempts == [report_id]
    report = _report(app, report_id)
    assert report.render_status == RenderStatus.ready and report.render_attempts == 1
    with app.app_context():
        content = _db.session.scalar(select(Report.content).where(Report.id == report_id))
        _db.session.remove()
    assert content.startswith(b"%PDF") and len(content) == report.size


def test_rq_retries_a_failing_render_then_marks_it_failed_for_administrators(worker_app):
    from rq import Queue, SimpleWorker

    app, redis = worker_app
    queue = Queue(rendering.QUEUE, connection=redis)
    with renders(fail_times=1) as attempts:
        _evaluation_id, flaky = _in_review(app)
        assert SimpleWorker([queue], connection=redis).work(burst=True)
    assert attempts == [flaky, flaky]  # RQ's Retry ran the second attempt
    report = _report(app, flaky)
    assert report.render_status == RenderStatus.ready and report.render_attempts == 2

    with renders(fail_times=100) as attempts:
        _evaluation_id, broken = _in_review(app)
        SimpleWorker([queue], connection=redis).work(burst=True)
    assert attempts == [broken] * rendering.RENDER_ATTEMPTS
    report = _report(app, broken)
    assert report.render_status == RenderStatus.failed and report.sha256 is None
    client = app.test_client()
    login(client, "admin@example.kz")
    page = client.get("/admin/reports/?lang=en").get_data(as_text=True)
    assert f'data-report-render="{broken}" data-render-status="failed"' in page


def test_the_tick_runs_on_the_worker_as_the_rq_cron_scheduler_enqueues_it(worker_app):
    from datetime import timedelta

    from rq import Queue, SimpleWorker
    from rq.cron import CronScheduler

    from grants import tasks
    from grants.core.errors import today_local

    app, redis = worker_app
    scheduler = CronScheduler(connection=redis)
    scheduler.load_config_from_file("grants.cron")
    (job,) = scheduler.get_jobs()
    assert (job.func, job.queue_name, job.interval) == (tasks.tick, rendering.QUEUE, 300)

    with app.app_context():
        evaluation = scored()
        evaluation.deadline = today_local() - timedelta(days=1)
        _db.session.commit()
        evaluation_id = evaluation.id
        _db.session.remove()
    queue = Queue(rendering.QUEUE, connection=redis)
    # The scheduler enqueues tasks.tick with no arguments (the worker's environment names the
    # database); here the worker app's settings are passed, as JOB_APP_CONFIG would be.
    queue.enqueue(tasks.tick, app.config["JOB_APP_CONFIG"])
    assert SimpleWorker([queue], connection=redis).work(burst=True)
    with app.app_context():
        assert reload_state(evaluation_id) == EvaluationState.consolidation
        _db.session.remove()


def reload_state(evaluation_id: int) -> EvaluationState:
    from grants.monitoring.models import Evaluation

    return _db.session.get(Evaluation, evaluation_id).state
