"""Concurrent confirms of imports over real HTTP (docs/input-validation.md, Imports): exactly one
applies, the others answer 409, nothing answers 500, the staged file lives until its import commits.

A live server on a fresh copy of the demo database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
requests from threads released together.
"""

import re
from collections import Counter

import pytest
from sqlalchemy import func, select

from grants.audit.models import AuditEvent
from grants.extensions import db as _db
from grants.lots.models import Lot
from tests import live
from tests.imports.helpers import LOT_HEADERS, PREFIX, YEAR, csv_bytes, lot_rows

ROWS = 20


@pytest.fixture(autouse=True)
def db():
    """Override tests/conftest.py's transactional `db`: the live app has its own database."""
    yield None


@pytest.fixture
def served(live_url, tmp_path):
    app = live.build_app(live_url, IMPORT_DIR=str(tmp_path / "uploads"))
    with live.serve(app) as base_url:
        yield base_url, live.in_app(app), tmp_path / "uploads"


def staged(session, base_url: str, content: bytes) -> str:
    """Upload content as a lot import; the preview's confirm token."""
    response = session.post(
        f"{base_url}/imports/lots?lang=en", files={"file": ("lots.csv", content)}, timeout=60
    )
    assert response.status_code == 200, response.text[-2000:]
    found = re.search(r'name="token" type="hidden" value="([^"]+)"', response.text)
    assert found, "no confirm form in the preview"
    return found.group(1)


def confirm(session, base_url: str, token: str):
    return session.post(
        f"{base_url}/imports/lots/confirm?lang=en", data={"token": token}, allow_redirects=False, timeout=120
    )


def counts(run) -> tuple[int, int]:
    def read():
        lots = _db.session.scalar(
            select(func.count()).select_from(Lot).where(Lot.year == YEAR, Lot.number.like(f"{PREFIX}-%"))
        )
        created = _db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "lot.import")
        )
        return lots, created

    return run(read)


def test_nine_concurrent_confirms_of_one_upload_apply_it_once(served):
    base_url, run, uploads = served
    content = run(lambda: csv_bytes(lot_rows(ROWS), LOT_HEADERS))
    sessions = [live.web_session(base_url, "ministry@example.kz") for _ in range(9)]
    token = staged(sessions[0], base_url, content)

    responses = live.release_together(9, lambda i: confirm(sessions[i], base_url, token))

    statuses = Counter(r.status_code if hasattr(r, "status_code") else repr(r) for r in responses)
    assert statuses == {302: 1, 409: 8}, statuses
    for response in responses:
        if response.status_code == 409:
            assert "being imported right now" in response.text or "already been imported" in response.text
    assert counts(run) == (ROWS, ROWS)  # one import: each lot created and audited once
    # the file went after the commit; only the marker of a done import is left
    assert sorted(path.suffix for path in uploads.iterdir()) == [".applied"]
    late = confirm(sessions[1], base_url, token)
    assert late.status_code == 409 and "already been imported" in late.text


def test_two_uploads_of_one_file_confirmed_together_create_each_lot_once(served):
    """Different tokens, same new lots: one import creates them; the other either finds them there
    (nothing to change) or loses the unique constraint (409, its file kept for a retry)."""
    base_url, run, uploads = served
    content = run(lambda: csv_bytes(lot_rows(ROWS), LOT_HEADERS))
    sessions = [live.web_session(base_url, "ministry@example.kz") for _ in range(6)]
    tokens = [staged(sessions[i], base_url, content) for i in range(6)]

    responses = live.release_together(6, lambda i: confirm(sessions[i], base_url, tokens[i]))

    statuses = [r.status_code if hasattr(r, "status_code") else repr(r) for r in responses]
    assert set(statuses) <= {302, 409} and 302 in statuses, statuses
    assert counts(run)[0] == ROWS
    for i, status in enumerate(statuses):
        if status == 409:
            # nothing of the loser was stored, its file is back: a retry applies (all rows unchanged now)
            assert "Nothing was imported: confirm again." in responses[i].text
            assert (uploads / f"lots-{_user_id(run)}-{tokens[i]}.upload").is_file()
            assert confirm(sessions[i], base_url, tokens[i]).status_code == 302
    assert counts(run) == (ROWS, ROWS)
    assert not [path for path in uploads.iterdir() if path.suffix in (".upload", ".applying")]


def _user_id(run) -> int:
    from tests.api.evaluation_fixtures import user

    return run(lambda: user("ministry").id)
