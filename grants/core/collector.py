"""CPython's cyclic garbage collector runs between requests, never in the middle of one
(docs/operations.md#garbage-collection).

On PostgreSQL at 20,000 lots, a campaign's public results page (`/results/<id>`, about 1,400 published
evaluations and their scorecards loaded as ORM objects) crashed the worker with a segmentation fault
every second request. Valgrind shows why: inside CPython 3.11's `dictresize`, growing an ORM object
state's attribute dictionary, a chain of deallocations reaches SQLAlchemy's weak reference callback
(`InstanceState._cleanup`), which deletes an attribute of that same state; the inner resize frees the
values the outer one still reads, leaving a dangling pointer, and the process dies when a collection
traverses that dictionary. With the collector run only after the view, the same requests ran without a
fault (docs/operations.md#garbage-collection: what was tried, and what is not known; a mitigation, not
a mend).

So the automatic collector is paused from the start of a request until its view has returned
(`after_request`, or `teardown_request` when the view raised), and resumed then with the collection
the paused allocations would have triggered: the same generations, by the same thresholds, at a point
where no request is half-way through loading. A streamed body (open-data exports) runs after
`after_request`, with the collector on. Reference counting frees everything else at once as before; only
cycles wait for the end of the request. Threads (the development server, the race tests) share one
collector: it is paused while any request of the process runs and resumed when the last one returns.
"""

import gc
import threading

from flask import Flask, g

_lock = threading.Lock()
_running = 0  # requests of this process between their pause and their resume
_FLAG = "_grants_collector_paused"


def _pause() -> None:
    global _running
    with _lock:
        _running += 1
        gc.disable()
    setattr(g, _FLAG, True)


def _resume() -> None:
    """Resume the collector when the last running request is done, and collect what it would have."""
    global _running
    if not g.pop(_FLAG, False):
        return
    with _lock:
        _running -= 1
        if _running:
            return
        gc.enable()
        due = due_generation()
        if due is not None:
            gc.collect(due)


def due_generation() -> int | None:
    """The generation CPython's automatic collection would take now: the oldest whose count has passed
    its threshold (gen_collect's rule, without its extra check on long-lived objects, which Python code
    cannot read: a full collection comes a little more often than it would), or None."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in range(len(thresholds) - 1, -1, -1):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            return generation
    return None


def init_app(app: Flask) -> None:
    if not app.config.get("GC_BETWEEN_REQUESTS", True):
        return

    @app.before_request
    def _collector_paused():
        _pause()

    @app.after_request
    def _collector_resumed(response):
        _resume()
        return response

    @app.teardown_request
    def _collector_resumed_after_error(_error):
        _resume()
