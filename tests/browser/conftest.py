"""Browser tests: a real server on its own SQLite database, driven by headless Chromium.

The live app is built here, not taken from tests/conftest.py: that suite's `db` fixture swaps the
module-global `db.session` and rebinds the engine to one connection per test, which a server thread
must never see. The `db` fixture is therefore overridden below with one that does nothing, so
these tests neither build nor touch the suite's database.
"""

import os
from pathlib import Path

import pytest

from grants.extensions import db as _db
from tests import live
from tests.helpers import DEMO_PASSWORD, FAST_PASSWORD_HASH

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live server has its own database."""
    yield None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).is_file():
        if os.environ.get("GRANTS_REQUIRE_BROWSER"):  # CI (.ci/run): the journeys must run, not skip
            pytest.fail(f"GRANTS_REQUIRE_BROWSER is set but Chromium is missing at {CHROMIUM}")
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="browser tests need playwright for Python")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_app(chromium_path, tmp_path_factory):
    """An app of its own: fresh SQLite file, migrated and seeded, real CSRF, errors rendered as pages."""
    from flask_migrate import upgrade

    from grants import create_app
    from grants.seed.demo import seed_demo

    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = create_app(
        {
            "TESTING": False,
            "DEBUG": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "browser-test-secret",
            "WTF_CSRF_ENABLED": True,
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PASSWORD_HASH_METHOD": FAST_PASSWORD_HASH,
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        upgrade()
        seed_demo(DEMO_PASSWORD)
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """Base URL (no trailing slash) of the live app served by werkzeug in a daemon thread."""
    with live.serve(live_app) as base_url:
        yield base_url


@pytest.fixture
def live_db(live_app):
    """run(fn) calls fn() inside the live app's context on a fresh session and returns its result."""
    return live.in_app(live_app)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import expect, sync_playwright

    # Assertions wait as long as actions (context_factory): an accept renders the final reports
    # before its redirect, which took longer than expect()'s default 5 s while CI ran both suites
    # at once on two cores.
    expect.set_options(timeout=30_000)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context_factory(browser):
    """new_context(**options) with the Russian locale by default; every context is closed afterwards."""
    contexts = []

    def new_context(**options):
        options.setdefault("locale", "ru-RU")
        # no colour transitions: axe would otherwise measure a hovered button halfway through one
        options.setdefault("reduced_motion", "reduce")
        context = browser.new_context(**options)
        context.set_default_timeout(30_000)  # generous: `make test` runs two suites at once on two cores
        contexts.append(context)
        return context

    yield new_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(context_factory):
    return context_factory().new_page()


# --- a live server per test, on a fresh copy of the seeded demo (tests/browser/test_journeys.py) ---


@pytest.fixture(scope="session")
def seeded_template(chromium_path, tmp_path_factory):
    """(URL, evidence directory) of a database migrated and seeded once per session, to be cloned."""
    folder = tmp_path_factory.mktemp("seeded-template")
    url = live.make_seeded_template(folder)
    yield url, folder / "evidence"
    live.drop_database(url)


class FreshLive:
    """A served app of its own: base URL, the app, and run(fn) inside its context."""

    def __init__(self, base: str, app):
        self.base = base
        self.app = app
        self.run = live.in_app(app)


@pytest.fixture
def fresh_live(seeded_template, tmp_path):
    """A live server (real CSRF, reports in kk and ru) on a copy of the seeded demo made for this test
    alone, so that a test may run a whole workflow without touching the shared live_app's data."""
    import shutil

    template_url, template_evidence = seeded_template
    url = live.clone_database(template_url, tmp_path)
    evidence = tmp_path / "evidence"
    if template_evidence.is_dir():
        shutil.copytree(template_evidence, evidence)
    app = live.build_app(
        url,
        WTF_CSRF_ENABLED=True,
        SECRET_KEY="fresh-live-test-secret-that-is-long-enough",
        EVIDENCE_DIR=str(evidence),
        REPORT_LANGUAGES=("kk", "ru"),
    )
    with live.serve(app) as base_url:
        yield FreshLive(base_url, app)
    live.drop_database(url)
