"""The scoring rules of docs/domain.md#formula, with the published example and properties that must always hold."""

from decimal import Decimal
from fractions import Fraction

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grants.monitoring import rules

CODES = ["relevance", "plan_execution", "result", "sustainability", "social_effect"]
WEIGHTS = {"relevance": 20, "plan_execution": 20, "result": 25, "sustainability": 15, "social_effect": 20}
BANDS = [(85, "highly_effective"), (70, "effective"), (50, "partially_effective"), (0, "ineffective")]


def card(*scores):
    return dict(zip(CODES, scores, strict=True))


def test_issue_example_means_index_and_band():
    cards = [card(4, 5, 3, 4, 4), card(5, 5, 4, 4, 5), card(3, 4, 4, 5, 4)]
    agg = rules.aggregate(cards, CODES, threshold=3)
    assert [agg[c].mean_display for c in CODES] == [
        Decimal("4.00"),
        Decimal("4.67"),
        Decimal("3.67"),
        Decimal("4.33"),
        Decimal("4.33"),
    ]
    assert [agg[c].total for c in CODES] == [12, 14, 11, 13, 13]
    index = rules.weighted_index({c: agg[c].mean for c in CODES}, WEIGHTS, scale_max=5)
    assert rules.round_half_up(index, 1) == Decimal("83.3")
    assert rules.band(index, BANDS) == "effective"
    assert not any(a.flagged for a in agg.values())


def test_published_totals_match_the_official_sum():
    # A published total (docs/domain.md#formula): 15/14/13/15/14 = 71 by three members on 0-5.
    cards = [card(5, 5, 5, 5, 5), card(5, 5, 4, 5, 5), card(5, 4, 4, 5, 4)]
    agg = rules.aggregate(cards, CODES, threshold=3)
    assert [agg[c].total for c in CODES] == [15, 14, 13, 15, 14]
    assert sum(agg[c].total for c in CODES) == 71


def test_rounding_is_half_up_not_bankers():
    assert rules.round_half_up(Fraction(8325, 100), 1) == Decimal("83.3")
    assert rules.round_half_up(Fraction(8335, 100), 1) == Decimal("83.4")
    assert rules.round_half_up(Fraction(2, 3), 2) == Decimal("0.67")


def test_disagreement_flag_at_threshold():
    assert rules.aggregate([{"a": 1}, {"a": 5}], ["a"], 3)["a"].flagged
    assert rules.aggregate([{"a": 2}, {"a": 5}], ["a"], 3)["a"].flagged
    assert not rules.aggregate([{"a": 3}, {"a": 5}], ["a"], 3)["a"].flagged
    assert not rules.aggregate([{"a": 0}], ["a"], 3)["a"].flagged


@pytest.mark.parametrize(
    "value, expected",
    [
        (Fraction(85), "highly_effective"),
        (Fraction(8496, 100), "highly_effective"),
        (Fraction(8494, 100), "effective"),
        (Fraction(70), "effective"),
        (Fraction(4994, 100), "ineffective"),
        (Fraction(4995, 100), "partially_effective"),
        (Fraction(0), "ineffective"),
    ],
)
def test_band_boundaries_follow_the_rounded_index(value, expected):
    assert rules.band(value, BANDS) == expected


def test_quorum():
    assert rules.quorum_met(3, 3) and not rules.quorum_met(2, 3)


scores = st.integers(min_value=0, max_value=5)
scorecards = st.lists(st.fixed_dictionaries({c: scores for c in CODES}), min_size=1, max_size=9)


def index_of(cards):
    agg = rules.aggregate(cards, CODES, 3)
    return rules.weighted_index({c: agg[c].mean for c in CODES}, WEIGHTS, 5)


@settings(max_examples=200, deadline=None)
@given(scorecards)
def test_index_stays_within_0_and_100(cards):
    assert 0 <= index_of(cards) <= 100


@settings(max_examples=200, deadline=None)
@given(scorecards, st.data())
def test_index_is_monotone_in_every_score(cards, data):
    member = data.draw(st.integers(0, len(cards) - 1))
    code = data.draw(st.sampled_from(CODES))
    if cards[member][code] == 5:
        return
    raised = [dict(c) for c in cards]
    raised[member][code] += 1
    assert index_of(raised) > index_of(cards)


@settings(max_examples=200, deadline=None)
@given(scorecards, st.randoms())
def test_index_and_flags_do_not_depend_on_member_order(cards, rnd):
    shuffled = list(cards)
    rnd.shuffle(shuffled)
    assert index_of(shuffled) == index_of(cards)
    assert rules.aggregate(shuffled, CODES, 3) == rules.aggregate(cards, CODES, 3)


def test_alpha_perfect_agreement_and_no_information():
    assert rules.krippendorff_alpha([[4, 4, 4], [2, 2, 2], [5, 5, None]]) == 1.0
    assert rules.krippendorff_alpha([[3, 3], [3, 3]]) is None  # no variation at all
    assert rules.krippendorff_alpha([[3], [4]]) is None  # nothing pairable


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=3, max_size=3), min_size=2, max_size=12
    )
)
def test_alpha_matches_the_krippendorff_library(units):
    ours = rules.krippendorff_alpha(units, "interval")
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    values = [v for u in pairable for v in u if v is not None]
    if ours is None:
        assert len(values) < 2 or len(set(values)) == 1
        return
    matrix = np.array([[np.nan if v is None else v for v in u] for u in units], dtype=float).T
    theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
    assert ours == pytest.approx(theirs, abs=1e-9)
