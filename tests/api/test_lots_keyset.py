"""Keyset pages of the lot registry (docs/performance.md#search-and-pagination): `next` cursors walk the
same rows in the same order as page numbers, pages and API alike, refuse what is not a cursor, and the
SQL statements of a page do not grow with its rows."""

import base64
import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select

from grants.extensions import db as database
from grants.lots.models import Lot, LotStatus
from grants.organisations.models import Organisation
from grants.regions.models import Region
from tests.factories import lot_ids_in, own_lot

SORTS = ("-year", "budget", "-budget", "number", "-number", "title", "-index", "year")


def by_numbers(client, sort: str, per_page: int, **filters) -> list[int]:
    ids, page = [], 1
    while True:
        body = client.get(
            "/api/v1/lots", query_string={"sort": sort, "per_page": per_page, "page": page, **filters}
        ).get_json()
        ids += [item["id"] for item in body["items"]]
        if page >= body["pages"]:
            return ids
        page += 1


def by_cursors(client, sort: str, per_page: int, **filters) -> list[int]:
    ids, params, pages = [], {"sort": sort, "per_page": per_page, **filters}, []
    while True:
        body = client.get("/api/v1/lots", query_string=params).get_json()
        ids += [item["id"] for item in body["items"]]
        pages.append(body["page"])
        if body["next"] is None:
            assert pages == list(range(1, len(pages) + 1)), "each page says which it is"
            return ids
        params = {"sort": sort, "per_page": per_page, "after": body["next"], **filters}


@pytest.mark.parametrize("sort", SORTS)
def test_cursors_walk_the_registry_as_page_numbers_do(client, db, sort):
    total = database.session.scalar(select(func.count()).select_from(Lot))
    numbered = by_numbers(client, sort, 7)
    assert len(numbered) == len(set(numbered)) == total
    assert by_cursors(client, sort, 7) == numbered


def test_cursors_keep_the_filters_and_ties(client, db):
    template = own_lot()
    for i in range(12):  # the same budget and year: only the number and the id order them
        database.session.add(
            Lot(
                number=f"T-{i % 3}",
                year=2044 + i // 3,
                title_ru="Одинаковый",
                administrator_id=template.administrator_id,
                region_id=template.region_id,
                budget=Decimal("1000.00"),
                status=LotStatus.planned,
            )
        )
    database.session.commit()
    for sort in ("budget", "title", "-number"):
        numbered = by_numbers(client, sort, 5, q="одинаков")
        assert len(numbered) == 12
        assert by_cursors(client, sort, 5, q="одинаков") == numbered


def test_the_last_page_has_no_next(client, db):
    total = database.session.scalar(select(func.count()).select_from(Lot))
    body = client.get(
        "/api/v1/lots", query_string={"per_page": 100, "page": (total - 1) // 100 + 1}
    ).get_json()
    assert body["items"] and body["next"] is None
    body = client.get("/api/v1/lots", query_string={"per_page": 5}).get_json()
    assert body["next"] and body["total"] == total and body["page"] == 1


def cursor(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "bad",
    [
        "garbage!",
        "x" * 1001,
        cursor([1, 2]),
        cursor({"p": 2, "k": [2025]}),  # too few keys for the order
        cursor({"p": 2, "k": ["2025", True, None, 3, "1-ГСЗ", 5]}),  # a year that is text
        cursor({"p": 0, "k": [2025, True, None, 3, "1-ГСЗ", 5]}),
        cursor({"p": 2, "k": [2025, True, None, 3, "1-ГСЗ", None]}),  # an id that is NULL
        cursor({"p": 2, "k": [2025, True, None, 3, "1-ГСЗ", 10**30]}),  # no column holds that id
        cursor({"p": 2, "k": [2025, True, None, 3, "1-\u0000", 5]}),  # a NUL no text column takes
        cursor({"p": 2, "k": [2025, True, None, 3, "\ud800", 5]}),  # a lone surrogate
    ],
)
def test_what_is_not_a_cursor_is_a_422_in_the_api_and_ignored_by_the_page(client, bad):
    response = client.get("/api/v1/lots", query_string={"after": bad})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"after"}
    page = client.get("/lots/", query_string={"after": bad})
    assert page.status_code == 200
    assert lot_ids_in(page) == lot_ids_in(client.get("/lots/"))


