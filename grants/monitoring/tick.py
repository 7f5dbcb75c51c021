"""The scheduled tick: what happens because time passed, never because someone read a page.

Closing scoring after the deadline (quorum met) used to run when someone happened to open an
evaluation; now only `tick` does it (docs/operations.md, "The tick"). Run it from cron, or let the
RQ cron scheduler enqueue it (grants/cron.py). It closes one evaluation per transaction, under the
evaluation's lock, so ticks running at once (or a chair closing by hand) close each evaluation once.
"""

import logging

from flask import current_app

from grants.core import signals
from grants.extensions import db
from grants.monitoring.models import Evaluation
from grants.monitoring.operations import close_if_due, due_for_closing

log = logging.getLogger(__name__)


def close_due_evaluations() -> list[int]:
    """Close every evaluation past its deadline with its quorum; returns the ids closed now."""
    closed = []
    for evaluation_id in due_for_closing():
        db.session.rollback()  # a fresh transaction per evaluation: one lock at a time
        try:
            evaluation = db.session.get(Evaluation, evaluation_id)
            if evaluation is not None and close_if_due(evaluation):
                closed.append(evaluation_id)
            db.session.commit()
        except Exception:  # one evaluation's trouble must not stop the others
            log.exception("tick: could not close evaluation %s", evaluation_id)
            db.session.rollback()
    return closed


def tick() -> dict:
    """Close what is due, then let the higher layers catch up (signals.ticked)."""
    closed = close_due_evaluations()
    results = signals.ticked.send(current_app._get_current_object(), closed=closed)
    db.session.rollback()
    return {
        "closed": closed,
        "listeners": {getattr(f, "__qualname__", str(f)): value for f, value in results},
    }
