"""The cyclic garbage collector is paused while a request's view runs and resumed after it
(grants/core/collector.py, docs/operations.md#garbage-collection)."""

import gc
import threading
import weakref

import pytest
from flask import Flask

from grants.core import collector


class Cycle:
    def __init__(self):
        self.me = self


@pytest.fixture
def bare():
    """A Flask app of its own with the collector's hooks and test routes (not the suite's app)."""
    app = Flask(__name__)
    collector.init_app(app)
    seen = app.config["SEEN"] = {}
    release = app.config["RELEASE"] = threading.Event()
    entered = app.config["ENTERED"] = threading.Event()

    @app.get("/state")
    def state():
        return {"enabled": gc.isenabled()}

    @app.get("/garbage")
    def garbage():
        # more new container objects kept alive than the youngest generation's threshold (a collection
        # is due), and one cycle that only the collector can free
        seen["kept"] = [[i] for i in range(gc.get_threshold()[0] * 2)]
        cycle = Cycle()
        seen["cycle"] = weakref.ref(cycle)
        seen["enabled"] = gc.isenabled()
        del cycle
        return "ok"

    @app.get("/fails")
    def fails():
        raise RuntimeError("the view failed")

    @app.get("/slow")
    def slow():
        entered.set()
        release.wait(10)
        return {"enabled": gc.isenabled()}

    assert gc.isenabled()
    yield app
    release.set()
    gc.enable()


def test_paused_during_the_view_and_resumed_after(bare):
    app = bare
    assert app.test_client().get("/state").get_json() == {"enabled": False}
    assert gc.isenabled()


def test_cycles_made_in_the_view_are_collected_after_it(bare):
    app = bare
    assert app.test_client().get("/garbage").status_code == 200
    assert app.config["SEEN"]["enabled"] is False
    assert gc.isenabled()
    assert app.config["SEEN"]["cycle"]() is None  # collected when the request ended


def test_resumed_when_the_view_raises(bare):
    app = bare
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/fails").status_code == 500
    assert gc.isenabled()


def test_resumed_only_when_the_last_running_request_is_done(bare):
    app = bare
    answers = {}
    slow = threading.Thread(target=lambda: answers.update(slow=app.test_client().get("/slow").get_json()))
    slow.start()
    try:
        assert app.config["ENTERED"].wait(10)
        assert app.test_client().get("/state").get_json() == {"enabled": False}
        assert not gc.isenabled()  # the slow request still runs
    finally:
        app.config["RELEASE"].set()
        slow.join(10)
    assert answers["slow"] == {"enabled": False}
    assert gc.isenabled()


def test_off_when_configured_so():
    app = Flask(__name__)
    app.config["GC_BETWEEN_REQUESTS"] = False
    collector.init_app(app)

    @app.get("/state")
    def state():
        return {"enabled": gc.isenabled()}

    assert app.test_client().get("/state").get_json() == {"enabled": True}


def test_due_generation_follows_the_thresholds():
    thresholds = gc.get_threshold()
    gc.collect()
    try:
        gc.set_threshold(5, 3, 2)
        gc.disable()
        assert collector.due_generation() is None
        keep = [[i] for i in range(50)]
        assert collector.due_generation() == 0
        del keep
    finally:
        gc.set_threshold(*thresholds)
        gc.enable()
