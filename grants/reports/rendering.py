"""Rendering issued reports after commit (docs/operations.md, "Reports after commit").

Finalize, accept and the last ruling on NGO replies record a report version in their transaction
(grants/reports/operations.py: its text and fingerprint, `render_status` pending) and commit
without rendering anything. The ids of the reports a commit made real are noted on the session;
after the request (or, outside requests, when the caller asks: CLI commands, the seed) they are
handed to `dispatch`: an RQ job per report on the queue "reports" when REDIS_URL is set, otherwise
rendered inline right away.

A render reads the report's text, ends its transaction, runs WeasyPrint (slow: no lock or
transaction is held meanwhile), then writes the PDF, its sha256 and size in one conditional
UPDATE that only a still-unrendered report matches: a report is either without a file or complete,
and two renders of one report store one file. A render that raises is recorded (attempts, error)
and retried: by RQ (`Retry`, RENDER_RETRY_INTERVALS) or at once inline, RENDER_ATTEMPTS times in
all; then the report is `failed`, listed for administrators on /admin/reports, who may retry it.
`flask --app grants tick` hands reports still pending after RENDER_STALE_MINUTES to `dispatch`
again (a process that died between commit and dispatch, a lost job).
"""

import hashlib
import logging
from datetime import UTC, datetime, timedelta

from blinker import Namespace
from flask import current_app, jsonify
from flask_babel import gettext as _
from redis import Redis
from rq import Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select, update

from grants.audit.operations import record
from grants.core.committed import CommittedIds
from grants.extensions import db
from grants.reports.content import html_to_pdf
from grants.reports.models import RenderStatus, Report

log = logging.getLogger(__name__)

QUEUE = "reports"  # the queue of campaign ZIP jobs too (grants/reports/jobs.py)
RENDER_ATTEMPTS = 3
RENDER_RETRY_INTERVALS = (30, 300)  # seconds before RQ's second and third attempt
RENDER_STALE_MINUTES = 10
RQ_TIMEOUT = 600

_events = Namespace()
# sender: the Report whose PDF is about to be rendered (one attempt). Lets tests count renders and
# make one fail; nothing in the service listens.
report_rendering = _events.signal("report-rendering")


def _attempts() -> int:
    return max(1, int(current_app.config.get("RENDER_ATTEMPTS", RENDER_ATTEMPTS)))


# --- after the transaction commits -----------------------------------------------------------


PENDING = CommittedIds(
    "reports", lambda obj: isinstance(obj, Report) and obj.render_status == RenderStatus.pending
)
watch_sessions = PENDING.watch  # note pending reports as they are flushed; a commit makes them real
committed_ids = PENDING.take  # the ids of pending reports this session committed since the last call


def render_committed() -> None:
    """Dispatch the reports this session has committed: for CLI commands and other non-request code."""
    dispatch(committed_ids())


def render_after_request(response):
    """Flask after_request hook: render (or queue) the reports this request committed."""
    try:
        ids = committed_ids()
    except Exception:
        log.exception("could not read the committed reports")
        return response
    if ids:
        dispatch(ids)
    return response


# --- handing reports to the renderer ---------------------------------------------------------


def dispatch(ids) -> None:
    """An RQ job per report with REDIS_URL, else render them now (with retries). Never raises:
    a report left pending is dispatched again by `tick`."""
    ids = sorted(set(ids))
    if not ids:
        return
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            intervals = list(current_app.config.get("RENDER_RETRY_INTERVALS", RENDER_RETRY_INTERVALS))
            with Redis.from_url(url) as connection:
                queue = Queue(QUEUE, connection=connection)
                for report_id in ids:
                    job_id = f"render-report-{report_id}"
                    if _waiting(job_id, connection):
                        continue  # its job is still queued, scheduled for a retry or running
                    queue.enqueue_call(
                        "grants.tasks.render_report",
                        job_id=job_id,
                        args=(report_id, current_app.config.get("JOB_APP_CONFIG")),
                        timeout=RQ_TIMEOUT,
                        retry=Retry(max=_attempts() - 1, interval=intervals) if _attempts() > 1 else None,
                        description=f"render report {report_id}",
                    )
        except Exception:
            log.exception("could not queue the rendering of reports %s", ids)
        return
    for report_id in ids:
        render_with_retries(report_id)


WAITING = {JobStatus.CREATED, JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.STARTED, JobStatus.DEFERRED}


def _waiting(job_id: str, connection) -> bool:
    """Whether the report's render job (one id per report) is still to run: the tick's re-dispatch of
    stale reports must not pile up jobs behind a busy queue."""
    try:
        return Job.fetch(job_id, connection=connection).get_status() in WAITING
    except NoSuchJobError:
        return False


