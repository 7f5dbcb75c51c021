"""Campaign figures from the counted scores' sums in SQL (grants.monitoring.results.counted_units,
docs/performance.md#campaign-pages) equal the figures computed from scorecards and scores loaded as
objects: the campaign page's agreement and submitted counts, the summary's criterion means and alpha."""

from fractions import Fraction

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.monitoring.models import Campaign, Evaluation, EvaluationState, SubjectKind
from grants.monitoring.results import campaign_agreement, campaign_alpha, evaluation_result, submitted_counts
from grants.monitoring.rules import round_half_up
from grants.reports.summary import MANAGER_STATES, PUBLIC_STATES, summary_data
from grants.scoring.models import Score, Scorecard
from tests.test_query_counts import grow_to

CLOSED = (EvaluationState.draft, EvaluationState.scoring)


def loaded(campaign_id: int, *where) -> list[Evaluation]:
    """The campaign's evaluations with their scorecards and scores as objects (the reference)."""
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.campaign_id == campaign_id, *where)
            .options(selectinload(Evaluation.scorecards).selectinload(Scorecard.scores))
        )
    )


@pytest.fixture
def campaigns(app):
    grow_to(40)  # the bench data set on top of the demo: random scores
    # Cards and scores that must not count: recused after submitting, never submitted, a score left
    # empty, a score for a criterion outside the evaluation's methodology.
    cards = db.session.scalars(
        select(Scorecard).where(Scorecard.submitted_at.is_not(None)).order_by(Scorecard.id)
    ).all()
    for number, card in enumerate(cards):
        if number % 7 == 1:
            card.recused = True
        elif number % 7 == 3:
            card.submitted_at = None
        elif number % 7 == 5 and card.scores:
            card.scores[0].score = None
        elif number % 7 == 6:
            card.scores.append(Score(criterion_code="NOT_A_CRITERION", score=1))
    db.session.commit()
    ids = db.session.scalars(select(Campaign.id).order_by(Campaign.id)).all()
    assert len(ids) >= 3
    return ids


def test_agreement_and_submitted_counts_equal_the_objects(campaigns):
    compared = 0
    for campaign_id in campaigns:
        found = campaign_agreement(campaign_id)
        reference = loaded(campaign_id, Evaluation.state.not_in(CLOSED))
        for kind in SubjectKind:
            expected = campaign_alpha(reference, kind)
            if expected is None:
                assert found[kind] is None, (campaign_id, kind)
            else:
                assert found[kind] == pytest.approx(expected, abs=1e-12), (campaign_id, kind)
                compared += 1
        everything = loaded(campaign_id)
        submitted = {e.id: sum(1 for card in e.scorecards if card.submitted_at) for e in everything}
        assert submitted_counts(everything) == {k: v for k, v in submitted.items() if v}
    assert compared >= 3  # not every figure None: the comparison means something


@pytest.mark.parametrize("states", [MANAGER_STATES, PUBLIC_STATES])
def test_summary_criterion_means_and_alpha_equal_the_objects(campaigns, states):
    sections = 0
    for campaign_id in campaigns:
        summary = summary_data(db.session.get(Campaign, campaign_id), states)
        reference = loaded(campaign_id, Evaluation.state.in_(states))
        assert sorted(e.id for e in summary.evaluations) == sorted(e.id for e in reference)
        for section in summary.sections:
            items = [e for e in reference if e.methodology_id == section.methodology.id]
            results = [evaluation_result(e) for e in items]
            for criterion, mean in section.criteria:
                values = [r.aggregates[criterion.code].mean for r in results]
                values = [Fraction(v) for v in values if v is not None]
                expected = round_half_up(sum(values) / len(values), 2) if values else None
                assert mean == expected, (campaign_id, criterion.code)
            expected_alpha = campaign_alpha(items, section.methodology.kind)
            if expected_alpha is None:
                assert section.alpha is None
            else:
                assert section.alpha == pytest.approx(expected_alpha, abs=1e-12)
            sections += 1
    assert sections >= 3


def test_results_table_order(campaigns):
    """Projects first, then the highest index, an evaluation without one last."""
    for campaign_id in campaigns:
        evaluations = summary_data(db.session.get(Campaign, campaign_id), PUBLIC_STATES).evaluations
        keys = [
            (e.kind != SubjectKind.project, e.index_value is None, -(e.index_value or 0), e.id)
            for e in evaluations
        ]
        assert keys == sorted(keys), campaign_id
