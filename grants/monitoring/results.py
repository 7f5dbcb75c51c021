"""What an evaluation's submitted scorecards add up to (calls the pure rules in grants.monitoring.rules)."""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, func, select

from grants.extensions import db
from grants.monitoring import rules
from grants.monitoring.models import Criterion, Evaluation, EvaluationState, SubjectKind

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


def counted_units(*where) -> list[tuple[int, SubjectKind, str, int, int, int]]:
    """(evaluation id, kind, criterion code, count, sum, sum of squares) of the scores of the counted
    scorecards (submitted, not recused) for each criterion of the methodology of each evaluation
    matching where: one grouped query instead of loading scorecards and scores as objects
    (docs/performance.md#campaign-pages). What evaluation_result reads, per criterion: its mean is
    sum / count, and rules.unit_agreement of the three is the unit campaign_alpha pools.

    Scorecards and scores are reached through Evaluation.scorecards: scoring lies above monitoring
    (docs/architecture.md)."""
    scorecard = Evaluation.scorecards.property.mapper.class_
    score = scorecard.scores.property.mapper.class_
    rows = db.session.execute(
        select(
            Evaluation.id,
            Evaluation.kind,
            score.criterion_code,
            func.count(score.score),
            func.sum(score.score),
            func.sum(score.score * score.score),
        )
        .join(scorecard, scorecard.evaluation_id == Evaluation.id)
        .join(score, score.scorecard_id == scorecard.id)
        .join(
            Criterion,
            and_(
                Criterion.methodology_id == Evaluation.methodology_id, Criterion.code == score.criterion_code
            ),
        )
        .where(*where, scorecard.submitted_at.is_not(None), ~scorecard.recused, score.score.is_not(None))
        .group_by(Evaluation.id, Evaluation.kind, score.criterion_code)
    )
    return [
        (eid, kind, code, int(n), int(total), int(squares)) for eid, kind, code, n, total, squares in rows
    ]


def pooled_alpha(units, kind=None) -> float | None:
    """campaign_alpha from counted_units rows (of one kind when given): the same exact figure."""
    pooled = rules.AgreementSums()
    for _evaluation_id, unit_kind, _code, n, total, squares in units:
        if kind is None or unit_kind == kind:
            pooled = pooled + rules.unit_agreement(n, total, squares)
    return pooled.alpha


def campaign_agreement(campaign_id: int) -> dict:
    """campaign_alpha of the campaign's evaluations per kind (those whose scoring has closed), from one
    grouped query whatever their number (counted_units)."""
    units = counted_units(
        Evaluation.campaign_id == campaign_id,
        Evaluation.state.not_in((EvaluationState.draft, EvaluationState.scoring)),
    )
    return {kind: pooled_alpha(units, kind) for kind in SubjectKind}


def submitted_counts(evaluations) -> dict[int, int]:
    """How many scorecards of each evaluation have been submitted, by evaluation id (one grouped query;
    evaluations without one are left out). Scorecards are reached through Evaluation.scorecards:
    monitoring lies below scoring, so it names no scoring class (docs/architecture.md)."""
    ids = sorted({e.id for e in evaluations})
    if not ids:
        return {}
    scorecard = Evaluation.scorecards.property.mapper.class_
    rows = db.session.execute(
        select(scorecard.evaluation_id, func.count(scorecard.id))
        .where(scorecard.evaluation_id.in_(ids), scorecard.submitted_at.is_not(None))
        .group_by(scorecard.evaluation_id)
    )
    return dict(rows.tuples().all())
