"""Needs coverage (docs/analytics.md#needs-coverage): every list of the page against data the test
builds, the PDF and XLSX in kk and ru, the demo's Astana page, bad filters, and the lot form warning."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from grants.analytics.coverage import coverage
from grants.analytics.filters import AnalyticsFilters
from grants.councils.models import MonitoringGroup
from grants.extensions import db as _db
from grants.lots.models import Lot, LotNeed
from grants.monitoring.models import (
    Campaign,
    CampaignStatus,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
)
from grants.needs.models import NeedSource, Priority, PublicNeed
from grants.organisations.models import Organisation, OrganisationKind
from grants.regions.models import Region
from tests.factories import ASTANA_KATO, lot_form, ministry, text_of
from tests.helpers import pdf_text, user

YEAR = 2041


def _section(html: str, name: str) -> str:
    start = html.index(f'data-list="{name}"')
    return html[start : html.index("</section>", start)]


def _ids(html: str, attribute: str) -> set[int]:
    return {int(v) for v in re.findall(rf'{attribute}="(\d+)"', html)}


def _free_regions() -> list[Region]:
    """Regions with no need and no lot in the demo, so that the test's data is all they hold."""
    used = select(PublicNeed.region_id).where(PublicNeed.region_id.is_not(None))
    with_lots = select(Lot.region_id)
    regions = _db.session.scalars(
        select(Region).where(~Region.id.in_(used), ~Region.id.in_(with_lots)).order_by(Region.kato)
    ).all()
    assert len(regions) >= 2, "the demo leaves too few regions without needs and lots"
    return list(regions)


class World:
    """The test's own data: needs and lots of region A in YEAR, noise in region B and other years."""

    def __init__(self, db):
        self.a, self.b = _free_regions()[:2]
        self.admin_id = ministry().organisation_id
        self.numbers = 0

        def need(region, year, title, priority=Priority.medium):
            n = PublicNeed(
                title_ru=title,
                title_kk=title.replace("Тест", "Сынақ"),
                title_en=title.replace("Тест", "Test"),
                region_id=region.id if region else None,
                source=NeedSource.survey,
                priority=priority,
                year_raised=year,
            )
            db.session.add(n)
            return n

        def lot(region, year, budget, *needs):
            self.numbers += 1
            item = Lot(
                number=f"COV-{self.numbers:03d}",
                year=year,
                title_ru=f"Тестовый лот покрытия {self.numbers}",
                title_kk=f"Қамтудың сынақ лоты {self.numbers}",
                title_en=f"Coverage test lot {self.numbers}",
                administrator_id=self.admin_id,
                region_id=region.id,
                budget=Decimal(budget),
            )
            item.need_links = [LotNeed(need=n) for n in needs]
            db.session.add(item)
            return item

        # region A, YEAR: a need answered by two lots, one answered in an earlier year only,
        # one raised this year with none, and a topic raised in 2039 and again in YEAR, never answered
        self.answered = need(self.a, YEAR - 1, "Тест: нужда с лотами", Priority.high)
        self.fresh = need(self.a, YEAR, "Тест: новая нужда без лотов")
        self.repeated_old = need(self.a, YEAR - 2, "Тест: повторная нужда")
        self.repeated_new = need(self.a, YEAR, "Тест: повторная нужда")
        self.answered_before = need(self.a, YEAR - 2, "Тест: нужда с лотом прошлого года")
        self.future = need(self.a, YEAR + 1, "Тест: нужда будущего года")
        self.lot1 = lot(self.a, YEAR, "1000000.00", self.answered)
        self.lot2 = lot(self.a, YEAR, "2500000.50", self.answered)
        self.unlinked = lot(self.a, YEAR, "700000.00")
        self.old_lot = lot(self.a, YEAR - 1, "300000.00", self.answered_before)
        self.old_unlinked = lot(self.a, YEAR - 1, "400000.00")
        # region B, YEAR: must not show on A's page
        self.b_need = need(self.b, YEAR - 1, "Тест: нужда другого региона")
        self.b_uncovered = need(self.b, YEAR - 3, "Тест: открытая нужда другого региона")
        self.b_lot = lot(self.b, YEAR, "5000000.00", self.b_need)
        self.b_unlinked = lot(self.b, YEAR, "600000.00")
        db.session.flush()

        # relevance: lot1 has a published index (77.7) and a later unpublished one (12.3);
        # lot2 only an accepted, unpublished one (45.6)
        group = db.session.scalar(select(MonitoringGroup).where(MonitoringGroup.chair_id == user("chair").id))
        methodology = db.session.scalar(
            select(Methodology)
            .where(Methodology.code == "lot_relevance")
            .order_by(Methodology.version.desc())
        )
        today = date.today()

        def campaign(n):
            item = Campaign(
                name_ru=f"Покрытие нужд (тест {n})",
                name_kk=f"Қажеттіліктерді қамту (сынақ {n})",
                organiser_id=self.admin_id,
                period_start=today - timedelta(days=30),
                period_end=today + timedelta(days=30),
                scoring_deadline=today + timedelta(days=10),
                lot_methodology=methodology,
                status=CampaignStatus.running,
            )
            item.groups = [group]
            db.session.add(item)
            return item

        first, second = campaign(1), campaign(2)
        now = datetime.now(UTC)
        for camp, lot_item, state, value, published_at in (
            (first, self.lot1, EvaluationState.published, "77.7", now - timedelta(days=5)),
            (second, self.lot1, EvaluationState.in_review, "12.3", None),
            (first, self.lot2, EvaluationState.accepted, "45.6", None),
        ):
            db.session.add(
                Evaluation(
                    campaign=camp,
                    group_id=group.id,
                    kind=SubjectKind.lot,
                    subject_key=f"lot:{lot_item.id}",
                    lot_id=lot_item.id,
                    methodology=methodology,
                    state=state,
                    deadline=camp.scoring_deadline,
                    index_value=Decimal(value),
                    published_at=published_at,
                )
            )
        db.session.commit()


