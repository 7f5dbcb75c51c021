"""GET /api/v1/stats (docs/api.md#statistics): the figures per region, administrator, sphere and year
equal what GET /api/v1/lots and GET /api/v1/lots/<id> say about the same lots, grouped the same way."""

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from sqlalchemy import select

from grants.councils.models import MonitoringGroup
from grants.lots.models import Lot, LotStatus, Sphere
from grants.monitoring.defaults import LOT_RELEVANCE, PROJECT_EFFECTIVENESS
from grants.monitoring.models import Campaign, CampaignStatus, Evaluation, EvaluationState, SubjectKind
from grants.organisations.models import Organisation, OrganisationKind
from grants.projects.models import Project, ProjectStatus
from grants.regions.models import Region
from tests.api.evaluation_fixtures import methodology
from tests.helpers import assert_error

YEAR, OTHER_YEAR = 2031, 2032  # no demo lot has these years
ADMIN_BINS = ("310340099901", "310340099902")
NGO_BIN = "310440099903"


def _org(db, bin_: str, kind: OrganisationKind, name: str) -> Organisation:
    org = Organisation(bin=bin_, kind=kind, name_ru=f"{name} (ru)", name_kk=f"{name} (kk)", name_en=name)
    db.session.add(org)
    return org


@pytest.fixture
def world(db):
    """Lots of two years in three regions, of two administrators, in two spheres and with none; projects
    (one terminated); published and unpublished evaluations of projects and lots."""
    regions = db.session.scalars(select(Region).order_by(Region.kato).limit(3)).all()
    spheres = db.session.scalars(select(Sphere).order_by(Sphere.code).limit(2)).all()
    assert len(regions) == 3 and len(spheres) == 2
    admins = [_org(db, b, OrganisationKind.government, f"Stats administrator {b}") for b in ADMIN_BINS]
    ngo = _org(db, NGO_BIN, OrganisationKind.ngo, "Stats NGO")
    db.session.flush()

    plan = [  # (year, region, administrator, sphere or None, budget)
        (YEAR, 0, 0, 0, "1000000.00"),
        (YEAR, 0, 1, 1, "2500000.50"),
        (YEAR, 1, 0, None, "700000.00"),
        (YEAR, 1, 1, 0, "3300000.00"),
        (YEAR, 2, 0, 1, "150000.25"),
        (YEAR, 2, 1, None, "990000.00"),
        (OTHER_YEAR, 0, 0, 0, "4000000.00"),
        (OTHER_YEAR, 1, 0, 1, "1200000.00"),
    ]
    lots = []
    for i, (year, r, a, s, budget) in enumerate(plan):
        lots.append(
            Lot(
                number=f"STATS-{i + 1}",
                year=year,
                title_ru=f"Лот статистики {i + 1}",
                title_kk=f"Статистика лоты {i + 1}",
                title_en=f"Statistics lot {i + 1}",
                administrator_id=admins[a].id,
                region_id=regions[r].id,
                sphere_id=None if s is None else spheres[s].id,
                budget=Decimal(budget),
                status=LotStatus.in_implementation,
            )
        )
    db.session.add_all(lots)
    db.session.flush()

    def project(lot, n, amount, status=ProjectStatus.in_implementation):
        item = Project(
            lot_id=lot.id,
            ngo_id=ngo.id,
            contract_number=f"STATS-C-{n}",
            contract_date=date(lot.year, 1, 20),
            amount=Decimal(amount),
            start_date=date(lot.year, 2, 1),
            end_date=date(lot.year, 12, 1),
            status=status,
        )
        db.session.add(item)
        return item

    projects = [
        project(lots[0], 1, "950000.00"),
        project(lots[1], 2, "2400000.10"),
        project(lots[1], 3, "100000.00", ProjectStatus.terminated),  # binds no budget any more
        project(lots[3], 4, "3000000.00", ProjectStatus.completed),
        project(lots[5], 5, "900000.00"),
        project(lots[6], 6, "3900000.00"),
    ]
    db.session.flush()

    group = db.session.scalar(select(MonitoringGroup).order_by(MonitoringGroup.id).limit(1))
    project_method, lot_method = methodology(PROJECT_EFFECTIVENESS), methodology(LOT_RELEVANCE)
    campaign = Campaign(
        name_ru="Кампания статистики",
        name_kk="Статистика науқаны",
        name_en="Statistics campaign",
        organiser_id=admins[0].id,
        period_start=date(YEAR, 1, 1),
        period_end=date(YEAR + 1, 12, 31),
        scoring_deadline=date(YEAR, 6, 1),
        status=CampaignStatus.running,
    )
    db.session.add(campaign)
    db.session.flush()
    published_at = datetime(2026, 1, 10, tzinfo=UTC)

    def evaluation(subject, index, band=None, published=True):
        is_project = isinstance(subject, Project)
        db.session.add(
            Evaluation(
                subject_key=f"{'project' if is_project else 'lot'}:{subject.id}",
                campaign_id=campaign.id,
                group_id=group.id,
                kind=SubjectKind.project if is_project else SubjectKind.lot,
                project_id=subject.id if is_project else None,
                lot_id=subject.lot_id if is_project else subject.id,
                methodology_id=(project_method if is_project else lot_method).id,
                state=EvaluationState.published if published else EvaluationState.accepted,
                deadline=date(YEAR, 6, 1),
                index_value=None if index is None else Decimal(index),
                band=band,
                published_at=published_at + timedelta(days=subject.id % 7) if published else None,
            )
        )

    evaluation(projects[0], "91.3", "highly_effective")
    evaluation(projects[1], "72.0", "effective")
    evaluation(projects[2], "40.1", "ineffective")  # the terminated project's result still counts
    evaluation(projects[3], "66.6", "partially_effective", published=False)  # not public: left out
    evaluation(projects[4], "55.5", "partially_effective")
    evaluation(projects[5], "88.8", "highly_effective")
    evaluation(lots[0], "80.0")
    evaluation(lots[2], "63.4")
    evaluation(lots[3], "99.9", published=False)
    evaluation(lots[4], "45.0")
    evaluation(lots[6], "70.1")
    db.session.commit()
    return {"regions": regions, "spheres": spheres, "lots": lots}


