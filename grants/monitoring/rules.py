"""Scoring arithmetic: plain numbers in, plain numbers out (no database, no Flask).

Exact fractions are used throughout and rounded half up only for display, so an index of
83.25 shows as 83.3 on every machine (docs/domain.md#formula).

The rules live in monitoring, below scoring, because closing scoring (the quorum) and finalizing
(index and band) are monitoring operations; scoring, reports and the portal use them from here.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def round_half_up(value: Fraction | int | float | Decimal, places: int = 1) -> Decimal:
    """Round to `places` decimals, halves away from zero (83.25 -> 83.3)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    quantum = Decimal(1).scaleb(-places)
    return Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionAggregate:
    """What a group's scores on one criterion add up to."""

    code: str
    n: int
    total: int  # the official "sum of points"
    mean: Fraction | None
    minimum: int | None
    maximum: int | None
    flagged: bool

    @property
    def mean_display(self) -> Decimal | None:
        return None if self.mean is None else round_half_up(self.mean, 2)

    @property
    def spread(self) -> int:
        return 0 if self.n == 0 else self.maximum - self.minimum


def disagreement(scores: Sequence[int], threshold: int) -> bool:
    """A criterion is flagged when its highest and lowest scores are `threshold` or more apart."""
    return len(scores) >= 2 and max(scores) - min(scores) >= threshold


def aggregate_criterion(code: str, scores: Sequence[int], threshold: int) -> CriterionAggregate:
    """Mean, official sum, min, max and the disagreement flag of one criterion's scores."""
    scores = list(scores)
    if not scores:
        return CriterionAggregate(code, 0, 0, None, None, None, False)
    return CriterionAggregate(
        code=code,
        n=len(scores),
        total=sum(scores),
        mean=Fraction(sum(scores), len(scores)),
        minimum=min(scores),
        maximum=max(scores),
        flagged=disagreement(scores, threshold),
    )


def aggregate(
    scorecards: Iterable[Mapping[str, int]], criteria: Sequence[str], threshold: int
) -> dict[str, CriterionAggregate]:
    """Per-criterion aggregates over members' scorecards ({code: score}); missing scores are skipped."""
    cards = list(scorecards)
    return {
        code: aggregate_criterion(
            code, [card[code] for card in cards if card.get(code) is not None], threshold
        )
        for code in criteria
    }


def weighted_index(
    means: Mapping[str, Fraction | int], weights: Mapping[str, int | Fraction], scale_max: int
) -> Fraction:
    """Σ weightᵢ · meanᵢ / scale_max, normalised to 0–100 by the total weight (exact).

    With weights summing to 100 this is the Σ wᵢ·meanᵢ / 5 of docs/domain.md#formula.
    """
    total_weight = sum(Fraction(w) for w in weights.values())
    if total_weight <= 0:
        raise ValueError("weights must add up to more than zero")
    missing = set(weights) - set(means)
    if missing:
        raise ValueError(f"no mean for {sorted(missing)}")
    weighted = sum(Fraction(weights[c]) * Fraction(means[c]) for c in weights)
    return weighted * 100 / (total_weight * scale_max)


def band(index: Fraction | Decimal | float, bands: Sequence[tuple[float | int | Decimal, str]]) -> str:
    """The band whose lower bound the (rounded) index reaches; bands are (min, code), any order."""
    value = round_half_up(index, 1) if isinstance(index, Fraction) else Decimal(str(index))
    ordered = sorted(bands, key=lambda b: Decimal(str(b[0])), reverse=True)
    for minimum, code in ordered:
        if value >= Decimal(str(minimum)):
            return code
    return ordered[-1][1]


def quorum_met(submitted: int, quorum: int) -> bool:
    return submitted >= quorum


