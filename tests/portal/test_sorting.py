"""The lot registry sorts by a whitelisted `sort` (pages fall back to the default, the API answers 422)."""

import re
from decimal import Decimal

import pytest

from grants.extensions import db as database
from grants.lots.models import Lot, LotStatus
from grants.lots.operations import DEFAULT_SORT, SORTS
from tests.factories import lot_ids_in, own_lot
from tests.portal.helpers import published_campaign

BAD = ("bogus", "id", "-", "year;drop", "title desc", "--year", "INDEX")


def api_items(client, **params):
    response = client.get("/api/v1/lots", query_string={"per_page": 100, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def natural(number: str) -> tuple:
    """docs/formatting.md#numbers-in-order, in Python: the leading number, the length, the text."""
    lead = re.match(r"[0-9]+", number)
    return (lead is None, int(lead.group()) if lead else 0, len(number), number)


def key_of(item, key):
    if key == "number":
        return natural(item["number"])
    if key == "budget":
        return Decimal(item["budget"])
    if key == "index":
        return Decimal(item["latest_index"]) if item["latest_index"] is not None else None
    return item[key]


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_orders_the_api_listing(client, db, sort):
    items = api_items(client, sort=sort)
    assert items
    key = sort.lstrip("-")
    values = [key_of(item, key) for item in items]
    if key == "index":
        values = [v for v in values if v is not None]
    elif key == "title":
        return  # locale-dependent collation; the page test checks it answers
    assert values == sorted(values, reverse=sort.startswith("-")), sort


@pytest.mark.parametrize("sort", SORTS)
def test_every_sort_renders_the_registry_page(client, sort):
    response = client.get("/lots/", query_string={"sort": sort, "lang": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    key = sort.lstrip("-")
    assert (
        f'data-sort-key="{key}" aria-sort="{"descending" if sort.startswith("-") else "ascending"}"' in page
    )
    # The hidden field keeps the order when filters change.
    assert f'name="sort" value="{sort}"' in page


@pytest.mark.parametrize("bad", BAD)
def test_an_unknown_sort_falls_back_to_the_default_page(client, bad):
    response = client.get("/lots/", query_string={"sort": bad})
    assert response.status_code == 200
    assert lot_ids_in(response) == lot_ids_in(client.get("/lots/"))
    assert f'name="sort" value="{DEFAULT_SORT}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("bad", BAD)
def test_an_unknown_sort_is_a_422_in_the_api(client, bad):
    response = client.get("/api/v1/lots", query_string={"sort": bad})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert "sort" in error["fields"]


def test_the_default_sort_is_the_previous_order(client):
    assert [i["id"] for i in api_items(client)] == [i["id"] for i in api_items(client, sort=DEFAULT_SORT)]
    assert [i["id"] for i in api_items(client)] == [i["id"] for i in api_items(client, sort="")]


def test_sort_by_index_puts_published_lots_first(client, db):
    done = published_campaign()
    for sort in ("-index", "index"):
        items = api_items(client, sort=sort)
        indexes = [item["latest_index"] for item in items]
        ranked = [i for i in indexes if i is not None]
        assert indexes[: len(ranked)] == ranked, "lots without an index come last either way"
        assert [Decimal(i) for i in ranked] == sorted((Decimal(i) for i in ranked), reverse=sort == "-index")
        assert done.lot.lot_id in [item["id"] for item in items[: len(ranked)]]
        assert {"id": done.lot.lot_id, "latest_index": "80.0"}.items() <= next(
            item for item in items if item["id"] == done.lot.lot_id
        ).items()
    page = client.get("/lots/?sort=-index&lang=en")
    assert done.lot.lot_id in lot_ids_in(page)[: len(ranked)]
    assert f'data-lot-index="{done.lot.lot_id}">80.0<' in page.get_data(as_text=True)


def test_sorting_keeps_filters_and_paging(client):
    response = client.get("/lots/", query_string={"sort": "budget", "page": 2, "lang": "en"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Header links change the order and go back to the first page.
    assert "sort=-budget" in page and "page=2&amp;sort=-budget" not in page
    filtered = api_items(client, sort="budget", year=api_items(client)[0]["year"])
    assert all(item["year"] == filtered[0]["year"] for item in filtered)


NUMBERS = ["1-ГСЗ/2041", "2-ГСЗ/2041", "10-ГСЗ/2041", "11-ГСЗ/2041", "101-ГСЗ/2041", "OD-2", "OD-10"]


@pytest.mark.parametrize("sort", ["number", "-number"])
def test_lots_sort_by_number_as_people_count(client, db, sort):
    """1, 2, 10, 11, 101 — not 1, 10, 101, 11, 2 as text sorts them; the same on SQLite and PostgreSQL."""
    template = own_lot()
    for number in reversed(NUMBERS):
        database.session.add(
            Lot(
                number=number,
                year=2041,
                title_ru=f"Лот {number}",
                administrator_id=template.administrator_id,
                region_id=template.region_id,
                budget=Decimal("1000000.00"),
                status=LotStatus.announced,
            )
        )
    database.session.commit()
    # lots whose number starts with a digit come first either way, as lots without an index do
    expected = NUMBERS if sort == "number" else [*reversed(NUMBERS[:5]), *reversed(NUMBERS[5:])]
    got = [item["number"] for item in api_items(client, year=2041, sort=sort)]
    assert got == expected
    page = client.get("/lots/", query_string={"year": 2041, "sort": sort}).get_data(as_text=True)
    positions = [page.index(f">Лот {number}</a>") for number in expected]
    assert positions == sorted(positions), "the registry page lists them in the same order"
