"""seed-bench with --scores (docs/analytics.md#performance, docs/performance.md#the-benchmark-data-set):
campaigns, evaluations, scorecards, scores, replies and recommendations in bulk, deterministic and
idempotent, the indexes and bands following from the scores; more projects than lots."""

from collections import defaultdict
from fractions import Fraction

from sqlalchemy import func, select

from grants.cooperation.models import Recommendation
from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, Methodology, SubjectKind
from grants.monitoring.rules import band, round_half_up, weighted_index
from grants.projects.models import Project
from grants.replies.models import Reply
from grants.scoring.models import Score, Scorecard
from grants.seed.bench import MAX_PROJECTS_PER_LOT, MEMBERS_PER_GROUP, load_bench, load_bench_scores


def fingerprint() -> list[tuple]:
    """Every bench evaluation by natural keys (lot number, kind, campaign) with its figures and scores."""
    scores = dict(
        db.session.execute(
            select(Scorecard.evaluation_id, func.sum(Score.score))
            .join(Score, Score.scorecard_id == Scorecard.id)
            .group_by(Scorecard.evaluation_id)
        ).all()
    )
    rows = db.session.execute(
        select(Evaluation, Lot.number, Campaign.name_en)
        .join(Lot, Lot.id == Evaluation.lot_id)
        .join(Campaign, Campaign.id == Evaluation.campaign_id)
        .where(Lot.number.like("BENCH-%"))
    ).all()
    return (
        sorted(
            (
                number,
                e.kind.value,
                campaign,
                e.state.value,
                str(e.index_value),
                e.band,
                str(e.alpha),
                scores.get(e.id),
            )
            for e, number, campaign in rows
        )
        + sorted(
            (
                number,
                campaign,
                r.criterion_code or "",
                r.text,
                str(r.ruling),
                r.submitted_at.replace(tzinfo=None),
            )
            for r, number, campaign in db.session.execute(
                select(Reply, Lot.number, Campaign.name_en)
                .join(Evaluation, Evaluation.id == Reply.evaluation_id)
                .join(Lot, Lot.id == Evaluation.lot_id)
                .join(Campaign, Campaign.id == Evaluation.campaign_id)
            )
        )
        + sorted(
            (number, campaign, r.status.value, r.text)
            for r, number, campaign in db.session.execute(
                select(Recommendation, Lot.number, Campaign.name_en)
                .join(Evaluation, Evaluation.id == Recommendation.evaluation_id)
                .join(Lot, Lot.id == Evaluation.lot_id)
                .join(Campaign, Campaign.id == Evaluation.campaign_id)
            )
        )
    )


def test_scores_are_deterministic_idempotent_and_consistent(db):
    nested = db.session.begin_nested()
    load_bench(40, 90)
    counts = load_bench_scores(6000)
    first = fingerprint()
    nested.rollback()

    assert load_bench(40, 90)["projects"] == 90  # more projects than lots: several under some lots
    per_lot = (
        db.session.execute(
            select(func.count(Project.id))
            .join(Lot, Lot.id == Project.lot_id)
            .where(Lot.number.like("BENCH-%"))
            .group_by(Lot.id)
        )
        .scalars()
        .all()
    )
    assert max(per_lot) > 1 and max(per_lot) <= MAX_PROJECTS_PER_LOT
    assert load_bench_scores(6000) == counts
    assert fingerprint() == first  # the same data set again
    again = load_bench_scores(6000)
    assert (again["evaluations"], again["scores"], again["replies"], again["recommendations"]) == (0, 0, 0, 0)
    assert load_bench(40, 90) == {"organisations": 0, "lots": 0, "projects": 0}  # idempotent

    assert 6000 <= counts["scores"] < 6100
    # the NGOs answer some published project evaluations, the councils recommend on some
    published = sum(1 for row in first if len(row) == 8 and row[3] == "published")
    assert 0 < counts["replies"] < published
    assert 0 < counts["recommendations"] < published
    replies = db.session.scalars(select(Reply)).all()
    assert all(r.evaluation.is_published and r.evaluation.kind == SubjectKind.project for r in replies)
    assert all(r.organisation_id == r.evaluation.project.ngo_id for r in replies)
    assert counts["scorecards"] == counts["evaluations"] * MEMBERS_PER_GROUP
    evaluations = db.session.scalars(
        select(Evaluation).join(Lot, Lot.id == Evaluation.lot_id).where(Lot.number.like("BENCH-%"))
    ).all()
    assert len(evaluations) == counts["evaluations"]
    states = {e.state for e in evaluations}
    assert states == {EvaluationState.published, EvaluationState.accepted}
    assert {e.kind for e in evaluations} == {SubjectKind.project, SubjectKind.lot}
    assert all(e.published_at is not None for e in evaluations if e.state == EvaluationState.published)

    # the stored index and band are those of the scores (grants/monitoring/rules.py)
    by_card = defaultdict(list)
    for evaluation_id, code, value in db.session.execute(
        select(Scorecard.evaluation_id, Score.criterion_code, Score.score).join(
            Score, Score.scorecard_id == Scorecard.id
        )
    ):
        by_card[(evaluation_id, code)].append(value)
    for e in evaluations[:50]:
        method = db.session.get(Methodology, e.methodology_id)
        means = {c.code: Fraction(sum(by_card[(e.id, c.code)]), MEMBERS_PER_GROUP) for c in method.criteria}
        index = weighted_index(means, method.weights, method.scale_max)
        assert e.index_value == round_half_up(index, 1)
        assert e.band == band(index, method.band_pairs())
        assert 0 < e.alpha < 1
