"""The campaign summary report: its numbers against the database, its PDF, and who may download it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from grants.councils.models import MonitoringGroup
from grants.extensions import db as _db
from grants.lots.models import Lot
from grants.monitoring.models import (
    Campaign,
    CampaignStatus,
    Evaluation,
    EvaluationState,
    Methodology,
    SubjectKind,
)
from grants.monitoring.rules import band, round_half_up
from grants.projects.models import Project
from grants.reports.summary import MANAGER_STATES, PUBLIC_STATES, summary_data
from grants.scoring.models import Score, Scorecard
from tests.conftest import login
from tests.helpers import pdf_text, user

# (state, index) cycled over the subjects; scoring and returned evaluations must not be counted.
PLAN = [
    (EvaluationState.in_review, Decimal("83.3")),
    (EvaluationState.accepted, Decimal("91.0")),
    (EvaluationState.published, Decimal("47.5")),
    (EvaluationState.scoring, None),
    (EvaluationState.accepted, Decimal("66.7")),
    (EvaluationState.returned, Decimal("72.0")),
    (EvaluationState.published, Decimal("70.0")),
]
MEMBERS = ("member1", "member2", "member3")


def latest(code: str) -> Methodology:
    return _db.session.scalar(
        select(Methodology).where(Methodology.code == code).order_by(Methodology.version.desc())
    )


def _evaluation(campaign, group, methodology, subject, n: int, member_ids: list[int]) -> Evaluation:
    state, index = PLAN[n % len(PLAN)]
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
        band=band(index, methodology.band_pairs()) if index is not None else None,
    )
    _db.session.add(evaluation)
    for m, member_id in enumerate(member_ids):
        card = Scorecard(member_id=member_id, conflict_of_interest=False, submitted_at=datetime.now(UTC))
        card.scores = [
            Score(criterion_code=c, score=(n + m + k) % 4 + 2) for k, c in enumerate(methodology.codes)
        ]
        evaluation.scorecards.append(card)
    return evaluation


@pytest.fixture
def campaign(db) -> Campaign:
    """A campaign of the demo ministry user's organisation over projects and lots of several regions,
    administrators and spheres (one lot without a sphere), in every state; rolled back afterwards."""
    ministry = user("ministry")
    group = db.session.scalar(select(MonitoringGroup).where(MonitoringGroup.chair_id == user("chair").id))
    today = date.today()
    campaign = Campaign(
        name_ru="Сводный мониторинг социального заказа (тест)",
        name_kk="Әлеуметтік тапсырыстың жиынтық мониторингі (сынақ)",
        name_en="Summary monitoring test",
        organiser_id=ministry.organisation_id,
        period_start=today - timedelta(days=90),
        period_end=today + timedelta(days=90),
        scoring_deadline=today + timedelta(days=10),
        project_methodology=latest("project_effectiveness"),
        lot_methodology=latest("lot_relevance"),
        status=CampaignStatus.running,
    )
    campaign.groups = [group]
    db.session.add(campaign)
    projects = db.session.scalars(
        select(Project).join(Lot).order_by(Lot.region_id, Lot.administrator_id, Project.id)
    ).all()
    by_region: dict[int, list[Project]] = {}
    for project in projects:
        by_region.setdefault(project.lot.region_id, []).append(project)
    chosen = [p for items in by_region.values() for p in items[:3]]
    lots = db.session.scalars(
        select(Lot).where(~Lot.id.in_([p.lot_id for p in chosen])).order_by(Lot.id).limit(6)
    ).all()
    lots[0].sphere_id = None
    members = [user(who).id for who in MEMBERS]
    for n, project in enumerate(chosen):
        _evaluation(campaign, group, campaign.project_methodology, project, n, members)
    for n, lot in enumerate(lots):
        _evaluation(campaign, group, campaign.lot_methodology, lot, n, members)
    db.session.commit()
    assert len(by_region) >= 3, "the demo's projects should span several regions"
    return campaign


def _expected(campaign: Campaign, methodology: Methodology, column, states) -> dict:
    """{key: (count, mean index, {band: n})} straight from the database, grouped by a Lot column."""
    where = (
        Evaluation.campaign_id == campaign.id,
        Evaluation.methodology_id == methodology.id,
        Evaluation.state.in_(states),
    )
    counts = dict(
        _db.session.execute(
            select(column, func.count(Evaluation.id))
            .join(Lot, Lot.id == Evaluation.lot_id)
            .where(*where)
            .group_by(column)
        ).all()
    )
    indexes: dict = {}
    bands: dict = {}
    for key, index, band_code in _db.session.execute(
        select(column, Evaluation.index_value, Evaluation.band)
        .join(Lot, Lot.id == Evaluation.lot_id)
        .where(*where)
    ):
        indexes.setdefault(key, []).append(Fraction(index))
        bands.setdefault(key, {}).setdefault(band_code, 0)
        bands[key][band_code] += 1
    return {key: (n, round_half_up(sum(indexes[key]) / n, 1), bands[key]) for key, n in counts.items()}


@pytest.mark.parametrize("states", [MANAGER_STATES, PUBLIC_STATES], ids=["managers", "public"])
def test_numbers_per_region_administrator_and_sphere_match_the_database(campaign, states):
    summary = summary_data(campaign, states)
    assert summary.count == _db.session.scalar(
        select(func.count(Evaluation.id)).where(
            Evaluation.campaign_id == campaign.id, Evaluation.state.in_(states)
        )
    )
    assert {s.methodology.kind for s in summary.sections} == {SubjectKind.project, SubjectKind.lot}
    for section in summary.sections:
        m = section.methodology
        for rows, column in (
            (section.by_region, Lot.region_id),
            (section.by_administrator, Lot.administrator_id),
            (section.by_sphere, Lot.sphere_id),
        ):
            expected = _expected(campaign, m, column, states)
            got = {
                (row.subject.id if row.subject is not None else None): (
                    row.count,
                    row.mean_index,
                    {code: n for code, n in row.bands.items() if n},
                )
                for row in rows
            }
            assert got == expected, f"{m.code} by {column.key}"
            assert all((row.remarks_made, row.remarks_rejected) == (0, 0) for row in rows)
        assert section.total.count == sum(row.count for row in section.by_region)
        assert list(section.total.bands) == [b["code"] for b in sorted(m.bands, key=lambda b: -b["min"])]
        if states == MANAGER_STATES:
            assert len(section.by_region) >= 2 or m.kind == SubjectKind.lot


def test_criterion_means_are_means_of_each_evaluations_means(campaign):
    summary = summary_data(campaign)
    for section in summary.sections:
        ids = [e.id for e in section.total.evaluations]
        per_evaluation: dict = {}
        for evaluation_id, code, score in _db.session.execute(
            select(Scorecard.evaluation_id, Score.criterion_code, Score.score)
            .join(Score, Score.scorecard_id == Scorecard.id)
            .where(Scorecard.evaluation_id.in_(ids))
        ):
            per_evaluation.setdefault((evaluation_id, code), []).append(score)
        for criterion, mean in section.criteria:
            means = [Fraction(sum(v), len(v)) for (_e, c), v in per_evaluation.items() if c == criterion.code]
            assert mean == round_half_up(sum(means) / len(means), 2), criterion.code
        assert section.alpha is None or -1 <= section.alpha <= 1


def test_sphere_not_set_is_its_own_row(campaign):
    lot_section = next(s for s in summary_data(campaign).sections if s.methodology.kind == SubjectKind.lot)
    assert any(row.subject is None for row in lot_section.by_sphere)


def test_summary_pdf_names_the_campaign_and_its_regions_in_russian_and_kazakh(campaign, login_as):
    client = login_as("ministry")
    regions = {row.subject for s in summary_data(campaign).sections for row in s.by_region}
    for lang in ("ru", "kk"):
        response = client.get(f"/campaigns/{campaign.id}/summary.pdf?lang={lang}")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert response.data.startswith(b"%PDF")
        text = " ".join(pdf_text(response.data).split())
        assert campaign.localized("name", lang) in text
        for region in regions:
            assert region.localized("name", lang) in text, f"{region.kato} in {lang}"


@pytest.mark.parametrize("who", ["admin", "chair", "member1", "member4", "ngo"])
def test_only_the_campaigns_managers_get_the_summary(campaign, client, who):
    login(client, f"{who}@example.kz")
    assert client.get(f"/campaigns/{campaign.id}/summary.pdf?lang=ru").status_code == 403


def test_summary_needs_a_login_and_an_existing_campaign_and_language(campaign, client, login_as):
    response = client.get(f"/campaigns/{campaign.id}/summary.pdf?lang=ru")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as("ministry")
    assert client.get("/campaigns/999999/summary.pdf?lang=ru").status_code == 404
    assert client.get(f"/campaigns/{campaign.id}/summary.pdf?lang=de").status_code == 404


def test_campaign_page_offers_the_summary_and_the_zip_to_managers_only(campaign, client):
    login(client, "ministry@example.kz")
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "data-summary-pdf" in page and "data-render-reports" in page
    assert f"/campaigns/{campaign.id}/summary.pdf?lang=kk" in page
    client.post("/logout")
    login(client, "chair@example.kz")
    page = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "data-summary-pdf" not in page and "data-render-reports" not in page