@pytest.fixture
def world(db) -> World:
    return World(db)


def _page(client, **args) -> str:
    response = client.get("/needs/coverage", query_string=args)
    assert response.status_code == 200
    return text_of(response)


def test_every_list_of_a_region_and_year(client, world):
    w = world
    html = _page(client, year=YEAR, region=w.a.kato, lang="ru")

    needs = _section(html, "needs")
    assert _ids(needs, "data-need") == {
        w.answered.id,
        w.fresh.id,
        w.repeated_old.id,
        w.repeated_new.id,
        w.answered_before.id,
    }
    # the answered need lists exactly its two lots of the year, and their total
    block = needs[needs.index(f'data-need="{w.answered.id}"') :]
    block = block[: block.index("</tbody>")]
    assert _ids(block, "data-lot") == {w.lot1.id, w.lot2.id}
    assert "3 500 000,50" in block.replace("\u00a0", " ")
    # the published index shows, the unpublished ones never do
    assert "77,7" in block and "12,3" not in html and "45,6" not in html
    assert _ids(needs, "data-lot") == {w.lot1.id, w.lot2.id}

    assert _ids(_section(html, "uncovered"), "data-need") == {
        w.fresh.id,
        w.repeated_old.id,
        w.repeated_new.id,
        w.answered_before.id,
    }
    assert _ids(_section(html, "unlinked"), "data-lot") == {w.unlinked.id}
    repeated = _section(html, "repeated")
    assert _ids(repeated, "data-need") == {w.repeated_new.id}  # the topic's latest record
    assert re.search(r"<td>2039</td><td>2041</td>\s*<td[^>]*>2</td><td[^>]*>3</td>", repeated)

    # totals: 3 lots, 2 linked, 1 not; 5 needs, 1 answered
    totals = re.sub(r"\s+", " ", html[html.index("data-totals") :][:2000]).replace("\u00a0", " ")
    assert "5 (" in totals and "1," in totals
    assert "4 200 000,50" in totals  # all lots of A in YEAR
    assert "700 000,00" in totals  # the lot linked to no need

    # another region's or year's data never shows
    for other in (w.b_need, w.b_uncovered, w.future):
        assert f'data-need="{other.id}"' not in html
    for other in (w.b_lot, w.b_unlinked, w.old_lot, w.old_unlinked):
        assert f'data-lot="{other.id}"' not in html


