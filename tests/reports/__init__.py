"""Shared helpers of the review, verification and publication tests: an evaluation driven to review
with the workflow operations, on a campaign of the demo ministry (tests/api/evaluation_fixtures.py)."""

import hashlib

from sqlalchemy import select

from grants.accounts.models import User
from grants.audit.models import AuditEvent
from grants.extensions import db
from grants.monitoring import operations as workflow
from grants.monitoring.models import Evaluation
from grants.reports.models import Report, ReviewDecision
from grants.reports.rendering import render_committed
from grants.scoring import operations as scoring
from tests.api.evaluation_fixtures import build_campaign, user
from tests.conftest import DEMO_PASSWORD
from tests.factories import other_lot
from tests.helpers import audit_count  # noqa: F401  (imported from here by report tests)

# The example: index 83.3, band "effective".
SCORES = {"member1": (4, 5, 3, 4, 4), "member2": (5, 5, 4, 4, 5), "member3": (3, 4, 4, 5, 4)}
FINDINGS = "Мероприятия проведены в основном по плану."
RECOMMENDATIONS = "Усилить работу с родителями."


def consolidation(evaluation: Evaluation, **overrides) -> dict:
    payload = {
        "findings": FINDINGS,
        "recommendations": RECOMMENDATIONS,
        "conclusions": {code: f"Вывод группы: {code}" for code in evaluation.methodology.codes},
        "consensus_notes": {},
    }
    payload.update(overrides)
    return payload


def scored(kind: str = "project") -> Evaluation:
    """A fresh campaign's project (or lot) evaluation with three submitted scorecards."""
    evaluation = getattr(build_campaign(), kind)
    codes = evaluation.methodology.codes
    for who, scores in SCORES.items():
        member = user(who)
        values = scores if kind == "project" else (4,) * len(codes)
        scoring.declare(evaluation, member, False)
        scoring.save_draft(
            evaluation,
            member,
            {c: {"score": s, "comment": f"Проверено: {c}"} for c, s in zip(codes, values, strict=True)},
        )
        scoring.submit(evaluation, member)
    db.session.commit()
    return evaluation


def in_review(kind: str = "project") -> Evaluation:
    """scored(), then finalized by the chair: in review with draft version 1 issued and rendered
    (after the commit, as a request's end would: grants/reports/rendering.py)."""
    evaluation = scored(kind)
    workflow.finalize(evaluation, user("chair"), consolidation(evaluation))
    db.session.commit()
    render_committed()
    return evaluation


def reload(evaluation: Evaluation) -> Evaluation:
    db.session.expire_all()
    return db.session.get(Evaluation, evaluation.id)


def reports_of(evaluation: Evaluation) -> list[Report]:
    """Every issued report of the evaluation, oldest version first."""
    db.session.expire_all()
    return db.session.scalars(
        select(Report).where(Report.evaluation_id == evaluation.id).order_by(Report.version, Report.lang)
    ).all()


def decisions_of(evaluation: Evaluation) -> list[ReviewDecision]:
    return db.session.scalars(
        select(ReviewDecision)
        .where(ReviewDecision.evaluation_id == evaluation.id)
        .order_by(ReviewDecision.id)
    ).all()


def audit_actions(evaluation: Evaluation) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "Evaluation", AuditEvent.object_id == evaluation.id)
        .order_by(AuditEvent.id)
    ).all()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def other_ministry() -> User:
    """Ministry staff of another administrator than the campaign's organiser."""
    email = "other.ministry@example.kz"
    found = db.session.scalar(select(User).where(User.email == email))
    if found is None:
        found = User(email=email, full_name="Другой Сотрудник", organisation_id=other_lot().administrator_id)
        found.set_password(DEMO_PASSWORD)
        found.set_roles(["ministry"])
        db.session.add(found)
        db.session.commit()
    assert found.organisation_id != user("ministry").organisation_id
    return found
