"""What an evaluation's submitted scorecards add up to (calls the pure rules in grants.monitoring.rules)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.monitoring import rules
from grants.monitoring.models import Evaluation, EvaluationState, Methodology, SubjectKind

WITHIN_PLACES = 12  # the scale of Evaluation.agreement_within


@dataclass
class EvaluationResult:
    aggregates: dict[str, rules.CriterionAggregate]
    submitted: int
    recused: int
    quorum: int
    index: Decimal | None  # rounded half up to one decimal
    band: str | None
    agreement: rules.AgreementSums  # the sums campaign_alpha pools (stored with the index at finalize)

    @property
    def quorum_met(self) -> bool:
        return rules.quorum_met(self.submitted, self.quorum)

    @property
    def flagged(self) -> list[str]:
        return [code for code, agg in self.aggregates.items() if agg.flagged]

    @property
    def official_total(self) -> int:
        return sum(agg.total for agg in self.aggregates.values())


def evaluation_result(evaluation: Evaluation) -> EvaluationResult:
    """Aggregates over the scorecards that count (submitted, not recused)."""
    methodology = evaluation.methodology
    counted = [card.as_dict() for card in evaluation.scorecards if card.counts]
    units = [[card.get(code) for card in counted] for code in methodology.codes]
    aggregates = rules.aggregate(counted, methodology.codes, methodology.disagreement_threshold)
    index = band = None
    if counted and all(agg.mean is not None for agg in aggregates.values()):
        exact = rules.weighted_index(
            {c: a.mean for c, a in aggregates.items()}, methodology.weights, methodology.scale_max
        )
        index = rules.round_half_up(exact, 1)
        band = rules.band(exact, methodology.band_pairs())
    return EvaluationResult(
        aggregates=aggregates,
        submitted=len(counted),
        recused=sum(1 for card in evaluation.scorecards if card.recused),
        quorum=methodology.quorum,
        index=index,
        band=band,
        agreement=rules.agreement_sums(units),
    )


def store_result(evaluation: Evaluation, result: EvaluationResult) -> None:
    """Fix the result on the evaluation: index, band and the agreement sums, always together."""
    evaluation.index_value = result.index
    evaluation.band = result.band
    store_agreement(evaluation, result.agreement)


def store_agreement(evaluation: Evaluation, sums: rules.AgreementSums) -> None:
    evaluation.agreement_values = sums.values
    evaluation.agreement_total = sums.total
    evaluation.agreement_squares = sums.squares
    evaluation.agreement_within = rules.round_half_up(sums.within, WITHIN_PLACES)


def campaign_alpha(evaluations, kind) -> float | None:
    """Agreement between members across a campaign's evaluations of one kind (Krippendorff's alpha, interval).

    Only evaluations whose scoring has closed count, so the figure never hints at scores still open.
    """
    units = []
    for evaluation in evaluations:
        if evaluation.kind != kind or evaluation.state in (EvaluationState.draft, EvaluationState.scoring):
            continue
        cards = [card.as_dict() for card in evaluation.scorecards if card.counts]
        for code in evaluation.methodology.codes:
            units.append([card.get(code) for card in cards])
    return rules.krippendorff_alpha(units, "interval")


def campaign_agreement(campaign_id: int) -> dict:
    """campaign_alpha of the campaign's evaluations per kind, with their scorecards, scores and criteria
    loaded in four queries whatever their number (docs/performance.md#query-counts). The scorecards are
    reached through Evaluation.scorecards: scoring lies above monitoring (docs/architecture.md)."""
    scorecard = Evaluation.scorecards.property.mapper.class_
    evaluations = db.session.scalars(
        select(Evaluation)
        .where(
            Evaluation.campaign_id == campaign_id,
            Evaluation.state.not_in((EvaluationState.draft, EvaluationState.scoring)),
        )
        .options(
            selectinload(Evaluation.scorecards).selectinload(scorecard.scores),
            selectinload(Evaluation.methodology).selectinload(Methodology.criteria),
        )
    ).all()
    return {kind: campaign_alpha(evaluations, kind) for kind in SubjectKind}


def submitted_counts(evaluations) -> dict[int, int]:
    """How many scorecards of each evaluation have been submitted, by evaluation id.

    The scorecards are read through Evaluation.scorecards, loaded for all the evaluations in one query:
    monitoring lies below scoring, so it names no scoring class (docs/architecture.md).
    """
    ids = sorted({e.id for e in evaluations})
    if not ids:
        return {}
    loaded = db.session.scalars(
        select(Evaluation).where(Evaluation.id.in_(ids)).options(selectinload(Evaluation.scorecards))
    )
    return {e.id: sum(1 for card in e.scorecards if card.submitted_at is not None) for e in loaded}