def test_published_relevance_only_for_signed_in_staff_too(client, world, login_as):
    login_as("ministry")
    html = _page(client, year=YEAR, region=world.a.kato, lang="ru")
    assert "77,7" in html and "12,3" not in html and "45,6" not in html


def test_the_country_and_an_earlier_year(client, world):
    w = world
    html = _page(client, year=YEAR, lang="en")
    needs = _ids(_section(html, "needs"), "data-need")
    assert {w.answered.id, w.b_need.id, w.b_uncovered.id} <= needs and w.future.id not in needs
    assert {w.unlinked.id, w.b_unlinked.id} <= _ids(_section(html, "unlinked"), "data-lot")
    assert w.old_unlinked.id not in _ids(html, "data-lot")

    earlier = _page(client, year=YEAR - 1, region=w.a.kato, lang="en")
    assert _ids(_section(earlier, "unlinked"), "data-lot") == {w.old_unlinked.id}
    # in YEAR - 1 the need answered that year is covered; the topic raised in 2039 is repeated
    assert w.answered_before.id not in _ids(_section(earlier, "uncovered"), "data-need")
    assert _ids(_section(earlier, "repeated"), "data-need") == {w.repeated_old.id}


def test_other_filters_narrow_the_lots_and_are_named(client, world):
    w = world
    other = _db.session.scalar(
        select(Organisation).where(
            Organisation.id != w.admin_id, Organisation.kind == OrganisationKind.government
        )
    )
    html = _page(client, year=YEAR, region=w.a.kato, administrator=other.bin, lang="en")
    assert "data-narrowing" in html and other.localized("name", "en") in html
    assert not _ids(html, "data-lot")  # the test's lots are all of another administrator
    assert w.answered.id in _ids(_section(html, "uncovered"), "data-need")
    assert f"administrator={other.bin}" in html  # the downloads keep the filter
    book = load_workbook(
        io.BytesIO(
            client.get(
                "/needs/coverage/report.xlsx",
                query_string={"year": YEAR, "region": w.a.kato, "administrator": other.bin, "lang": "en"},
            ).data
        ),
        read_only=True,
    )
    assert [other.localized("name", "en")] == [
        row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row[0] == "Administrator"
    ]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pdf_and_xlsx_hold_the_same_needs_and_lots(client, world, lang):
    w = world
    args = {"year": YEAR, "region": w.a.kato, "lang": lang}
    response = client.get("/needs/coverage/report.pdf", query_string=args)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", pdf_text(response.data))
    for need in (w.answered, w.fresh, w.repeated_new, w.answered_before):
        assert need.localized("title", lang) in text
    for lot in (w.lot1, w.lot2, w.unlinked):
        assert lot.number in text
    assert w.b_need.localized("title", lang) not in text and w.b_lot.number not in text
    assert "77,7" in text and "12,3" not in text
    assert str(YEAR) in text and w.a.localized("name", lang) in text

    response = client.get("/needs/coverage/report.xlsx", query_string=args)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    summary, needs, uncovered, unlinked, repeated = (
        [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets
    )
    assert summary[2][1] == YEAR and summary[1][1] == w.a.localized("name", lang)
    pairs = {(r[0], r[4]) for r in needs[1:]}
    assert pairs == {
        (w.answered.localized("title", lang), w.lot1.number),
        (w.answered.localized("title", lang), w.lot2.number),
        (w.fresh.localized("title", lang), None),
        (w.repeated_old.localized("title", lang), None),
        (w.repeated_new.localized("title", lang), None),
        (w.answered_before.localized("title", lang), None),
    }
    lot1_row = next(r for r in needs[1:] if r[4] == w.lot1.number)
    assert Decimal(str(lot1_row[6])) == Decimal("1000000") and Decimal(str(lot1_row[7])) == Decimal("77.7")
    assert Decimal(str(lot1_row[8])) == Decimal("3500000.5")
    assert len(uncovered) == 1 + 4
    assert [r[0] for r in unlinked[1:]] == [w.unlinked.number]
    assert [r[0] for r in repeated[1:]] == [w.repeated_new.localized("title", lang)]
    assert repeated[1][2:] == [YEAR - 2, YEAR, 2, 3]


def test_the_demo_astana_page(client):
    html = _page(client, region=ASTANA_KATO, lang="en")
    needs = _section(html, "needs")
    with_lots = [b for b in needs.split("<tbody")[1:] if "data-lot=" in b]
    without = [b for b in needs.split("<tbody")[1:] if "data-lot=" not in b]
    assert with_lots and without
    assert "Teenagers drawn into selling synthetic drugs" in needs
    assert "Gambling addiction and online betting among students" in _section(html, "uncovered")
    assert _ids(_section(html, "unlinked"), "data-lot")
    assert _ids(_section(html, "repeated"), "data-need")
    for lang in ("kk", "ru"):
        other = _page(client, region=ASTANA_KATO, lang=lang)
        assert _ids(_section(other, "needs"), "data-need") == _ids(needs, "data-need")
        assert _ids(_section(other, "unlinked"), "data-lot") == _ids(_section(html, "unlinked"), "data-lot")


@pytest.mark.parametrize(
    "query",
    [
        {"year": "abc"},
        {"region": "123"},
        {"year": "0", "region": "abc"},
        {"region": "999999999"},
        {"year": "20415"},
    ],
)
def test_bad_filters_give_a_page_with_a_message(client, query):
    response = client.get("/needs/coverage", query_string=query)
    assert response.status_code == 200
    assert "data-filter-error" in response.get_data(as_text=True)
    for path in ("/needs/coverage/report.xlsx", "/needs/coverage/report.pdf"):
        assert client.get(path, query_string={**query, "lang": "ru"}).status_code == 200


def test_a_download_in_an_unknown_language_is_not_found(client):
    assert client.get("/needs/coverage/report.pdf?lang=de").status_code == 404
    assert client.get("/needs/coverage/report.xlsx?lang=xx").status_code == 404


def test_a_bounded_number_of_queries(app, world):
    """The same number of queries for a region and for the whole country (which has many more rows)."""
    counts = []
    for region in (world.a.kato, None):
        statements = []

        def count(*args, _statements=statements):
            _statements.append(1)

        engine = _db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            _db.session.expire_all()
            with app.test_request_context("/?lang=ru"):
                coverage(AnalyticsFilters(year=YEAR, region=region))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] <= 15 and counts[1] <= 15, counts


