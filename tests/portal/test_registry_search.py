"""The registry's search through its trigram index (docs/performance.md#search-and-pagination): the
same matches as the old scan (a piece of a title, number or goal, in any case), in Kazakh and Russian,
and the index follows lots that change or go away."""

from decimal import Decimal

import pytest

from grants.extensions import db as database
from grants.lots.models import Lot, LotStatus
from tests.factories import lot_ids_in, own_lot

YEAR = 2043


def found(client, q: str) -> set[int]:
    """Lot ids the API and the registry page both find for q (the API's total agrees)."""
    response = client.get("/api/v1/lots", query_string={"q": q, "per_page": 100, "year": YEAR})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    ids = {item["id"] for item in body["items"]}
    assert body["total"] == len(ids)
    page = client.get("/lots/", query_string={"q": q, "year": YEAR})
    assert page.status_code == 200
    assert set(lot_ids_in(page)) == ids
    return ids


@pytest.fixture
def lots(db):
    template = own_lot()

    def make(number: str, title_ru: str, title_kk: str | None = None, goal_ru: str | None = None) -> Lot:
        lot = Lot(
            number=number,
            year=YEAR,
            title_ru=title_ru,
            title_kk=title_kk,
            goal_ru=goal_ru,
            administrator_id=template.administrator_id,
            region_id=template.region_id,
            budget=Decimal("1000000.00"),
            status=LotStatus.announced,
        )
        database.session.add(lot)
        return lot

    made = {
        "youth": make("7-ГСЗ/2043", "Поддержка молодёжных инициатив", "Жастардың бастамаларын қолдау"),
        "social": make("12-ГСЗ/2043", "Социальная адаптация", "Әлеуметтік бейімдеу және ғылыми ұйымдар"),
        "culture": make("OD-3", "Культурные проекты", "Ұлттық құндылықтар мен өнер: Һ әрпі, іс-шара, үміт"),
        "percent": make("100%-2043", "Сто процентов охвата", goal_ru="Охват_детей"),
    }
    database.session.commit()
    return {name: lot.id for name, lot in made.items()}


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("ӘЛЕУМЕТТІК", {"social"}),  # Kazakh, upper case
        ("әлеуметтік", {"social"}),
        ("ғылыми", {"social"}),
        ("ҚОЛДАУ", {"youth"}),
        ("құндылық", {"culture"}),  # a prefix of a word
        ("ҰЛТТЫҚ", {"culture"}),
        ("өнер", {"culture"}),
        ("һ әрпі", {"culture"}),
        ("ІС-ШАРА", {"culture"}),
        ("үміт", {"culture"}),
        ("жастардың", {"youth"}),
        ("МОЛОДЁЖ", {"youth"}),  # Russian, upper case, prefix
        ("лодёжн", {"youth"}),  # inside a word, as the scan found it
        ("социальн", {"social"}),
        ("гсз/2043", {"youth", "social"}),  # a piece of a lot number
        ("12-ГСЗ", {"social"}),
        ("od-3", {"culture"}),
        ("Ұл", {"culture"}),  # two letters: no trigram, found by the scan
        ("100%", {"percent"}),  # % and _ are plain text
        ("охват_", {"percent"}),  # in the goal
        ("нетакогослова", set()),
    ],
)
def test_search_finds_kazakh_and_russian_in_any_case(client, lots, q, names):
    assert found(client, q) == {lots[name] for name in names}


def test_search_follows_changed_and_deleted_lots(client, lots):
    assert found(client, "бейімдеу") == {lots["social"]}
    lot = database.session.get(Lot, lots["social"])
    lot.title_kk = "Қоғамдық кеңестер"
    lot.number = "99-ЖАҢА"
    database.session.commit()
    assert found(client, "бейімдеу") == set()
    assert found(client, "ҚОҒАМДЫҚ") == {lots["social"]}
    assert found(client, "99-жаңа") == {lots["social"]}
    assert found(client, "12-ГСЗ") == set()
    assert found(client, "социальная") == {lots["social"]}, "the columns not changed are still found"

    database.session.delete(database.session.get(Lot, lots["social"]))
    database.session.commit()
    assert found(client, "ҚОҒАМДЫҚ") == set()
    assert found(client, "гсз/2043") == {lots["youth"]}


def test_a_new_lot_is_found_at_once(client, lots):
    template = own_lot()
    database.session.add(
        Lot(
            number="5-ҰЙЫМ",
            year=YEAR,
            title_ru="Новый лот",
            title_en="Brand new lot",
            administrator_id=template.administrator_id,
            region_id=template.region_id,
            budget=Decimal("5000.00"),
            status=LotStatus.planned,
        )
    )
    database.session.commit()
    assert len(found(client, "BRAND NEW")) == 1
    assert len(found(client, "5-ұйым")) == 1
