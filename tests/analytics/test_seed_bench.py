"""seed-bench with --scores (docs/analytics.md#performance): campaigns, evaluations, scorecards and scores
in bulk, deterministic and idempotent, the indexes and bands following from the scores."""

from collections import defaultdict
from fractions import Fraction

from sqlalchemy import func, select

from grants.extensions import db
from grants.lots.models import Lot
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, Methodology, SubjectKind
from grants.monitoring.rules import band, round_half_up, weighted_index
from grants.scoring.models import Score, Scorecard
from grants.seed.bench import MEMBERS_PER_GROUP, load_bench, load_bench_scores


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
    return sorted(
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


def test_scores_are_deterministic_idempotent_and_consistent(db):
    nested = db.session.begin_nested()
    load_bench(40, 25)
    counts = load_bench_scores(3000)
    first = fingerprint()
    nested.rollback()

    load_bench(40, 25)
    assert load_bench_scores(3000) == counts
    assert fingerprint() == first  # the same data set again
    again = load_bench_scores(3000)
    assert (again["evaluations"], again["scorecards"], again["scores"]) == (0, 0, 0)  # idempotent

    assert 3000 <= counts["scores"] < 3100
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
