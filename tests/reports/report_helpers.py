"""Drive a demo evaluation to review with the operations, for report tests."""

import subprocess

from sqlalchemy import select

from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation, EvaluationState, SubjectKind
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from tests.helpers import pdf_text, user  # noqa: F401  (pdf_text: imported from here by report tests)

SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}


def group1_project_evaluation() -> Evaluation:
    chair, bins = user("chair"), user("member2").affiliated_bins
    for e in db.session.scalars(
        select(Evaluation).where(Evaluation.kind == SubjectKind.project).order_by(Evaluation.id)
    ):
        if e.group.chair_id == chair.id and e.ngo_bin not in bins and e.state == EvaluationState.scoring:
            return e
    raise AssertionError("no demo project evaluation for group 1")


def finalize_with(
    evaluation: Evaluation,
    comment: str = "Проверено на месте",
    findings: str = "Выводы группы",
    recommendations: str = "Рекомендации группы",
) -> Evaluation:
    """Three members score (the issue's example) with `comment` on every score; the chair finalizes;
    the draft reports are rendered after the commit, as at a request's end."""
    codes = evaluation.methodology.codes
    for who, scores in SCORES.items():
        member = user(who)
        scoring.declare(evaluation, member, False)
        scoring.save_draft(
            evaluation,
            member,
            {c: {"score": s, "comment": comment} for c, s in zip(codes, scores, strict=True)},
        )
        scoring.submit(evaluation, member)
    workflow.finalize(
        evaluation,
        user("chair"),
        {
            "findings": findings,
            "recommendations": recommendations,
            "conclusions": {c: "Положительно" for c in codes},
            "consensus_notes": {},
        },
    )
    db.session.commit()
    render_committed()
    return evaluation


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True, text=True).stdout
