"""Live servers on cloned databases (tests/live.py); the suite's transactional `db` is not used here."""

import pytest

from tests import live


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: each live app has its own database."""
    yield None


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory):
    url = live.make_seeded_template(tmp_path_factory.mktemp("live-template"))
    yield url
    live.drop_database(url)


@pytest.fixture
def live_url(seeded_template, tmp_path):
    """URL of a fresh copy of the seeded demo database, dropped after the test."""
    url = live.clone_database(seeded_template, tmp_path)
    yield url
    live.drop_database(url)
