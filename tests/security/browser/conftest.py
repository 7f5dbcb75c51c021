"""The browser tests' fixtures (tests/browser/conftest.py): a live app on its own SQLite file, Chromium."""

from tests.browser.conftest import (  # noqa: F401
    browser,
    chromium_path,
    context_factory,
    db,
    live_app,
    live_db,
    live_server,
    page,
)