def render_with_retries(report_id: int) -> bool:
    """Render inline, trying again at once until the report is ready or failed; returns whether it is ready."""
    for _attempt in range(_attempts()):
        try:
            return render(report_id)
        except Exception:
            if status_of(report_id) != RenderStatus.pending:
                return False
    return False


def status_of(report_id: int) -> RenderStatus | None:
    status = db.session.scalar(select(Report.render_status).where(Report.id == report_id))
    db.session.rollback()
    return status


def render(report_id: int) -> bool:
    """One attempt at a report's PDF; commits the outcome. Returns True when the report is ready
    (also when another render finished it first); raises after recording a failed attempt."""
    report = db.session.get(Report, report_id)
    if report is None or report.render_status == RenderStatus.ready:
        db.session.rollback()
        return report is not None
    html = report.html
    try:
        report_rendering.send(report)
        db.session.rollback()  # no transaction (on SQLite: no write lock) is held while WeasyPrint works
        content = html_to_pdf(html)
    except Exception as exc:
        db.session.rollback()
        _record_failure(report_id, exc)
        raise
    digest = hashlib.sha256(content).hexdigest()
    stored = db.session.execute(
        update(Report)
        .where(Report.id == report_id, Report.render_status != RenderStatus.ready, Report.sha256.is_(None))
        .values(
            content=content,
            sha256=digest,
            size=len(content),
            render_status=RenderStatus.ready,
            render_error=None,
            render_attempts=Report.render_attempts + 1,
            rendered_at=datetime.now(UTC),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if stored:
        report = db.session.get(Report, report_id)
        record(
            "report.render",
            report.evaluation,
            after={
                "report_id": report.id,
                "version": report.version,
                "lang": report.lang,
                "sha256": digest,
                "size": len(content),
            },
            actor=None,
        )
    db.session.commit()
    return True


def _record_failure(report_id: int, exc: BaseException) -> None:
    log.exception("rendering report %s failed", report_id)
    error = f"{exc.__class__.__name__}: {exc}"[:500]
    try:
        db.session.execute(
            update(Report)
            .where(Report.id == report_id, Report.render_status == RenderStatus.pending)
            .values(
                render_attempts=Report.render_attempts + 1,
                render_error=error,
                render_status=_status_after_failure(report_id),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception:
        log.exception("could not record the failed rendering of report %s", report_id)
        db.session.rollback()


def _status_after_failure(report_id: int) -> RenderStatus:
    attempts = db.session.scalar(select(Report.render_attempts).where(Report.id == report_id)) or 0
    return RenderStatus.failed if attempts + 1 >= _attempts() else RenderStatus.pending


def being_prepared():
    """The answer for a report whose PDF is not there yet: 409 in the error shape, with Retry-After
    (never a partial file; docs/operations.md, "Reports after commit")."""
    response = jsonify(
        error={
            "code": "report_being_prepared",
            "message": _("The PDF of this report is being prepared. Try again in a moment."),
            "fields": {},
        }
    )
    response.status_code = 409
    response.headers["Retry-After"] = "30"
    response.headers["Cache-Control"] = "no-store"
    return response


# --- what administrators see and do ----------------------------------------------------------


def unfinished() -> list[Report]:
    """Reports without their PDF yet: failed first, then pending, newest first."""
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.render_status != RenderStatus.ready)
            .order_by(
                (Report.render_status == RenderStatus.failed).desc(),
                Report.issued_at.desc(),
                Report.id.desc(),
            )
        )
    )


def retry(report_id: int, user) -> bool:
    """An administrator starts a failed report's rendering again (attempts counted afresh)."""
    report = db.session.get(Report, report_id)
    if report is None or report.render_status != RenderStatus.failed:
        return False
    db.session.execute(
        update(Report)
        .where(Report.id == report_id, Report.render_status == RenderStatus.failed)
        .values(render_status=RenderStatus.pending, render_attempts=0, render_error=None)
        .execution_options(synchronize_session=False)
    )
    record("report.render_retry", report.evaluation, after={"report_id": report.id}, actor=user)
    db.session.commit()
    dispatch([report_id])
    return True


def dispatch_stale(_sender=None, **_kw) -> int:
    """Dispatch again the reports pending longer than RENDER_STALE_MINUTES; returns how many (a
    listener of signals.ticked)."""
    minutes = float(current_app.config.get("RENDER_STALE_MINUTES", RENDER_STALE_MINUTES))
    limit = datetime.now(UTC) - timedelta(minutes=minutes)
    ids = list(
        db.session.scalars(
            select(Report.id).where(Report.render_status == RenderStatus.pending, Report.issued_at <= limit)
        )
    )
    db.session.rollback()
    dispatch(ids)
    return len(ids)