# --- what the lots API says ------------------------------------------------------------------------


def lot_items(client, query: str) -> list[dict]:
    """Every lot of GET /api/v1/lots?query, walking all pages."""
    items, page = [], 1
    while True:
        response = client.get(f"/api/v1/lots?{query}&per_page=100&page={page}")
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        items += body["items"]
        if page >= body["pages"]:
            return items
        page += 1


def mean(values: list[Decimal]) -> str | None:
    if not values:
        return None
    return str((sum(values) / len(values)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def group_key(item: dict, group_by: str) -> str | None:
    if group_by == "region":
        return item["region"]["kato"]
    if group_by == "administrator":
        return item["administrator"]["bin"]
    if group_by == "sphere":
        return item["sphere"]["code"] if item["sphere"] else None
    return str(item["year"])


def expected_figures(client, query: str, group_by: str) -> tuple[dict, dict]:
    """Per group key and in total: the figures computed from the lots API alone (list and details)."""
    raw: dict = defaultdict(lambda: {"lots": 0, "budget": Decimal(0), "contracted": Decimal(0),
                                     "projects": 0, "published": 0, "index": [], "relevance": [],
                                     "bands": defaultdict(int)})  # fmt: skip
    for item in lot_items(client, query):
        detail = client.get(item["url"]).get_json()
        for target in (raw[group_key(item, group_by)], raw["__total__"]):
            target["lots"] += 1
            target["budget"] += Decimal(item["budget"])
            for p in detail["projects"]:
                target["projects"] += 1
                if p["status"] != "terminated":
                    target["contracted"] += Decimal(p["amount"])
            for result in detail["results"]:
                target["published"] += 1
                if result["index"] is None:
                    continue
                if result["kind"] == "project":
                    target["index"].append(Decimal(result["index"]))
                    if result["band"]:
                        target["bands"][result["band"]["code"]] += 1
                else:
                    target["relevance"].append(Decimal(result["index"]))

    def figures(g: dict) -> dict:
        return {
            "lots": g["lots"],
            "budget": f"{g['budget']:.2f}",
            "contracted": f"{g['contracted']:.2f}",
            "projects": g["projects"],
            "published_evaluations": g["published"],
            "mean_index": mean(g["index"]),
            "bands": dict(g["bands"]),
            "mean_relevance": mean(g["relevance"]),
        }

    total = figures(raw.pop("__total__"))
    return {key: figures(g) for key, g in raw.items()}, total


FIGURES = (
    "lots",
    "budget",
    "contracted",
    "projects",
    "published_evaluations",
    "mean_index",
    "bands",
    "mean_relevance",
)


def stats(client, query: str) -> dict:
    response = client.get(f"/api/v1/stats?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.mark.parametrize("group_by", ["region", "administrator", "sphere", "year"])
def test_figures_equal_the_lots_api_for_the_year(client, world, group_by):
    body = stats(client, f"group_by={group_by}&year={YEAR}")
    groups, total = expected_figures(client, f"year={YEAR}", group_by)
    assert body["group_by"] == group_by and body["filters"] == {"year": YEAR}
    assert {k: body["totals"][k] for k in FIGURES} == total
    assert {g["key"]: {k: g[k] for k in FIGURES} for g in body["groups"]} == groups
    assert len(body["groups"]) == len(groups)  # one row per key
    # the additive figures of the groups add up to the totals
    assert sum(g["lots"] for g in body["groups"]) == body["totals"]["lots"]
    assert sum(Decimal(g["budget"]) for g in body["groups"]) == Decimal(body["totals"]["budget"])
    assert sum(Decimal(g["contracted"]) for g in body["groups"]) == Decimal(body["totals"]["contracted"])


def test_the_data_covers_what_the_figures_must_handle(client, world):
    """Guards the test above: its data has unpublished results, a terminated contract, no sphere."""
    body = stats(client, f"group_by=sphere&year={YEAR}")
    totals = body["totals"]
    assert totals["lots"] == 6
    assert totals["budget"] == "8640000.75"
    assert totals["contracted"] == "7250000.10"  # the terminated 100000.00 left out, completed 3000000 in
    assert totals["projects"] == 5
    assert totals["published_evaluations"] == 7  # 4 projects + 3 lots; 2 unpublished left out
    assert totals["mean_index"] == "64.7"  # (91.3 + 72.0 + 40.1 + 55.5) / 4 = 64.725
    assert totals["bands"] == {
        "highly_effective": 1,
        "effective": 1,
        "ineffective": 1,
        "partially_effective": 1,
    }
    assert totals["mean_relevance"] == "62.8"  # (80.0 + 63.4 + 45.0) / 3
    no_sphere = [g for g in body["groups"] if g["key"] is None]
    assert len(no_sphere) == 1 and no_sphere[0]["lots"] == 2
    assert body["groups"][-1]["key"] is None  # listed last
    assert no_sphere[0]["name"] == "Направление не указано"  # the default language is Russian
    in_english = stats(client, f"group_by=sphere&year={YEAR}&lang=en")["groups"][-1]
    assert in_english["key"] is None and in_english["name"] == "No sphere"


def test_names_come_in_every_language_and_the_request_language(client, world):
    region = world["regions"][0]
    body = stats(client, f"group_by=region&year={YEAR}&lang=kk")
    row = next(g for g in body["groups"] if g["key"] == region.kato)
    assert (row["name"], row["name_ru"], row["name_kk"]) == (region.name_kk, region.name_ru, region.name_kk)
    body = stats(client, f"group_by=administrator&year={YEAR}&lang=en")
    row = next(g for g in body["groups"] if g["key"] == ADMIN_BINS[0])
    assert row["name"] == f"Stats administrator {ADMIN_BINS[0]}"
    assert row["name_ru"] == f"Stats administrator {ADMIN_BINS[0]} (ru)"
    years = stats(client, f"group_by=year&administrator={ADMIN_BINS[0]}")
    assert [g["key"] for g in years["groups"]] == [str(OTHER_YEAR), str(YEAR)]  # newest first
    assert years["groups"][0]["name"] == str(OTHER_YEAR)


@pytest.mark.parametrize(
    "query",
    [
        f"group_by=year&administrator={ADMIN_BINS[0]}",  # both years of one administrator
        "group_by=sphere&region={kato}",  # a region over every year, demo lots included
        f"group_by=administrator&year={OTHER_YEAR}&sphere={{sphere}}",
    ],
)
def test_other_filters_keep_the_same_lots_as_the_lots_api(client, world, query):
    query = query.format(kato=world["regions"][1].kato, sphere=world["spheres"][1].code)
    group_by = query.split("&")[0].split("=")[1]
    lots_query = query.split("&", 1)[1]
    body = stats(client, query)
    groups, total = expected_figures(client, lots_query, group_by)
    assert body["totals"]["lots"] > 0
    assert {k: body["totals"][k] for k in FIGURES} == total
    assert {g["key"]: {k: g[k] for k in FIGURES} for g in body["groups"]} == groups


def test_no_lots_give_zero_totals(client, world):
    body = stats(client, "group_by=region&year=2099")
    assert body["groups"] == []
    assert body["totals"] == {
        "lots": 0,
        "budget": "0.00",
        "contracted": "0.00",
        "projects": 0,
        "published_evaluations": 0,
        "mean_index": None,
        "bands": {},
        "mean_relevance": None,
    }


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ("", {"group_by"}),
        ("group_by=ngo", {"group_by"}),
        ("group_by=region&year=abc", {"year"}),
        ("group_by=nope&year=20x5&region=71", {"group_by", "year", "region"}),
        ("group_by=sphere&council=0", {"council"}),
    ],
)
def test_bad_parameters_answer_422_naming_them(client, query, fields):
    error = assert_error(client.get(f"/api/v1/stats?{query}"), 422)
    assert set(error["fields"]) == fields


def test_openapi_document_lists_stats(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/stats"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(parameters) >= {"group_by", "year", "region", "administrator", "sphere", "council"}
    assert parameters["group_by"]["required"] is True
    assert parameters["group_by"]["schema"]["enum"] == ["region", "administrator", "sphere", "year"]
    assert parameters["region"]["schema"]["pattern"] == r"^[0-9]{9}$"
    assert "422" in operation["responses"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1]
    properties = document["components"]["schemas"][name]["properties"]
    assert {"groups", "totals", "group_by"} <= set(properties)