def test_the_page_next_link_follows_the_cursor(client, db):
    first = client.get("/lots/", query_string={"sort": "budget", "lang": "en"})
    html = first.get_data(as_text=True)
    assert "data-next-cursor" in html
    link = html.split("data-next-cursor")[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "after=" in link and "page=" not in link and "sort=budget" in link
    second = client.get(link)
    assert lot_ids_in(second) == lot_ids_in(client.get("/lots/", query_string={"sort": "budget", "page": 2}))
    text = second.get_data(as_text=True)
    assert re.search(r'page-item active"><a class="page-link" href="[^"]*page=2">2</a>', text), (
        "page 2 is shown"
    )


def statements(client, url: str) -> int:
    seen = []

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().split(None, 1)[0].upper() in {"SELECT", "WITH"}:
            seen.append(statement)

    engine = database.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_statements_per_page_do_not_grow_with_its_rows(client, db):
    """One row or a full page of rows of many administrators, regions and spheres: the same statements."""
    template = own_lot()
    organisations = database.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    regions = database.session.scalars(select(Region).order_by(Region.id)).all()
    for i in range(60):
        database.session.add(
            Lot(
                number=f"Q-{i}",
                year=2049,
                title_ru=f"Лот для подсчёта {i}",
                administrator_id=organisations[i % len(organisations)].id,
                region_id=regions[i % len(regions)].id,
                sphere_id=template.sphere_id,
                budget=Decimal(1000 + i),
                status=LotStatus.planned,
            )
        )
    database.session.commit()
    one = "year=2049&q=подсчёта 7"
    for path in ("/lots/", "/api/v1/lots"):
        cursor_url = client.get("/api/v1/lots?year=2049&page=2").get_json()["next"]
        counts = {
            "one row": statements(client, f"{path}?{one}"),
            "first page": statements(client, f"{path}?year=2049"),
            "deep page": statements(client, f"{path}?year=2049&page=3"),
            "cursor": statements(client, f"{path}?year=2049&after={cursor_url}"),
            "search": statements(client, f"{path}?q=подсчёта"),
            "sorted": statements(client, f"{path}?year=2049&sort=-budget"),
        }
        assert max(counts.values()) <= 8, counts
        assert counts["first page"] <= counts["one row"] + 1, counts  # + the count a full page needs


def test_the_cached_total_follows_every_change(client, db):
    """The registry's total is cached per filters (docs/performance.md#cached-totals): a lot added or
    removed by a commit shows in the next answer, filtered or not, and a year with no lot stays at 0."""

    def totals() -> tuple[int, int]:
        every = client.get("/api/v1/lots", query_string={"per_page": 5, "page": 2}).get_json()["total"]
        year = client.get("/api/v1/lots", query_string={"per_page": 5, "year": 2049}).get_json()["total"]
        return every, year

    before = database.session.scalar(select(func.count()).select_from(Lot))
    assert totals() == (before, 0)
    assert totals() == (before, 0)  # now from the cache
    template = own_lot()
    added = [
        Lot(
            number=f"C-{i}",
            year=2049,
            title_ru="Кэшированный итог",
            administrator_id=template.administrator_id,
            region_id=template.region_id,
            budget=Decimal("1000.00"),
            status=LotStatus.planned,
        )
        for i in range(6)
    ]
    database.session.add_all(added)
    database.session.commit()
    assert totals() == (before + 6, 6)
    database.session.delete(added[0])
    database.session.commit()
    assert totals() == (before + 5, 5)
