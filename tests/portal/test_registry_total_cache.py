"""The registry's `total` is counted once per filters and kept until the lots change
(grants.monitoring.registry.TOTALS, docs/performance.md#cached-totals): a second page of the same
filters, on the page or in the API, sends no COUNT."""

import pytest
from sqlalchemy import event, func, select

from grants.core import cache
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.registry import TOTALS


@pytest.fixture
def counts(app):
    found = []

    def record(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT COUNT("):
            found.append(statement)

    engine = db.session.connection().engine
    event.listen(engine, "before_cursor_execute", record)
    yield found
    event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("url", ["/lots/?page=2", "/api/v1/lots?page=2", "/lots/?q=a&page=2"])
def test_a_second_request_reads_the_cached_total(client, counts, url):
    for figures in cache.all_caches:
        figures.clear()
    lots = db.session.scalar(select(func.count(Lot.id)))
    assert lots > 20  # two pages at least
    counts.clear()
    first = client.get(url)
    assert first.status_code == 200
    assert len(counts) == 1, counts  # the first request counts
    hits = TOTALS.hits
    counts.clear()
    second = client.get(url)
    assert second.status_code == 200 and second.data == first.data
    assert counts == [] and TOTALS.hits == hits + 1


def test_a_deleted_lot_counts_again(client, counts):
    for figures in cache.all_caches:
        figures.clear()
    total = client.get("/api/v1/lots?page=2").get_json()["total"]
    assert client.get("/api/v1/lots?page=2").get_json()["total"] == total
    lot = db.session.scalars(select(Lot).where(~Lot.projects.any()).order_by(Lot.id.desc())).first()
    for link in list(lot.need_links):
        db.session.delete(link)
    db.session.delete(lot)
    db.session.commit()
    counts.clear()
    assert client.get("/api/v1/lots?page=2").get_json()["total"] == total - 1
    assert len(counts) == 1  # counted again: the lots changed
