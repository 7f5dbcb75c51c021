"""The agreement panel reads the sums finalize stores on each evaluation (docs/analytics.md#dashboard):
the sums give Krippendorff's alpha exactly as rules.krippendorff_alpha and results.campaign_alpha do,
finalize stores them with the index, and the panel never reads the scores table."""

import random
import re
from fractions import Fraction

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from grants.analytics.dashboard import agreement, build, score_scope
from grants.analytics.filters import AnalyticsFilters
from grants.extensions import db
from grants.monitoring import rules
from grants.monitoring.models import SubjectKind
from grants.monitoring.results import WITHIN_PLACES, campaign_alpha, evaluation_result
from tests.analytics.test_dashboard import YEAR, world  # noqa: F401  (the dashboard's data)
from tests.helpers import user
from tests.reports.report_helpers import SCORES, finalize_with, group1_project_evaluation


@pytest.mark.parametrize("seed", range(20))
def test_pooled_sums_give_krippendorffs_alpha(seed):
    rng = random.Random(seed)
    evaluations = [
        [[rng.choice((None, 0, 1, 2, 3, 4, 5, 5)) for _ in range(rng.randint(0, 6))] for _ in range(5)]
        for _ in range(rng.randint(1, 6))
    ]
    pooled = sum((rules.agreement_sums(units) for units in evaluations), rules.AgreementSums())
    everything = [unit for units in evaluations for unit in units]
    assert pooled == rules.agreement_sums(everything)
    expected = rules.krippendorff_alpha(everything, "interval")
    if expected is None:
        assert pooled.alpha is None
    else:
        assert pooled.alpha == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    "units",
    [
        [],  # nothing rated
        [[3], [4, None], [None, None]],  # no unit with two values
        [[4, 4, 4], [4, 4]],  # no variation at all: D_e is 0
    ],
)
def test_no_alpha_without_two_values_or_variation(units):
    assert rules.krippendorff_alpha(units, "interval") is None
    assert rules.agreement_sums(units).alpha is None


def test_perfect_agreement_and_sums_of_one_unit():
    sums = rules.agreement_sums([[1, 1, None], [5, 5], [7]])
    assert (sums.values, sums.total, sums.squares, sums.within) == (4, 12, 52, 0)
    assert sums.alpha == 1.0
    # one unit (2, 4, 6): s = 12, q = 56, within = 2·(3·56 − 144)/2 = 24
    assert rules.agreement_sums([[2, 4, 6]]).within == 24


def test_finalize_stores_the_sums_with_the_index(app, db):
    evaluation = finalize_with(group1_project_evaluation())
    codes = evaluation.methodology.codes
    units = [[SCORES[who][k] for who in SCORES] for k in range(len(codes))]
    sums = rules.agreement_sums(units)
    assert evaluation.index_value == evaluation_result(evaluation).index
    assert evaluation.agreement_values == 3 * len(codes) == sums.values
    assert (evaluation.agreement_total, evaluation.agreement_squares) == (sums.total, sums.squares)
    assert evaluation.agreement_within == rules.round_half_up(sums.within, WITHIN_PLACES)
    stored = rules.alpha_from_sums(
        evaluation.agreement_values,
        evaluation.agreement_total,
        evaluation.agreement_squares,
        evaluation.agreement_within,
    )
    assert stored is not None
    assert stored == pytest.approx(campaign_alpha([evaluation], evaluation.kind), abs=1e-9)
    assert Fraction(evaluation.agreement_within) == pytest.approx(sums.within, abs=1e-12)


def test_the_panel_reads_no_score(app, world):  # noqa: F811
    campaign = world["campaign"]
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        for who in (AnonymousUserMixin(), user("ministry")):
            with app.test_request_context("/?lang=en"):
                found = agreement(AnalyticsFilters(year=YEAR).lot_ids().scalar_subquery(), score_scope(who))
                panel = build(AnalyticsFilters(year=YEAR), who, "en", only="agreement").panel("agreement")
            assert {(a.campaign.id, a.kind) for a in found} == {
                (campaign.id, SubjectKind.project),
                (campaign.id, SubjectKind.lot),
            }
            assert len(panel.rows) == 2
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements
    reading_scores = [s for s in statements if re.search(r"\bscores\b", s, re.IGNORECASE)]
    assert reading_scores == []
