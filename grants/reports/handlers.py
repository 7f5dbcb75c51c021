"""The reports package's listeners: report versions due on events of the lower layers, rendered after commit.

Monitoring (finalize) and replies (the last ruling) cannot call up into reports
(docs/architecture.md): they send a signal, and the listeners here issue the report version in the
same transaction; grants/reports/rendering.py renders it once that transaction commits.
"""

from grants.core import signals
from grants.reports import rendering
from grants.reports.models import ReportKind
from grants.reports.operations import issue_reports

_connected = False


def on_evaluation_finalized(evaluation, actor=None, **_kw) -> None:
    issue_reports(evaluation, ReportKind.draft, actor)


def on_rulings_complete(evaluation, actor=None, **_kw) -> None:
    issue_reports(evaluation, ReportKind.final, actor)


LISTENERS = (
    (signals.evaluation_finalized, on_evaluation_finalized),
    (signals.rulings_complete, on_rulings_complete),
    (signals.ticked, rendering.dispatch_stale),
)


def connect(app) -> None:
    """Subscribe the listeners and watch sessions (once per process: they use current_app), and
    render what each request committed once it is done."""
    global _connected
    if not _connected:
        for signal, listener in LISTENERS:
            signal.connect(listener, weak=False)
        rendering.watch_sessions()
        _connected = True
    app.after_request(rendering.render_after_request)