# --- the lot form warns ------------------------------------------------------------------------


def _own_lots():
    lots = _db.session.scalars(
        select(Lot).where(Lot.administrator_id == ministry().organisation_id).order_by(Lot.id)
    ).all()
    return [lot for lot in lots if lot.need_links], [lot for lot in lots if not lot.need_links]


def test_the_lot_form_warns_when_no_need_is_linked(client, login_as):
    linked, unlinked = _own_lots()
    assert linked and unlinked, "the demo ministry user needs lots with and without needs"
    login_as("ministry")
    page = client.get(f"/lots/{unlinked[0].id}/edit").get_data(as_text=True)
    assert re.search(r'class="alert alert-warning" role="status" data-no-need-warning', page)
    assert "data-no-need-warning" not in client.get(f"/lots/{linked[0].id}/edit").get_data(as_text=True)
    assert "data-no-need-warning" in client.get(f"/lots/{unlinked[0].id}").get_data(as_text=True)
    assert "data-no-need-warning" not in client.get(f"/lots/{linked[0].id}").get_data(as_text=True)
    assert "data-no-need-warning" in client.get("/lots/new").get_data(as_text=True)


def test_saving_a_new_lot_without_a_need_warns_but_saves(client, login_as):
    login_as("ministry")
    data = lot_form()
    response = client.post("/lots/new?lang=en", data=data, follow_redirects=True)
    assert response.status_code == 200
    page = text_of(response)
    assert "Lot saved." in page
    assert re.search(r'class="alert alert-warning" role="alert">This lot is linked to no public need', page)
    assert _db.session.scalar(select(Lot.id).where(Lot.number == data["number"], Lot.year == 2031))
