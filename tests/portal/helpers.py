"""Evaluations driven through the workflow operations for the portal tests (rolled back after each test).

`published_campaign()` publishes a project and a lot evaluation of one fresh campaign (the issue's
example: project index 83.3 "effective", lot 80.0 "relevant"), after the ministry once returned the
project's evaluation with REVIEW_COMMENT. `unpublished_campaign()` leaves the same subjects of another
campaign in review (project) and accepted (lot) with all scores 2: index 40.0, which must never show.
"""

from dataclasses import dataclass

from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation
from grants.reports.operations import publish, review
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from tests.api.evaluation_fixtures import EvaluationSetup, build_campaign, user

SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}
SCORERS = tuple(SCORES)
MEMBER_COMMENT = "Личный комментарий члена группы"
REVIEW_COMMENT = "Замечание министерства к черновику"
FINDINGS = "Публичные выводы группы"
RECOMMENDATIONS = "Публичные рекомендации группы"
CONCLUSION = "Вывод группы по критерию"
HIDDEN_FINDINGS = "Выводы ещё не опубликованной оценки"


@dataclass
class Published:
    setup: EvaluationSetup
    project: Evaluation
    lot: Evaluation


def score(evaluation: Evaluation, scores: dict[str, tuple[int, ...]] | None = None, same: int | None = None):
    codes = evaluation.methodology.codes
    for who in SCORERS:
        values = (
            (same,) * len(codes)
            if same is not None
            else scores[who]
            if evaluation.project_id
            else (4,) * len(codes)
        )
        member = user(who)
        scoring.declare(evaluation, member, False)
        scoring.save_draft(
            evaluation,
            member,
            {c: {"score": v, "comment": MEMBER_COMMENT} for c, v in zip(codes, values, strict=True)},
        )
        scoring.submit(evaluation, member)


def finalize(evaluation: Evaluation, findings: str = FINDINGS):
    workflow.finalize(
        evaluation,
        user("chair"),
        {
            "findings": findings,
            "recommendations": RECOMMENDATIONS,
            "conclusions": {code: f"{CONCLUSION}: {code}" for code in evaluation.methodology.codes},
            "consensus_notes": {},
        },
    )


def published_campaign() -> Published:
    setup = build_campaign()
    ministry = user("ministry")
    for evaluation in (setup.project, setup.lot):
        score(evaluation, SCORES)
        finalize(evaluation)
    review(setup.project, ministry, "return", REVIEW_COMMENT)
    finalize(setup.project)
    for evaluation in (setup.project, setup.lot):
        review(evaluation, ministry, "accept", None)
        publish(evaluation, ministry)
    db.session.commit()
    render_committed()  # the PDFs, after the commit (grants/reports/rendering.py)
    return Published(setup, setup.project, setup.lot)


def unpublished_campaign() -> Published:
    setup = build_campaign()
    for evaluation in (setup.project, setup.lot):
        score(evaluation, same=2)
        finalize(evaluation, HIDDEN_FINDINGS)
    review(setup.lot, user("ministry"), "accept", None)
    db.session.commit()
    render_committed()
    return Published(setup, setup.project, setup.lot)


def names_of_scorers() -> list[str]:
    return [user(who).full_name for who in (*SCORERS, "chair")]
