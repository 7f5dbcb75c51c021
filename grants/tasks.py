"""Entry points of RQ jobs: each builds the app in the worker (its environment gives DATABASE_URL and
the rest; `app_config`, if given, overrides it), runs one function of a package in the app's
context, and releases the database before the work horse exits.

They live here, beside create_app and outside the layered packages, so that no package imports
the application factory (docs/architecture.md, "Jobs"; docs/operations.md, "Reports after commit" and
"The tick"). The packages enqueue them by dotted name ("grants.tasks.deliver_mail"), which RQ imports in
the worker; nothing under grants/ imports this module.
"""

from contextlib import contextmanager

from grants import create_app
from grants.extensions import db
from grants.monitoring.tick import tick as run_tick
from grants.notifications.mail import deliver_ids
from grants.reports import jobs, rendering


@contextmanager
def app_context(app_config: dict | None):
    app = create_app(app_config)
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def render_report(report_id: int, app_config: dict | None = None) -> bool:
    """One attempt at a report's PDF; raises on failure so that RQ retries (grants/reports/rendering.py)."""
    with app_context(app_config):
        return rendering.render(report_id)


def render_campaign_zip(job_id: str, app_config: dict | None = None) -> dict:
    """A campaign's ZIP of reports (grants/reports/jobs.py)."""
    with app_context(app_config):
        state = jobs.execute(job_id)
    if state["status"] == "failed":
        raise RuntimeError(state["error"])  # RQ records the failure as well
    return {"files": state["files"]}


def deliver_mail(ids, app_config: dict | None = None) -> dict:
    """Deliver the committed outbox messages with these ids (grants/notifications/mail.py, dispatch)."""
    with app_context(app_config):
        sent, failed = deliver_ids(ids)
    return {"sent": sent, "failed": failed}


def tick(app_config: dict | None = None) -> dict:
    """`flask --app grants tick`, enqueued by the RQ cron scheduler (grants/cron.py)."""
    with app_context(app_config):
        outcome = run_tick()
    return {"closed": outcome["closed"]}
