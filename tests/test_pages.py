"""Pages render in Kazakh, Russian and English; money and the registry filters read right."""

import re
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from sqlalchemy import func, select

from grants.councils.models import Council, MonitoringGroup
from grants.extensions import db
from grants.lots.models import Lot, LotStatus
from grants.lots.operations import number_order
from grants.needs.models import PublicNeed
from grants.organisations.models import Organisation
from grants.projects.models import Project
from grants.regions.models import Region
from tests.factories import (
    ASTANA_KATO,
    any_of,
    group_of,
    lot_ids_in,
    ministry,
    need_of,
    own_lot,
    own_project,
    redirect_path,
    text_of,
    user,
)
from tests.helpers import login, visible_text

LANGS = ("kk", "ru", "en")
PER_PAGE = 20


def page_urls() -> list[str]:
    return [
        "/",
        "/login",
        "/lots/",
        f"/lots/{any_of(Lot).id}",
        f"/projects/{any_of(Project).id}",
        "/needs/",
        f"/needs/{any_of(PublicNeed).id}",
        "/organisations/",
        f"/organisations/{any_of(Organisation).id}",
        "/councils/",
        f"/councils/{any_of(Council).id}",
        "/groups/",
        f"/groups/{any_of(MonitoringGroup).id}",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_renders_in_each_language(client, lang):
    for url in page_urls():
        response = client.get(url, query_string={"lang": lang})
        assert response.status_code == 200, f"GET {url}?lang={lang}"
        assert f'<html lang="{lang}"' in response.get_data(as_text=True), f"{url}?lang={lang}"


def logged_in_urls() -> list[str]:
    me = ministry()
    lot, project = own_lot(), own_project()
    return [
        "/",
        "/lots/new",
        f"/lots/{lot.id}",
        f"/lots/{lot.id}/edit",
        f"/lots/{lot.id}/projects/new",
        f"/projects/{project.id}/edit",
        "/needs/new",
        f"/needs/{need_of(organisation_id=me.organisation_id).id}/edit",
        "/groups/new",
        f"/groups/{group_of(organiser_id=me.organisation_id).id}/edit",
    ]


def admin_urls() -> list[str]:
    return [
        "/",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{user('chair').id}/edit",
        "/organisations/new",
        f"/organisations/{any_of(Organisation).id}/edit",
        "/councils/new",
        f"/councils/{any_of(Council).id}/edit",
        f"/groups/{any_of(MonitoringGroup).id}/edit",
    ]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who, urls", [("ministry", logged_in_urls), ("admin", admin_urls)])
def test_working_pages_render_in_each_language(client, lang, who, urls):
    login(client, f"{who}@example.kz")
    for url in urls():
        response = client.get(url, query_string={"lang": lang})
        assert response.status_code == 200, f"{who} GET {url}?lang={lang}"
        assert f'<html lang="{lang}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", ["chair", "member1", "member4", "ngo"])
def test_home_panels_render_in_each_language(client, lang, who):
    login(client, f"{who}@example.kz")
    response = client.get("/", query_string={"lang": lang})
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in response.get_data(as_text=True)
    assert "data-role=" in response.get_data(as_text=True)


@pytest.mark.parametrize("lang, locale", [("ru", "ru_KZ"), ("kk", "kk_KZ")])
def test_lot_budget_is_formatted_for_the_locale(client, lang, locale):
    lot = own_lot()
    expected = format_currency(Decimal(lot.budget), "KZT", locale=locale)
    assert expected.endswith("\xa0₸")
    page = text_of(client.get(f"/lots/{lot.id}", query_string={"lang": lang}))
    assert expected in page, f"{lang} lot page lacks {expected!r}"


@pytest.mark.parametrize("lang, locale", [("ru", "ru_KZ"), ("kk", "kk_KZ"), ("en", "en")])
def test_lot_dates_are_formatted_for_the_locale(client, lang, locale):
    lot = db.session.scalar(select(Lot).where(Lot.start_date.isnot(None)).order_by(Lot.id).limit(1))
    assert lot is not None
    page = text_of(client.get(f"/lots/{lot.id}", query_string={"lang": lang}))
    assert format_date(lot.start_date, "long", locale=locale) in page


def test_lot_budget_in_english_uses_the_tenge_sign(client):
    lot = own_lot()
    page = text_of(client.get(f"/lots/{lot.id}", query_string={"lang": "en"}))
    number = format_decimal(Decimal(lot.budget), format="#,##0.00", locale="en")
    assert re.search(rf"₸\s?{re.escape(number)}", page), f"no ₸{number} on the English lot page"
    assert "KZT" not in visible_text(page)


def test_project_amounts_are_formatted_too(client):
    project = own_project()
    page = text_of(client.get(f"/projects/{project.id}", query_string={"lang": "ru"}))
    assert format_currency(Decimal(project.amount), "KZT", locale="ru_KZ") in page


# --- the language switch ------------------------------------------------------------------


def html_lang(response) -> str:
    match = re.search(r'<html lang="(\w+)"', response.get_data(as_text=True))
    assert match, "no <html lang>"
    return match.group(1)


def test_the_language_switch_sticks_for_later_requests(client):
    assert html_lang(client.get("/lots/")) == "ru", "Russian is the default without any preference"
    response = client.get("/lang/kk", query_string={"next": "/lots/"})
    assert response.status_code == 302
    assert redirect_path(response) == "/lots/"
    assert html_lang(client.get("/lots/")) == "kk"
    assert html_lang(client.get("/needs/")) == "kk"
    assert html_lang(client.get("/needs/", query_string={"lang": "en"})) == "en", (
        "?lang= wins for one request"
    )
    assert html_lang(client.get("/needs/")) == "kk", "…and does not change the stored choice"
    client.get("/lang/en")
    assert html_lang(client.get("/")) == "en"


def test_an_unknown_language_changes_nothing(client):
    client.get("/lang/kk")
    response = client.get("/lang/xx")
    assert response.status_code == 302
    assert html_lang(client.get("/lots/")) == "kk"
    assert html_lang(client.get("/lots/", query_string={"lang": "xx"})) == "kk"


def test_the_language_switch_never_redirects_off_site(client):
    for target in ("//evil.example/", "https://evil.example/"):
        response = client.get("/lang/en", query_string={"next": target})
        assert response.status_code == 302
        assert redirect_path(response) == "/", target


def test_the_browsers_language_is_used_without_a_choice(client):
    response = client.get("/lots/", headers={"Accept-Language": "kk-KZ,kk;q=0.9,en;q=0.5"})
    assert html_lang(response) == "kk"


def test_a_logged_in_users_choice_is_kept_in_the_profile(client):
    login(client, "member1@example.kz")
    client.post("/lang/kk")  # the account page's form; a GET changes the session only (tests/security)
    db.session.expire_all()
    assert user("member1").language == "kk"
    client.post("/logout")
    other = client.application.test_client()
    login(other, "member1@example.kz")
    assert html_lang(other.get("/")) == "kk", "the language follows the user to a new session"


# --- the lot registry filters -------------------------------------------------------------


def registry_total(response) -> int:
    match = re.search(r"Found: (\d+)", text_of(response))
    assert match, "the registry states how many lots it found"
    return int(match.group(1))


def astana_year_with_lots() -> int:
    year = db.session.scalar(
        select(Lot.year)
        .join(Region, Lot.region_id == Region.id)
        .where(Region.kato == ASTANA_KATO)
        .group_by(Lot.year)
        .order_by(func.count().desc(), Lot.year.desc())
        .limit(1)
    )
    assert year is not None, "the demo has no lot in Astana"
    return year


def test_registry_filter_by_region_and_year(client):
    year = astana_year_with_lots()
    expected = db.session.scalars(
        select(Lot.id)
        .join(Region, Lot.region_id == Region.id)
        .where(Region.kato == ASTANA_KATO, Lot.year == year)
        .order_by(Lot.year.desc(), *number_order(Lot.number), Lot.id)
    ).all()
    response = client.get("/lots/", query_string={"region": ASTANA_KATO, "year": year, "lang": "en"})
    assert response.status_code == 200
    shown = lot_ids_in(response)
    assert shown == list(expected[:PER_PAGE])
    assert registry_total(response) == len(expected)
    others = db.session.scalar(select(func.count()).select_from(Lot).where(Lot.id.notin_(expected)))
    assert others > 0, "the filter must have something to leave out"


def test_registry_search_in_cyrillic_ignores_case(client):
    lot = own_lot()
    words = [w for w in re.findall(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүІіҺһ]{5,}", lot.title_ru)]
    assert words, f"the demo lot title {lot.title_ru!r} has no Cyrillic word"
    word = words[0]
    q = word.upper() if word != word.upper() else word.lower()
    needle = q.lower()
    all_lots = db.session.scalars(select(Lot)).all()
    expected = {
        item.id
        for item in all_lots
        if any(
            needle in (value or "").lower()
            for value in (item.title_ru, item.title_kk, item.title_en, item.number, item.goal_ru)
        )
    }
    assert lot.id in expected
    response = client.get("/lots/", query_string={"q": q, "lang": "en"})
    assert response.status_code == 200
    assert registry_total(response) == len(expected), f"search for {q!r}"
    shown = lot_ids_in(response)
    assert set(shown) <= expected
    if len(expected) <= PER_PAGE:
        assert lot.id in shown


def test_registry_search_in_kazakh(client):
    lot = db.session.scalar(select(Lot).where(Lot.title_kk.isnot(None)).order_by(Lot.id).limit(1))
    assert lot is not None
    words = re.findall(r"\w{5,}", lot.title_kk)
    kazakh = [w for w in words if re.search(r"[ӘәҒғҚқҢңӨөҰұҮүІіҺһ]", w)] or words
    q = kazakh[0].upper()
    response = client.get("/lots/", query_string={"q": q, "lang": "kk"})
    assert response.status_code == 200
    expected = {
        item.id
        for item in db.session.scalars(select(Lot)).all()
        if any(
            q.lower() in (v or "").lower()
            for v in (item.title_ru, item.title_kk, item.title_en, item.number, item.goal_ru)
        )
    }
    assert lot.id in expected
    assert set(lot_ids_in(response)) <= expected
    assert lot_ids_in(response), f"nothing found for {q!r}"


@pytest.mark.parametrize("status", [s.value for s in LotStatus])
def test_registry_filter_by_status(client, status):
    expected = db.session.scalars(
        select(Lot.id)
        .where(Lot.status == LotStatus(status))
        .order_by(Lot.year.desc(), *number_order(Lot.number), Lot.id)
    ).all()
    response = client.get("/lots/", query_string={"status": status, "lang": "en"})
    assert response.status_code == 200
    assert lot_ids_in(response) == list(expected[:PER_PAGE])
    assert registry_total(response) == len(expected)


def test_registry_status_filter_is_exercised_by_the_demo():
    statuses = set(db.session.scalars(select(Lot.status).distinct()).all())
    assert len(statuses) >= 2, "the demo lots should not all share one status"


def test_registry_search_treats_like_wildcards_as_text(client):
    """q is matched as text: "%" or "_" must not match every lot."""
    for q in ("%", "_"):
        expected = sum(
            1
            for item in db.session.scalars(select(Lot)).all()
            if any(
                q in (v or "")
                for v in (item.title_ru, item.title_kk, item.title_en, item.number, item.goal_ru)
            )
        )
        response = client.get("/lots/", query_string={"q": q, "lang": "en"})
        assert response.status_code == 200
        assert registry_total(response) == expected, (
            f"q={q!r} found {registry_total(response)} lots, {expected} contain it: LIKE wildcards are not escaped"
        )


def test_registry_pagination(client):
    ordered = db.session.scalars(
        select(Lot.id).order_by(Lot.year.desc(), *number_order(Lot.number), Lot.id)
    ).all()
    assert len(ordered) > PER_PAGE, "the demo needs more than one page of lots"
    first = client.get("/lots/")
    second = client.get("/lots/", query_string={"page": 2})
    assert second.status_code == 200
    assert lot_ids_in(first) == list(ordered[:PER_PAGE])
    assert lot_ids_in(second) == list(ordered[PER_PAGE : 2 * PER_PAGE])
    assert not set(lot_ids_in(first)) & set(lot_ids_in(second))
    assert 'href="/lots/?page=2"' in first.get_data(as_text=True)


def test_registry_pagination_keeps_the_filters(client):
    response = client.get("/lots/", query_string={"status": "completed", "year": astana_year_with_lots()})
    page = response.get_data(as_text=True)
    for link in re.findall(r'class="page-link" href="([^"#]+)"', page):
        assert "status=completed" in link


@pytest.mark.parametrize(
    "args",
    [
        {"year": "abc"},
        {"page": "abc"},
        {"page": "0"},
        {"page": "-1"},
        {"page": "99999"},
        {"status": "bogus"},
        {"region": "'; DROP TABLE lots; --"},
        {"q": "%_\\"},
        {"q": "x" * 1000},
        {"per_page": "100000"},
    ],
)
def test_registry_survives_odd_arguments(client, args):
    response = client.get("/lots/", query_string=args)
    assert response.status_code == 200, args


# --- health -------------------------------------------------------------------------------


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["lots"] == db.session.scalar(select(func.count()).select_from(Lot))


@pytest.mark.parametrize("path", ["/lots/", "/needs/", "/organisations/", "/admin/outbox/"])
def test_a_page_number_past_any_list_is_404_not_a_crash(login_as, path):
    client = login_as("admin")
    assert client.get(f"{path}?page=99999999999999999999").status_code == 404
    assert client.get(f"{path}?page=2").status_code == 200
