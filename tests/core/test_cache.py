"""The data-version cache (grants/core/cache.py, docs/performance.md#cached-totals): a committed change is
seen by the very next request, a rolled back one changes no version, and a transaction's own uncommitted
changes are never cached."""

import re
from decimal import Decimal

from sqlalchemy import func, select, update

import grants.models  # noqa: F401  (every mapper, before grants.main.home builds its loader options)
from grants.core.cache import FigureCache, data_versions
from grants.extensions import db
from grants.lots.models import Lot
from grants.main.home import OVERVIEW
from tests.factories import own_lot

LOTS = FigureCache("test: lots", ("lots",))


def version_of(name: str):
    return db.session.scalar(select(data_versions.c.version).where(data_versions.c.name == name))


def shown_lot_count(client) -> int:
    page = client.get("/").get_data(as_text=True)
    match = re.search(r"Лоты</div><div class=\"display-6\">([\d\s\u00a0\u202f]+)</div>", page)
    assert match, "the home page shows the number of lots"
    return int(re.sub(r"\D", "", match.group(1)))


def budget_total(client) -> Decimal:
    answer = client.get("/api/v1/stats?group_by=year").get_json()
    return Decimal(answer["totals"]["budget"])


def test_the_next_request_sees_a_committed_change(client):
    lots = db.session.scalar(select(func.count(Lot.id)))
    assert shown_lot_count(client) == lots
    hits = OVERVIEW.hits
    assert shown_lot_count(client) == lots
    assert OVERVIEW.hits == hits + 1, "the second request is answered from the cache"

    lot = own_lot()
    copy = Lot(
        **{c.key: getattr(lot, c.key) for c in Lot.__table__.columns if c.key not in ("id", "number")},
        number="CACHE-1",
    )
    db.session.add(copy)
    db.session.commit()
    assert shown_lot_count(client) == lots + 1

    db.session.delete(copy)
    db.session.commit()
    assert shown_lot_count(client) == lots


def test_a_core_update_is_seen_too(client):
    before = budget_total(client)
    assert budget_total(client) == before  # cached
    db.session.execute(update(Lot).where(Lot.id == own_lot().id).values(budget=Lot.budget + 7))
    db.session.commit()
    assert budget_total(client) == before + 7


def test_a_rolled_back_change_changes_no_version():
    db.session.execute(update(Lot).where(Lot.id == own_lot().id).values(budget=Lot.budget + 1))
    db.session.commit()
    stamped = version_of("lots")
    assert stamped is not None

    db.session.execute(update(Lot).where(Lot.id == own_lot().id).values(budget=Lot.budget + 1))
    db.session.rollback()
    assert version_of("lots") == stamped

    db.session.execute(update(Lot).where(Lot.id == own_lot().id).values(budget=Lot.budget + 1))
    db.session.commit()
    assert version_of("lots") not in (None, stamped)


def test_a_read_only_transaction_stamps_nothing(client):
    db.session.execute(update(Lot).where(Lot.id == own_lot().id).values(budget=Lot.budget + 1))
    db.session.commit()
    stamped = version_of("lots")
    client.get("/")
    client.get("/analytics/")
    db.session.commit()
    assert version_of("lots") == stamped


def test_uncommitted_changes_are_never_cached():
    count = lambda: db.session.scalar(select(func.count(Lot.id)))  # noqa: E731
    assert LOTS.get(db.session, "count", count) == LOTS.get(db.session, "count", lambda: -1), "kept"
    lot = own_lot()
    db.session.execute(update(Lot).where(Lot.id == lot.id).values(budget=Lot.budget + 1))
    pending = LOTS.get(db.session, "budget", lambda: db.session.scalar(select(func.sum(Lot.budget))))
    db.session.rollback()
    # the value computed while the change was pending was not kept: the same key computes again
    again = LOTS.get(db.session, "budget", lambda: db.session.scalar(select(func.sum(Lot.budget))))
    assert again == pending - 1
