"""Live servers on cloned databases (tests/live.py); the suite's transactional `db` is not used here."""

import pytest


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: each live app has its own database."""
    yield None