def krippendorff_alpha(
    units: Iterable[Sequence[float | int | None]], metric: str = "interval"
) -> float | None:
    """Krippendorff's alpha for the values coders gave each unit (None = not rated).

    metric: "interval" (squared difference) or "nominal". Units with fewer than two values carry no
    information and are dropped. None when there is nothing to compare or no variation at all.
    """
    if metric == "interval":

        def delta(a, b):
            return (a - b) ** 2
    elif metric == "nominal":

        def delta(a, b):
            return 0 if a == b else 1
    else:
        raise ValueError(f"unknown metric {metric}")

    pairable = [[Fraction(v) for v in unit if v is not None] for unit in units]
    pairable = [values for values in pairable if len(values) >= 2]
    n = sum(len(values) for values in pairable)
    if n < 2:
        return None
    observed = Fraction(0)
    for values in pairable:
        m = len(values)
        within = sum(delta(a, b) for i, a in enumerate(values) for j, b in enumerate(values) if i != j)
        observed += Fraction(within, m - 1)
    observed /= n
    everything = [v for values in pairable for v in values]
    # Σ over ordered pairs of all pairable values: by value counts to keep it O(k²) in distinct values.
    counts: dict[Fraction, int] = {}
    for v in everything:
        counts[v] = counts.get(v, 0) + 1
    expected = Fraction(0)
    for a, na in counts.items():
        for b, nb in counts.items():
            if a != b:
                expected += na * nb * delta(a, b)
    expected /= n * (n - 1)
    if expected == 0:
        return None
    return float(1 - observed / expected)


@dataclass(frozen=True)
class AgreementSums:
    """The four sums from which Krippendorff's interval alpha of many units follows, so that it can be
    pooled by adding them up (per evaluation, then per campaign in SQL: docs/analytics.md#dashboard).

    Over the pairable units (at least two values): values n = Σ m_u, total S = Σ v, squares Q = Σ v²,
    and within = Σ_u Σ_{i≠j} (v_i − v_j)² / (m_u − 1) = Σ_u 2·(m_u·q_u − s_u²) / (m_u − 1), the
    observed disagreement before it is divided by n.
    """

    values: int = 0
    total: int = 0
    squares: int = 0
    within: Fraction = Fraction(0)

    def __add__(self, other: "AgreementSums") -> "AgreementSums":
        return AgreementSums(
            self.values + other.values,
            self.total + other.total,
            self.squares + other.squares,
            self.within + other.within,
        )

    @property
    def alpha(self) -> float | None:
        """krippendorff_alpha(units, "interval") of the units summed: D_o = within / n and
        D_e = 2·(n·Q − S²) / (n·(n − 1)); None with fewer than two values or no variation at all."""
        return alpha_from_sums(self.values, self.total, self.squares, self.within)


def alpha_from_sums(values, total, squares, within) -> float | None:
    """1 − D_o / D_e from the pooled sums of AgreementSums (any of them may come from SQL as Decimal)."""
    n, s, q = int(values or 0), int(total or 0), int(squares or 0)
    if n < 2:
        return None
    expected = n * q - s * s  # D_e · n·(n − 1) / 2
    if expected == 0:
        return None
    return float(1 - Fraction(n - 1) * Fraction(within) / (2 * expected))


def unit_agreement(count: int, total: int, squares: int) -> AgreementSums:
    """AgreementSums of one unit from the count, sum and sum of squares of its values (as SQL gives
    them); nothing for fewer than two values, which krippendorff_alpha drops."""
    if count < 2:
        return AgreementSums()
    return AgreementSums(count, total, squares, Fraction(2 * (count * squares - total * total), count - 1))


def agreement_sums(units: Iterable[Sequence[int | None]]) -> AgreementSums:
    """AgreementSums of integer-valued units (None = not rated); units with fewer than two values are
    dropped, as krippendorff_alpha drops them."""
    pooled = AgreementSums()
    for unit in units:
        values = [v for v in unit if v is not None]
        pooled = pooled + unit_agreement(len(values), sum(values), sum(v * v for v in values))
    return pooled
