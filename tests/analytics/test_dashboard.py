"""The analytics dashboard (docs/analytics.md#dashboard): its panels in every language, its CSV and PDF
against the page's tables, who sees unpublished figures, the filters, and bad filters."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from grants.analytics.dashboard import PANELS, agreement, build, score_scope
from grants.analytics.filters import AnalyticsFilters
from grants.cooperation.models import Recommendation, RecommendationStatus
from grants.core.formatting import money, number
from grants.councils.models import Council, MonitoringGroup
from grants.lots.models import Lot, Sphere
from grants.monitoring.models import (
    Campaign,
    CampaignStatus,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
)
from grants.monitoring.results import campaign_alpha, evaluation_result, store_agreement
from grants.monitoring.rules import band
from grants.organisations.models import Organisation
from grants.projects.models import Indicator, Project
from grants.regions.models import Region
from grants.replies.models import Reply, Ruling
from grants.scoring.models import Score, Scorecard
from tests.factories import ASTANA_KATO, ngo
from tests.helpers import login, pdf_text, user

YEAR = 2031  # no demo lot has this year: the filter year=2031 shows only this test's data
MEMBERS = ("member1", "member2", "member3")
# per evaluation, the scores of the three members on each criterion (k: the criterion's position)
SCORES = {0: lambda k: (4, 5, 3), 1: lambda k: (2 + k % 3, 3, 4), 2: lambda k: (5, 5, 4 - k % 2)}


def latest(code: str, db) -> Methodology:
    return db.session.scalar(
        select(Methodology).where(Methodology.code == code).order_by(Methodology.version.desc())
    )


def _evaluation(db, campaign, group, methodology, subject, state, index, n) -> Evaluation:
    is_project = isinstance(subject, Project)
    evaluation = Evaluation(
        campaign=campaign,
        group_id=group.id,
        kind=SubjectKind.project if is_project else SubjectKind.lot,
        subject_key=f"{'project' if is_project else 'lot'}:{subject.id}",
        project_id=subject.id if is_project else None,
        lot_id=subject.lot_id if is_project else subject.id,
        methodology=methodology,
        state=state,
        deadline=campaign.scoring_deadline,
        index_value=index,
        band=band(index, methodology.band_pairs()),
    )
    db.session.add(evaluation)
    for m, who in enumerate(MEMBERS):
        card = Scorecard(member_id=user(who).id, conflict_of_interest=False, submitted_at=datetime.now(UTC))
        card.scores = [
            Score(criterion_code=c, score=SCORES[n](k)[m]) for k, c in enumerate(methodology.codes)
        ]
        evaluation.scorecards.append(card)
    store_agreement(evaluation, evaluation_result(evaluation).agreement)  # as finalize stores them
    return evaluation


@pytest.fixture
def world(db):
    """Lots of YEAR in Astana and another region, two contracts, indicators, a campaign of the demo
    ministry user's organisation with a published and an in-review project evaluation and a published
    lot evaluation, ruled and pending replies, and published recommendations of a demo council."""
    ministry = user("ministry")
    astana = db.session.scalar(select(Region).where(Region.kato == ASTANA_KATO))
    other = db.session.scalar(select(Region).where(Region.kato != ASTANA_KATO).order_by(Region.id))
    sphere = db.session.scalar(select(Sphere).order_by(Sphere.id))
    administrator = db.session.get(Organisation, ministry.organisation_id)

    def lot(number, region, budget, with_sphere=True):
        item = Lot(
            number=f"DASH-{number}",
            year=YEAR,
            title_ru=f"Лот панели {number}",
            title_kk=f"Панель лоты {number}",
            title_en=f"Dashboard lot {number}",
            administrator_id=administrator.id,
            region_id=region.id,
            sphere_id=sphere.id if with_sphere else None,
            budget=Decimal(budget),
        )
        db.session.add(item)
        return item

    l1 = lot(1, astana, "1000000.00")
    l2 = lot(2, other, "2500000.50")
    l3 = lot(3, astana, "400000.00", with_sphere=False)
    db.session.flush()

    def project(number, lot_, amount):
        item = Project(
            lot_id=lot_.id,
            ngo_id=ngo().id,
            contract_number=f"DASH-C-{number}",
            contract_date=date(YEAR, 2, 1),
            amount=Decimal(amount),
            start_date=date(YEAR, 2, 1),
            end_date=date(YEAR, 12, 1),
            title_ru=f"Проект панели {number}",
        )
        db.session.add(item)
        return item

    p1, p2 = project(1, l1, "900000.00"), project(2, l2, "2000000.00")
    db.session.flush()
    for position, (target, actual) in enumerate([("100", "120"), ("50", "25"), ("10", None)]):
        db.session.add(
            Indicator(
                project_id=p1.id,
                position=position,
                name_ru=f"Показатель {position}",
                target=Decimal(target),
                actual=Decimal(actual) if actual else None,
            )
        )
    group = db.session.scalar(select(MonitoringGroup).where(MonitoringGroup.chair_id == user("chair").id))
    today = date.today()
    campaign = Campaign(
        name_ru="Мониторинг для панели (тест)",
        name_kk="Панельге арналған мониторинг (сынақ)",
        name_en="Dashboard monitoring test",
        organiser_id=ministry.organisation_id,
        period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=30),
        scoring_deadline=today + timedelta(days=5),
        project_methodology=latest("project_effectiveness", db),
        lot_methodology=latest("lot_relevance", db),
        status=CampaignStatus.running,
    )
    campaign.groups = [group]
    db.session.add(campaign)
    pm, lm = campaign.project_methodology, campaign.lot_methodology
    e1 = _evaluation(db, campaign, group, pm, p1, EvaluationState.published, Decimal("85.0"), 0)
    e2 = _evaluation(db, campaign, group, pm, p2, EvaluationState.in_review, Decimal("55.0"), 1)
    e3 = _evaluation(db, campaign, group, lm, l1, EvaluationState.published, Decimal("72.5"), 2)
    db.session.flush()
    author = user("ngo")
    for ruling in (Ruling.accepted, Ruling.rejected, Ruling.rejected, None):
        db.session.add(
            Reply(
                evaluation_id=e1.id,
                organisation_id=p1.ngo_id,
                author_id=author.id,
                criterion_code=pm.codes[0],
                text="Замечание",
                ruling=ruling,
            )
        )
    council = db.session.scalar(select(Council).where(Council.secretary_id == user("secretary").id))
    sent = datetime(YEAR, 3, 1, 6, tzinfo=UTC)
    for status, due, responded in (
        (RecommendationStatus.sent, date(2020, 1, 1), None),  # overdue
        (RecommendationStatus.answered, date(2020, 1, 1), sent),
        (RecommendationStatus.sent, None, None),
        (RecommendationStatus.sent, date(2020, 1, 1), "unpublished"),  # seen by the council's people only
        (RecommendationStatus.draft, date(2020, 1, 1), "unpublished"),  # never counted
    ):
        db.session.add(
            Recommendation(
                council_id=council.id,
                addressee_id=administrator.id,
                text="Рекомендация панели",
                status=status,
                due_date=due,
                sent_at=sent,
                published_at=None if responded == "unpublished" else sent,
                responded_at=None if responded == "unpublished" else responded,
                response="Ответ" if responded and responded != "unpublished" else None,
            )
        )
    db.session.commit()
    return {"lots": (l1, l2, l3), "evaluations": (e1, e2, e3), "campaign": campaign, "astana": astana}


# --- reading the page -----------------------------------------------------------------------------


class Tables(HTMLParser):
    """The cells of every <table data-panel-table="…"> as text, and which panels hold an <svg role=img>
    with a <title>."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.svgs: set[str] = set()
        self.panel = None
        self.table = None
        self.cell = None
        self.in_svg_title = False
        self.svg_title = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-panel" in attrs:
            self.panel = attrs["data-panel"]
        elif tag == "svg" and attrs.get("role") == "img":
            self.svg_title = ""
        elif tag == "title" and self.panel:
            self.in_svg_title = True
        elif tag == "table" and "data-panel-table" in attrs:
            self.table = self.tables.setdefault(attrs["data-panel-table"], [])
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "title" and self.in_svg_title:
            self.in_svg_title = False
            if self.svg_title.strip():
                self.svgs.add(self.panel)
        elif tag in ("td", "th") and self.cell is not None:
            self.table[-1].append(re.sub(r"[ \t\r\n]+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.in_svg_title:
            self.svg_title += data


def tables_of(response) -> Tables:
    parser = Tables()
    parser.feed(response.get_data(as_text=True))
    return parser


def csv_rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def page(client, **args):
    response = client.get("/analytics/", query_string={"year": YEAR, **args})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return tables_of(response)


# --- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_panel_has_its_chart_and_table_in_every_language(client, world, lang):
    response = client.get("/analytics/", query_string={"year": YEAR, "lang": lang})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}"' in html
    parsed = tables_of(response)
    assert parsed.svgs == set(PANELS)
    assert set(parsed.tables) == set(PANELS)
    for key in PANELS:
        assert f'href="/analytics/{key}.csv?year={YEAR}' in html
    budget = parsed.tables["spheres"][-1]  # the total row
    assert budget[1:] == [
        number(3, lang),
        money(Decimal("3900000.50"), lang),
        money(Decimal("2900000.00"), lang),
    ]
    for code in ("kk", "ru", "en"):
        assert f"/analytics/report.pdf?lang={code}&amp;year={YEAR}" in html


def test_the_figures_are_those_of_the_data(client, world):
    tables = page(client, lang="en").tables
    assert tables["regions"][1:] != []  # header, two regions, total
    by_name = {row[0]: row[1:] for row in tables["regions"][1:]}
    astana = world["astana"].localized("name", "en")
    assert by_name[astana] == ["2", "₸1,400,000.00", "₸900,000.00"]
    assert tables["contracted"][1] == [str(YEAR), "₸3,900,000.50", "₸2,900,000.00", "74.4%"]
    effectiveness = dict(tables["effectiveness"][1:])
    assert effectiveness["80–90"] == "1" and effectiveness["50–60"] == "0" and effectiveness["Total"] == "1"
    assert tables["bands"][1:] == [["highly effective", "1"], ["Total", "1"]]
    assert dict(tables["relevance"][1:])["70–80"] == "1"
    assert tables["remarks"][1:] == [[str(YEAR), "3", "2"], ["Total", "3", "2"]]
    assert tables["indicators"][1] == [str(YEAR), "3", "2", "1", "85%"]
    recommendations = tables["recommendations"][-1]
    assert recommendations[1:] == ["3", "1", "1"]


@pytest.mark.parametrize("panel", ["spheres", "contracted", "bands", "indicators"])
def test_csv_holds_the_figures_of_the_page(client, world, panel):
    shown = page(client, lang="ru").tables[panel]
    response = client.get(f"/analytics/{panel}.csv", query_string={"year": YEAR, "lang": "ru"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert rows[0] == shown[0]  # the same headers
    assert len(rows) == len(shown)
    kinds = {"spheres": "tnmm", "contracted": "tmmp", "bands": "tn", "indicators": "tnnnp"}[panel]
    for csv_row, page_row in zip(rows[1:], shown[1:], strict=True):
        for kind, raw, cell in zip(kinds, csv_row, page_row, strict=True):
            if kind == "t":
                assert raw == cell
            elif kind == "n":
                assert number(int(raw), "ru") == cell
            elif kind == "m":
                assert re.fullmatch(r"[0-9]+\.[0-9]{2}", raw) and money(Decimal(raw), "ru") == cell
            else:  # a percentage with one decimal, as the page prints it
                assert flat(cell) in (f"{raw.replace('.', ',')} %", f"{raw.replace('.0', '')} %")


def test_pdf_holds_the_figures_of_the_page(client, world, reports_in_all_languages):
    for lang in ("ru", "en"):
        tables = page(client, lang=lang).tables
        response = client.get("/analytics/report.pdf", query_string={"year": YEAR, "lang": lang})
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = flat(pdf_text(response.get_data()))
        assert str(YEAR) in text
        for panel in ("spheres", "contracted", "remarks", "indicators"):
            for row in tables[panel][1:]:
                for cell in row[1:]:
                    assert flat(cell) in text, (lang, panel, cell)
    assert "Budget by sphere" in text and "Filters" in text and "Year: 2031" in text


def test_anonymous_readers_see_published_figures_only(client, world):
    total = dict(page(client, lang="en").tables["effectiveness"][1:])["Total"]
    assert total == "1"
    html = client.get("/analytics/", query_string={"year": YEAR}).get_data(as_text=True)
    assert "data-includes-unpublished" not in html
    rows = csv_rows(client.get("/analytics/effectiveness.csv", query_string={"year": YEAR}))
    assert dict(r[:2] for r in rows[1:])["50–60"] == "0"


def test_the_campaigns_ministry_user_sees_its_evaluation_in_review_marked(client, world):
    login(client, user("ministry").email)
    response = client.get("/analytics/", query_string={"year": YEAR, "lang": "en"})
    html = response.get_data(as_text=True)
    assert "data-includes-unpublished" in html and "data-unpublished-badge" in html
    assert response.headers["Cache-Control"] == "private, no-store"
    effectiveness = dict(tables_of(response).tables["effectiveness"][1:])
    assert effectiveness["50–60"] == "1" and effectiveness["Total"] == "2"
    rows = csv_rows(client.get("/analytics/effectiveness.csv", query_string={"year": YEAR}))
    assert dict(r[:2] for r in rows[1:])["50–60"] == "1"
    pdf = flat(
        pdf_text(client.get("/analytics/report.pdf", query_string={"year": YEAR, "lang": "en"}).get_data())
    )
    assert "Including unpublished" in pdf


def test_filters_change_the_figures(client, world):
    everything = page(client, lang="en").tables["spheres"][-1]
    astana = page(client, lang="en", region=ASTANA_KATO).tables["spheres"][-1]
    assert everything[1] == "3" and astana[1] == "2"
    assert astana[2] == "₸1,400,000.00"
    other_year = page(client, lang="en", year=YEAR + 1).tables
    assert other_year["spheres"][-1][1] == "0"
    assert dict(other_year["effectiveness"][1:])["Total"] == "0"
    assert page(client, lang="en", region=ASTANA_KATO).tables["remarks"][1:] == [
        [str(YEAR), "3", "2"],
        ["Total", "3", "2"],
    ]
    other_region = page(client, lang="en", region=world["lots"][1].region.kato).tables
    assert other_region["remarks"][-1] == ["Total", "0", "0"]
    assert dict(other_region["effectiveness"][1:])["Total"] == "0"


@pytest.mark.parametrize(
    "args",
    [
        {"year": "abc"},
        {"year": "0999"},
        {"region": "71"},
        {"administrator": "x" * 300},
        {"sphere": "<script>"},
        {"council": "0"},
        {"council": "99999999999999999999"},
        {"year": "2031", "region": "abc"},
    ],
)
def test_bad_filters_re_render_the_page_with_the_messages(client, args):
    response = client.get("/analytics/", query_string={**args, "lang": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "data-filter-errors" in html and "<form" in html
    for url in ("/analytics/spheres.csv", "/analytics/report.pdf"):
        assert client.get(url, query_string=args).status_code == 422


@pytest.mark.parametrize("year", ["1000", "1901", "9999"])
def test_unknown_but_well_formed_filters_show_empty_figures(client, year):
    args = {"year": year, "council": "987654321", "region": "999999999", "administrator": "0" * 12}
    response = client.get("/analytics/", query_string=args)
    assert response.status_code == 200
    assert tables_of(response).tables["spheres"][-1][1] == "0"
    for url in ("/analytics/recommendations.csv", "/analytics/report.pdf"):
        assert client.get(url, query_string=args).status_code == 200


def test_agreement_in_sql_is_campaign_alpha(app, world):
    campaign = world["campaign"]
    filters = AnalyticsFilters(year=YEAR)
    for who, states in ((AnonymousUserMixin(), {EvaluationState.published}), (user("ministry"), None)):
        scope = score_scope(who)
        found = {(a.campaign.id, a.kind): a for a in agreement(filters.lot_ids().scalar_subquery(), scope)}
        for kind in SubjectKind:
            evaluations = [
                e for e in campaign.evaluations if e.kind == kind and (states is None or e.state in states)
            ]
            expected = campaign_alpha(evaluations, kind)
            got = found[(campaign.id, kind)]
            assert got.evaluations == len(evaluations)
            assert got.alpha == pytest.approx(expected, abs=1e-9)


def test_a_bounded_number_of_queries(app, world):
    """The dashboard's queries do not grow with the data: the same count for one year and for all."""
    from sqlalchemy import event

    from grants.extensions import db

    counts = []
    for filters in (AnalyticsFilters(year=YEAR), AnalyticsFilters()):
        seen = []

        def count(*_args, _seen=seen):
            _seen.append(1)

        engine = db.session.get_bind()
        event.listen(engine, "before_cursor_execute", count)
        try:
            with app.test_request_context("/?lang=en"):
                build(filters, user("ministry"), "en")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(seen))
    # a lookup of names is skipped when a panel is empty: the counts differ by those few at most
    assert max(counts) <= 30 and abs(counts[0] - counts[1]) <= 3


def test_unpublished_recommendations_count_for_the_councils_people_only(client, world):
    assert page(client, lang="en").tables["recommendations"][-1] == ["Total", "3", "1", "1"]
    login(client, user("secretary").email)
    response = client.get("/analytics/", query_string={"year": YEAR, "lang": "en"})
    assert tables_of(response).tables["recommendations"][-1] == ["Total", "4", "1", "2"]
    assert "data-includes-unpublished" in response.get_data(as_text=True)
    rows = csv_rows(client.get("/analytics/recommendations.csv", query_string={"year": YEAR, "lang": "en"}))
    assert rows[-1] == ["Total", "4", "1", "2"]


def test_the_new_charts_escape_their_texts_and_carry_a_title():
    from grants.core.charts import fluid, grouped_bars, histogram

    bars = grouped_bars([("<b>x</b>", [(5.0, "5 & 6"), (None, "—")])], ["A<", "B"], maximum=10, title="T&")
    assert bars.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    assert "<title>T&amp;</title>" in bars and "&lt;b&gt;x&lt;/b&gt;" in bars and "5 &amp; 6" in bars
    assert "A&lt;" in bars and "<b>" not in bars
    columns = histogram([("0–10", 0), ("<10>", 3)], title="H")
    assert "<title>H</title>" in columns and "&lt;10&gt;" in columns and ">3</text>" in columns
    assert 'class="chart img-fluid" role="img"' in fluid(columns)
    assert histogram([], title="empty").count("<rect") == 0
