"""What an RQ worker runs (docs/architecture.md, "Jobs").

A worker process (`rq worker reports mail`) has no Flask app: each job builds one here, with the
same factory as the web service. This module sits beside create_app, outside the layered packages,
so that grants.notifications and grants.reports never import the factory (which imports every
layer). They enqueue these functions by dotted name ("grants.worker.deliver_mail"); RQ imports
this module in the worker, and no package under grants/ imports it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from grants import create_app
from grants.extensions import db
from grants.notifications.mail import deliver_ids
from grants.reports.jobs import execute


@contextmanager
def job_app(app_config: dict | None = None) -> Iterator[Flask]:
    """An app for one job, its context pushed (the worker's environment gives DATABASE_URL and the
    rest; app_config, the enqueuing app's JOB_APP_CONFIG, overrides it). The job runs in a work horse
    that exits afterwards, so its database connections are closed, not pooled."""
    app = create_app(app_config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def deliver_mail(ids, app_config: dict | None = None) -> dict:
    """Deliver the committed outbox messages with these ids (grants.notifications.mail.dispatch)."""
    with job_app(app_config):
        sent, failed = deliver_ids(ids)
    return {"sent": sent, "failed": failed}


def render_campaign_reports(job_id: str, app_config: dict | None = None) -> dict:
    """Run a campaign's bulk render job (grants.reports.jobs.start_render_job)."""
    with job_app(app_config):
        state = execute(job_id)
    if state["status"] == "failed":
        raise RuntimeError(state["error"])  # RQ records the failure as well
    return {"files": state["files"]}
