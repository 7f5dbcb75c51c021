"""Fixtures for the route fuzz: one logged-in client per demo role, server errors collected, not raised."""

import logging

import pytest
from sqlalchemy import select

from tests.helpers import DEMO_ACCOUNTS, login

IDENTITIES = ("anonymous", *DEMO_ACCOUNTS)


class _ErrorLog(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.errors: list[str] = []

    def emit(self, record):
        if record.exc_info:
            self.errors.append(f"{record.exc_info[0].__name__}: {str(record.exc_info[1])[:300]}")


@pytest.fixture
def server_errors(app):
    """Answer 500 as in production (instead of raising into the test) and keep each exception's text."""
    handler = _ErrorLog()
    app.logger.addHandler(handler)
    app.config["PROPAGATE_TEST_ERRORS"] = False
    try:
        yield handler.errors
    finally:
        app.config["PROPAGATE_TEST_ERRORS"] = True
        app.logger.removeHandler(handler)


@pytest.fixture
def clients(app):
    """{identity: test client}: anonymous plus every demo account, logged in through /login."""
    result = {}
    for identity in IDENTITIES:
        client = app.test_client()
        if identity != "anonymous":
            login(client, identity)
        result[identity] = client
    return result


@pytest.fixture
def criterion_codes(db):
    from grants.monitoring.models import Criterion

    return sorted(set(db.session.scalars(select(Criterion.code))))
